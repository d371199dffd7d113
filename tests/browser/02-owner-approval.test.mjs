// The owner approves an estimate from the emailed link: the vendor (played over /dev/sms)
// accepts and sends an estimate over Maple Court's $500 limit; the owner's email carries an
// /approve/ link; opening it shows the amount and decides nothing; the button decides.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, screenshot, visible, createPlumbingWorkOrder, workOrder, sms, outbox, linkIn, eventually, PAT,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the owner opens the emailed approval link, sees the amount, and approves', async () => {
  const created = await createPlumbingWorkOrder({
    unit: '5D',
    tenant: { name: 'Owen Park', email: 'owen.park@example.com', phone: '+17185550196' },
    description: 'Water dripping from the ceiling under the bathroom stack',
  });
  const { id, code } = created;

  // Pat plays the vendor. The job code keeps the replies unambiguous when other tests have
  // offers open to Pat as well (the SMS grammar reads "YES KP27" like "yes").
  let r = await sms(PAT.phone, `yes ${code}`);
  assert.equal(r.outcome, 'executed', `Pat's "yes" was not executed: ${JSON.stringify(r)}`);
  r = await sms(PAT.phone, `estimate 1150 replace the stack ${code}`);
  assert.equal(r.outcome, 'executed', `Pat's estimate was not executed: ${JSON.stringify(r)}`);
  let wo = await workOrder(id);
  assert.equal(wo.status, 'awaiting_approval');
  assert.equal(wo.estimate.amount, 1150);

  // The owner's email and its link.
  const email = await eventually(async () => {
    const mine = await outbox({ work_order: id });
    return mine.find((m) => m.recipient?.type === 'owner' && m.channel === 'email');
  }, "the owner's approval email");
  assert.match(email.subject ?? '', /\$1,150/, 'the subject names the amount');
  const link = linkIn(email.body, '/approve/');
  assert.ok(link, `no /approve/ link in the owner's email:\n${email.body}`);

  const page = await newPage(browser);
  await onPage(page, '02-approval', async () => {
    const response = await page.goto(link);
    assert.equal(response.status(), 200);
    await visible(page.getByRole('heading', { level: 1, name: 'Approve a repair?' }), 'the approval heading');
    await visible(page.getByText('$1,150', { exact: true }), 'the estimate amount');
    await visible(page.getByText('replace the stack'), "the vendor's scope");
    await visible(page.getByText(PAT.name), 'the vendor');
    const approve = await visible(page.getByRole('button', { name: 'Approve $1,150' }), 'the Approve button');
    await visible(page.getByRole('button', { name: 'Decline' }), 'the Decline button');

    // Showing the page (twice: a mail scanner may open links) decides nothing.
    await page.reload();
    wo = await workOrder(id);
    assert.equal(wo.status, 'awaiting_approval', 'GET of the approval link must not decide');
    assert.equal(wo.estimate.decision, 'pending', 'GET of the approval link must not decide');
    await screenshot(page, '02-approval-page');

    await approve.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Thank you' }), 'the result page');
    await visible(page.getByRole('status').filter({ hasText: `You approved $1,150 for job ${code}.` }), 'the decision');
    await screenshot(page, '02-approval-result');

    wo = await workOrder(id);
    assert.equal(wo.estimate.decision, 'approved');
    assert.notEqual(wo.status, 'awaiting_approval');
    const approved = wo.timeline.find((e) => e.kind === 'approved');
    assert.ok(approved, `no "approved" event on the timeline: ${wo.timeline.map((e) => e.kind).join(', ')}`);

    // The link is single-use: opening it again says it is decided.
    const again = await page.goto(link);
    assert.equal(again.status(), 410);
    await visible(page.getByRole('heading', { level: 1, name: 'Already decided' }), 'the already-decided page');
    await visible(page.getByText('This estimate was already approved.'), 'why');
  });
  await page.context().close();
});
