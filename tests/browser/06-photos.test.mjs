// Photos in a real browser, both ways Mendwork takes them:
// - deployed (the intake function's router on moto's AWS API, MENDWORK_DEPLOYED_URL): the
//   tenant picks a photo on a phone, the page's script uploads it straight to the S3 bucket
//   with a presigned POST (cross-origin, as in AWS), the form names it, and the status page
//   shows it, loaded through our signed link's redirect to a presigned GET; without JavaScript
//   the form still works and says why there is no file field;
// - local mode (MENDWORK_URL): the vendor marks the job done with a photo from the job page
//   (a plain multipart form), and the team sees it on the work order.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, onPage, screenshot, visible, sectionOf, createPlumbingWorkOrder, outbox, linkIn,
  pmSignIn, eventually, later, MAPLE_COURT,
} from './lib.mjs';

const DEPLOYED = (process.env.MENDWORK_DEPLOYED_URL || '').replace(/\/+$/, '');

/** A real 2×2 PNG (red, green, blue, white), so the browser can decode and show it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC',
  'base64',
);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function tomorrow(today) {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test('deployed: a photo chosen on a phone goes straight to the bucket and shows on the status page', async () => {
  assert.ok(DEPLOYED, 'MENDWORK_DEPLOYED_URL must name the deployed router on moto (infra/browser-tests starts it)');
  const page = await newPage(browser, {
    baseURL: DEPLOYED,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await onPage(page, '06-deployed-photo', async () => {
    const opened = Date.now();
    await page.goto(`/report/${MAPLE_COURT.id}`);
    const input = page.locator('input[type=file]#photos');
    await visible(page.getByLabel('Photos (optional)'), 'the photo field, shown by the page script');
    assert.equal(await input.getAttribute('name'), null, 'the file never goes with the form itself');

    const today = await page.getByRole('group', { name: 'Time 1' }).getByLabel('Date').getAttribute('min');
    await page.getByLabel('Unit').fill('2A');
    await page.getByLabel('Your name').fill('Sam Okafor');
    await page.getByLabel('Email').fill('sam.okafor@example.com');
    await page.getByLabel("What's wrong?").fill('Water stain spreading on the bathroom ceiling, photo attached');
    const time1 = page.getByRole('group', { name: 'Time 1' });
    await time1.getByLabel('Date').fill(tomorrow(today));
    await time1.getByLabel('From').fill('10:00');
    await time1.getByLabel('To').fill('12:00');
    await input.setInputFiles({ name: 'ceiling.png', mimeType: 'image/png', buffer: PNG });

    // Deployed, a form sent sooner than a person could fill it is sent back: wait like one.
    const waited = Date.now() - opened;
    if (waited < 3500) await page.waitForTimeout(3500 - waited);
    const uploads = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') uploads.push(new URL(r.url()).origin);
    });
    await page.getByRole('button', { name: 'Send request' }).tap();
    await page.waitForURL(/\/s\/[^/]+$/);
    assert.ok(
      uploads.some((o) => o !== new URL(DEPLOYED).origin),
      `the photo was posted to the bucket, not to us: ${uploads.join(', ')}`,
    );

    const photo = await visible(page.getByRole('img', { name: 'Photo 1' }), 'the photo on the status page');
    assert.match(await photo.getAttribute('src'), /\/files\//, 'shown through our signed link');
    const shown = await eventually(
      () => photo.evaluate((img) => img.complete && img.naturalWidth),
      'the photo to load from the bucket',
    );
    assert.equal(shown, 2, 'the browser decoded the very image chosen');
    await screenshot(page, '06-deployed-status-with-photo');
  });
  await page.context().close();
});

test('deployed: without JavaScript there is no file field it could not send, and the form works', async () => {
  assert.ok(DEPLOYED, 'MENDWORK_DEPLOYED_URL must be set');
  const page = await newPage(browser, { baseURL: DEPLOYED, javaScriptEnabled: false });
  await onPage(page, '06-deployed-no-js', async () => {
    const opened = Date.now();
    await page.goto(`/report/${MAPLE_COURT.id}`);
    assert.equal(await page.locator('input[type=file]#photos').isVisible(), false, 'the file field stays hidden');
    // (Chromium still parses <noscript> as text when scripts are only switched off, so its
    // note is checked in the markup rather than on the screen.)
    assert.match(await page.content(), /<noscript>.*Attaching files needs JavaScript/s);
    const today = await page.getByRole('group', { name: 'Time 1' }).getByLabel('Date').getAttribute('min');
    await page.getByLabel('Unit').fill('5D');
    await page.getByLabel('Your name').fill('Jo Nakamura');
    await page.getByLabel('Email').fill('jo.nakamura@example.com');
    await page.getByLabel("What's wrong?").fill('Bedroom radiator is cold');
    const time1 = page.getByRole('group', { name: 'Time 1' });
    await time1.getByLabel('Date').fill(tomorrow(today));
    await time1.getByLabel('From').fill('08:00');
    await time1.getByLabel('To').fill('10:00');
    const waited = Date.now() - opened;
    if (waited < 3500) await page.waitForTimeout(3500 - waited);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.waitForURL(/\/s\/[^/]+$/);
    await visible(page.getByText('Bedroom radiator is cold'), 'the request on its status page');
    await screenshot(page, '06-deployed-sent-without-js');
  });
  await page.context().close();
});

test('local: the vendor marks the job done with a photo and the team sees it', async () => {
  const wo = await createPlumbingWorkOrder({
    unit: '7C',
    tenant: { name: 'Lee Park', email: 'lee.park@example.com' },
    description: 'Shower drain slow',
    // A time nobody else's test books, so the vendor is free for it.
    availability: [{ start: later(95), end: later(97) }],
  });
  const job = (await outbox({ work_order: wo.id })).map((m) => linkIn(m.body, '/v/')).find(Boolean);
  assert.ok(job, 'the offer links the job page');

  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await onPage(page, '06-vendor-done-photo', async () => {
    // The whole job from its page (texts would be ambiguous: earlier tests left the vendor
    // other open jobs).
    await page.goto(job);
    await page.getByRole('button', { name: 'Accept the job' }).tap();
    await page.getByRole('group', { name: "The tenant's available times" }).getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Book this time' }).tap();
    await visible(page.getByText('The appointment is set'), 'the booking');
    const done = sectionOf(page, 'Is the job done?');
    await done.getByLabel('Completion notes (optional)').fill('Cleared the trap, drains fast now');
    await done.getByLabel('Photos of the finished work (optional)').setInputFiles({
      name: 'after.png', mimeType: 'image/png', buffer: PNG,
    });
    await done.getByRole('button', { name: 'Done', exact: true }).tap();
    await visible(page.getByText('Marked done.'), 'the thank-you line');
    const mine = await visible(page.getByRole('img', { name: 'Photo 1' }), 'the vendor sees the photo sent');
    assert.ok(await eventually(() => mine.evaluate((i) => i.complete && i.naturalWidth), 'the photo to load'));
    await screenshot(page, '06-vendor-done-with-photo');
  });
  await page.context().close();

  const pm = await newPage(browser);
  await onPage(pm, '06-pm-sees-photo', async () => {
    await pmSignIn(pm);
    await pm.goto(`/pm/wo/${wo.id}`);
    await visible(pm.getByText('Cleared the trap, drains fast now').first(), 'the completion notes');
    const img = await visible(pm.getByRole('img', { name: 'Photo 1' }), 'the completion photo');
    assert.ok(await eventually(() => img.evaluate((i) => i.complete && i.naturalWidth), 'the photo to load'));
  });
  await pm.context().close();
});
