/**
 * The board's import page in a real browser (Debian's Chromium driven by playwright-core): a file
 * chosen, previewed with nothing stored, imported on confirmation. Skipped, saying so, without Chromium.
 * Screenshots go to test-artifacts/board/ (ARTIFACTS_DIR to change).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'board');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: the import page's browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);

const F = 'imp-jail';
const HEADER =
  'booking_number,person_id,last_name,first_name,date_of_birth,booked_at,top_charge,top_charge_class,detainer_received_at,detainer_form,detainer_agency,detainer_cancelled_at,release_eligible_at,release_reason,released_at,released_to\n';
const ROWS = [
  'C-1,P-1,Doe,Jane,1990-01-02,2026-11-02 08:15:00,THEFT 2,Felony,2026-11-02 10:00:00,I-247A,ICE,,2026-11-05 15:00:00,Bail posted,2026-11-06 09:00:00,ICE',
  'C-2,P-2,Roe,Rick,1985-05-06,2026-11-03 11:00,DUI,Misdemeanor,2026-11-03 12:30,I-247A,ICE,,2026-11-04 10:00,Court order,2026-11-04 11:00,',
  'C-3,P-3,Poe,Ann,1979-03-04,2026-11-03,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,,,,',
];

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveBrowser) return;
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Import County Jail', timeZone: 'America/Chicago' }))
    .expect(200);
  mkdirSync(ARTIFACTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function openImport(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who-name').filter({ hasText: 'admin' }).waitFor();
  await page.locator('#nav').getByRole('link', { name: 'Import' }).click();
  await page.locator('#import-mapping option[value="booking-per-row"]').waitFor({ state: 'attached' });
  expect(errors).toEqual([]);
  return page;
}

const holds = async () => (await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items as Array<{ bookingId: string; outcome: string }>;

(haveBrowser ? describe : describe.skip)('the import page in Chromium', () => {
  it('previews a file with nothing stored, every reject listed with its line, then imports it on confirmation', async () => {
    const page = await openImport();
    await page.locator('#import-form').getByLabel('Facility').selectOption(F);
    await page.locator('#import-form').getByLabel('Mapping').selectOption('booking-per-row');
    await page
      .locator('#import-form')
      .getByLabel('File')
      .setInputFiles({ name: 'nightly.csv', mimeType: 'text/csv', buffer: Buffer.from(HEADER + ROWS.join('\n') + '\n') });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#import-figures').waitFor();
    const figures = await page.locator('#import-figures div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent]));
    expect(figures).toEqual([
      ['Records read', '3'],
      ['Bookings to import', '2'],
      ['Bookings without a detainer (skipped)', '0'],
      ['Detainers', '2'],
      ['Events', '8'],
      ['Retractions (corrected bookings)', '0'],
      ['Records kept as rejects', '1'],
    ]);
    expect(await page.locator('#import-rejects tbody tr td').allTextContents()).toEqual([
      '4',
      'booking C-3: booking.bookedAt (booked_at): "2026-11-03" is a date without a time of day: the hour-level deadline cannot be judged from it (dateOnly: reject; see docs/imports.md, "Dates without a time")',
      ROWS[2],
    ]);
    expect(await holds()).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'import-preview.png'), fullPage: true });

    await page.getByRole('button', { name: 'Import 8 events' }).click();
    await page.locator('#import-result p').waitFor();
    expect(await page.locator('#import-result').textContent()).toBe('Imported: 8 events accepted, 0 already there, 0 retracted, 1 records kept as rejects.');
    expect((await holds()).map((h) => [h.bookingId, h.outcome]).sort()).toEqual([
      ['C-1', 'transferred'],
      ['C-2', 'released'],
    ]);
    await page.locator('#import-files tbody tr td').first().waitFor();
    expect((await page.locator('#import-files tbody tr').first().locator('td').allTextContents()).slice(1)).toEqual([
      'upload/nightly.csvupload, booking-per-row',
      F,
      'imported',
      '8 accepted, 0 duplicates, 1 rejects',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'import-done.png'), fullPage: true });
    await page.context().close();
  });

  it('says why a file the mapping does not fit would be refused, and offers no import', async () => {
    const page = await openImport();
    await page.locator('#import-form').getByLabel('Facility').selectOption(F);
    await page
      .locator('#import-form')
      .getByLabel('File')
      .setInputFiles({ name: 'other.csv', mimeType: 'text/csv', buffer: Buffer.from('id,name\n1,x\n') });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#import-refused').waitFor();
    expect(await page.locator('#import-refused').textContent()).toMatch(/^This file would be refused whole: missing columns "booking_number", "person_id", .*; the file's columns are "id", "name"$/);
    expect(await page.getByRole('button', { name: 'Cannot be imported' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'import-refused.png'), fullPage: true });
    await page.context().close();
  });
});
