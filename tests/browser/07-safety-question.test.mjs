// A tenant reports a leak beside a light from a phone: the confirmation page asks the safety
// question with YES / NO buttons; YES turns the request into an emergency on the page (the
// banner and the safety steps), and the team and an emergency vendor are told at once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, sendRequest, screenshot, visible, sectionOf, workOrder, outbox, eventually, axe, axeSummary,
  MAPLE_COURT, PAT,
} from './lib.mjs';

/** axe-core on the page as it stands: serious or critical violations fail. */
async function accessible(page, name) {
  const result = await axe(page);
  console.log(axeSummary(name, result));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => v.id), [], `${name}: serious or critical axe violations`);
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const TENANT_PHONE = '+17185550177';
const TEAM_PHONE = '+13125550100';

test('the confirmation page asks the safety question and YES makes it an emergency', async () => {
  const page = await newPage(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await onPage(page, '07-safety', async () => {
    await page.goto(`/report/${MAPLE_COURT.id}`);
    const code = await sendRequest(page, {
      unit: '7C',
      name: 'Lee Moreno',
      email: 'lee.moreno@example.com',
      phone: TENANT_PHONE,
      description: 'water dripping from the ceiling right beside the kitchen light',
    });
    // The question, at once, with its two buttons.
    const check = sectionOf(page, 'Safety check');
    await visible(check.getByText('Is water touching a light, an outlet, a switch or wiring right now?'), 'the question');
    await visible(check.getByRole('button', { name: 'Yes' }), 'the YES button');
    await visible(check.getByRole('button', { name: 'No' }), 'the NO button');
    await screenshot(page, '07-safety-question-mobile');
    await accessible(page, 'the safety question');

    // The same question went by SMS; the routine offer did not wait for the answer.
    const asked = await outbox({ to: TENANT_PHONE });
    let wo = await workOrder(code);
    assert.ok(
      asked.some((m) => m.key === 'question.water_near_electricity' && m.work_order === wo.id),
      'the question by SMS',
    );
    assert.equal(wo.priority, 'urgent');
    assert.equal(wo.offer?.vendor, PAT.id, 'the routine offer is out meanwhile');

    // YES: the page says it is now an emergency, with the safety steps; the buttons are gone.
    await check.getByRole('button', { name: 'Yes' }).tap();
    await page.waitForURL(/\/s\/[^/]+\?ok=safety/);
    await visible(page.getByRole('heading', { name: 'This is now an emergency' }), 'the emergency banner');
    await visible(page.getByText('Shut off the water', { exact: false }), 'the safety steps');
    assert.equal(await page.getByRole('button', { name: 'No', exact: true }).count(), 0, 'no more NO button');
    const happened = sectionOf(page, 'What has happened');
    await visible(
      happened.getByRole('listitem').filter({ hasText: 'The answer to the safety question was YES' }),
      'the answer on the timeline',
    );
    await screenshot(page, '07-safety-emergency-mobile');
    await accessible(page, 'the emergency banner');

    wo = await workOrder(code);
    assert.equal(wo.priority, 'emergency');
    assert.equal(wo.offer?.vendor, PAT.id, 'Pat takes emergencies: the offer is re-made as one');
    const alert = await eventually(
      async () => (await outbox({ to: TEAM_PHONE })).find((m) => m.key === 'pm.emergency.sms' && m.work_order === wo.id),
      'the team alerted by SMS',
    );
    assert.match(alert.body, /EMERGENCY/);
    const offers = (await outbox({ to: PAT.phone })).filter((m) => m.key === 'vendor.offer.sms' && m.work_order === wo.id);
    assert.equal(offers.length, 2, 'the routine offer, then the emergency one');
  });
  await page.context().close();
});
