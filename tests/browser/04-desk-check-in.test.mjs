// The front desk checks a vendor in: Pat (RapidFlow, whose company auto-creates visits)
// accepts a job at Maple Court and picks a slot; the visit shows on the desk page for the
// appointment's local date; "Check in" checks it in and starts the work.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, screenshot, visible, createPlumbingWorkOrder, workOrder, sms, localDate, PAT, MAPLE_COURT,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the desk checks Pat in and the work order is in progress', async () => {
  const { id, code } = await createPlumbingWorkOrder({
    unit: '2A',
    tenant: { name: 'Bo Lindgren', phone: '+17185550194' },
    description: 'Bathroom sink drain clogged',
  });
  let r = await sms(PAT.phone, `yes ${code}`);
  assert.equal(r.outcome, 'executed', `Pat's "yes" was not executed: ${JSON.stringify(r)}`);
  r = await sms(PAT.phone, `1 ${code}`);
  assert.equal(r.outcome, 'executed', `Pat's slot was not executed: ${JSON.stringify(r)}`);

  let wo = await workOrder(id);
  assert.equal(wo.status, 'scheduled');
  assert.ok(wo.appointment, 'the work order has an appointment');
  assert.ok(wo.visit, 'a visit was created automatically (RapidFlow auto-creates visits)');
  assert.equal(wo.visit.status, 'expected');
  const date = localDate(wo.appointment.start, MAPLE_COURT.tz);

  const page = await newPage(browser);
  await onPage(page, '04-desk', async () => {
    await page.goto(`/desk/${MAPLE_COURT.id}?date=${date}`);
    await visible(page.getByRole('heading', { level: 1, name: new RegExp(`^${MAPLE_COURT.name}: visitors on`) }), 'the desk heading');

    // Pat's visit for this job (other tests may have visits on the same day).
    const visit = page.getByRole('article').filter({ hasText: `job ${code}` });
    await visible(visit.getByRole('heading', { name: new RegExp(`^${PAT.name}`) }), "Pat's visit");
    await visible(visit.getByText('expected', { exact: true }), 'the visit expected');
    await visit.getByRole('button', { name: 'Check in' }).click();
    await page.waitForURL(`**/desk/${MAPLE_COURT.id}?date=${date}`);

    const after = page.getByRole('article').filter({ hasText: `job ${code}` });
    await visible(after.getByText('checked in', { exact: true }), 'the visit checked in');
    await visible(after.getByRole('button', { name: 'Check out' }), 'the Check out button');
    assert.equal(await after.getByRole('button', { name: 'Check in' }).count(), 0, 'no Check in button any more');
    await after.scrollIntoViewIfNeeded();
    await screenshot(page, '04-desk-checked-in');

    wo = await workOrder(id);
    assert.equal(wo.status, 'in_progress');
    assert.equal(wo.visit.status, 'checked_in');
    assert.ok(wo.visit.checked_in_at, 'the check-in time is recorded');
  });
  await page.context().close();
});
