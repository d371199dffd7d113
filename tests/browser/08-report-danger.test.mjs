// A tenant with a routine request (a dripping faucet) presses "Report danger now" on the status
// page from a phone: the page comes back saying the property team was alerted and to call 911,
// the report is on the page's timeline, the request is urgent and the team got the alert by SMS.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, sendRequest, screenshot, visible, sectionOf, workOrder, outbox, eventually, axe, axeSummary,
  MAPLE_COURT,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const TENANT_PHONE = '+17185550178';
const TEAM_PHONE = '+13125550100';

test('the tenant presses "Report danger now" and sees the acknowledgement', async () => {
  const page = await newPage(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await onPage(page, '08-danger', async () => {
    await page.goto(`/report/${MAPLE_COURT.id}`);
    const code = await sendRequest(page, {
      unit: '5D',
      name: 'Rae Lindqvist',
      email: 'rae.lindqvist@example.com',
      phone: TENANT_PHONE,
      description: 'the bathroom sink faucet drips all day and the handle is loose',
    });
    let wo = await workOrder(code);
    assert.equal(wo.priority, 'routine');

    // The button, with 911 first.
    const danger = sectionOf(page, 'Is it dangerous right now?');
    await visible(danger.getByText('If anyone is in danger, call 911 first.', { exact: false }), 'the 911 hint');
    const button = await visible(danger.getByRole('button', { name: 'Report danger now' }), 'the button');
    await button.tap();
    await page.waitForURL(/\/s\/[^/]+\?ok=danger$/);

    // The acknowledgement, the report on the timeline, the button still there.
    await visible(
      page.getByText('We have alerted the property team. If anyone is in danger, call 911 (emergency services) now.'),
      'the acknowledgement',
    );
    await visible(page.getByText('You told us it is dangerous. The property team has been alerted.'), 'the reported line');
    const happened = sectionOf(page, 'What has happened');
    await visible(
      happened.getByRole('listitem').filter({ hasText: 'You told us it is dangerous now' }),
      'the report on the timeline',
    );
    await screenshot(page, '08-danger-reported-mobile');
    const result = await axe(page);
    console.log(axeSummary('the danger report', result));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => v.id), [], 'serious or critical axe violations');

    wo = await workOrder(code);
    assert.equal(wo.priority, 'urgent');
    assert.equal(wo.status, 'needs_attention');
    const alert = await eventually(
      async () => (await outbox({ to: TEAM_PHONE })).find((m) => m.key === 'pm.danger.sms' && m.work_order === wo.id),
      'the team alerted by SMS',
    );
    assert.match(alert.body, /DANGER reported by the tenant/);
    const ack = (await outbox({ to: TENANT_PHONE })).find((m) => m.key === 'tenant.danger_ack.sms' && m.work_order === wo.id);
    assert.ok(ack, 'the tenant acknowledged by SMS');
  });
  await page.context().close();
});
