// A tenant reports a leak from a phone: picks Maple Court, fills the form with two
// availability windows, submits, and lands on the status page of the new request.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, onPage, screenshot, visible, sectionOf, workOrder, MAPLE_COURT } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The day after `yyyy_mm_dd` (a calendar date, no time zone involved). */
function nextDay(yyyy_mm_dd, n = 1) {
  const d = new Date(`${yyyy_mm_dd}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

test('a tenant reports a problem at Maple Court from a phone and sees the status page', async () => {
  const page = await newPage(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await onPage(page, '01-tenant', async () => {

    // The property chooser, then the building's form.
    await page.goto('/report');
    await page.getByRole('link', { name: MAPLE_COURT.name }).click();
    await page.waitForURL(`**/report/${MAPLE_COURT.id}`);
    await visible(page.getByRole('heading', { level: 1, name: `Report a problem at ${MAPLE_COURT.name}` }), 'the form heading');

    // "Today" in the building's zone, as the form itself says (min of the date inputs).
    const today = await page.getByRole('group', { name: 'Time 1' }).getByLabel('Date').getAttribute('min');
    assert.match(today ?? '', /^\d{4}-\d{2}-\d{2}$/, 'the date inputs carry min=<today in the building>');
    const day1 = nextDay(today, 1);
    const day2 = nextDay(today, 2);

    await page.getByLabel('Unit').fill('4B');
    await page.getByLabel('Your name').fill('Ana Ruiz');
    await page.getByLabel('Email').fill('ana.ruiz@example.com');
    await page.getByLabel('Mobile number').fill('+17185550199');
    await page.getByLabel("What's wrong?").fill('Kitchen sink leaking under the cabinet');
    // Leave "Kind of problem" on "Not sure — let us decide"; not an emergency.
    await page.getByRole('radio', { name: 'No', exact: true }).check();
    await page.getByRole('group', { name: 'May the vendor enter if you\'re not home?' }).getByRole('radio', { name: 'Yes' }).check();
    await page.getByLabel('Pets').fill('a friendly cat');

    const time1 = page.getByRole('group', { name: 'Time 1' });
    await time1.getByLabel('Date').fill(day1);
    await time1.getByLabel('From').fill('09:00');
    await time1.getByLabel('To').fill('12:00');
    const time2 = page.getByRole('group', { name: 'Time 2' });
    await time2.getByLabel('Date').fill(day2);
    await time2.getByLabel('From').fill('14:00');
    await time2.getByLabel('To').fill('17:00');

    // A phone must not have to scroll sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the form is ${overflow}px wider than the phone's screen`);
    await screenshot(page, '01-tenant-form-mobile');

    await page.getByRole('button', { name: 'Send request' }).tap();
    await page.waitForURL(/\/s\/[^/]+$/);

    // The status page of the new request.
    const h1 = await visible(page.getByRole('heading', { level: 1, name: /^Request [A-Z0-9]+$/ }), 'the "Request <code>" heading');
    const code = (await h1.textContent()).trim().replace(/^Request /, '');
    await visible(page.getByText(`${MAPLE_COURT.name}, unit 4B`), 'where: the building and unit');
    await visible(page.getByText('Kitchen sink leaking under the cabinet'), 'the problem as typed');
    const happened = sectionOf(page, 'What has happened');
    await visible(happened.getByRole('listitem').filter({ hasText: `We received your request (job ${code}).` }), 'the confirmation on the timeline');
    await visible(page.getByRole('button', { name: 'Cancel the request' }), 'the cancel button');
    const overflowStatus = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflowStatus <= 0, `the status page is ${overflowStatus}px wider than the phone's screen`);
    await screenshot(page, '01-tenant-status-mobile');

    // What was recorded: both windows, in the building's local time.
    const wo = await workOrder(code);
    assert.equal(wo.property.id, MAPLE_COURT.id);
    assert.equal(wo.unit, '4B');
    assert.equal(wo.tenant.phone, '+17185550199');
    assert.equal(wo.trade, 'plumbing', 'a kitchen-sink leak is triaged as plumbing');
    assert.equal(wo.availability.length, 2, 'two availability windows');
    const local = (t) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone: MAPLE_COURT.tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      }).format(new Date(t));
    assert.deepEqual(
      wo.availability.map((w) => [local(w.start), local(w.end)]),
      [
        [`${day1} 09:00`, `${day1} 12:00`],
        [`${day2} 14:00`, `${day2} 17:00`],
      ],
    );
  });
  await page.context().close();
});
