/**
 * Rule sets on the board in a real browser (Debian's Chromium, playwright-core): the review queue
 * and a supervisor's decision, then the release-date rule and the ICE-contact log on the booking's
 * history. Screenshots go to test-artifacts/reviews/ (ARTIFACTS_DIR to change).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ev, facilityBody } from './support/factories.js';
import { haveBrowser, launchChromium, seeText, servePages, signedInPage } from './support/browser.js';
import type { TestApp } from './support/test-app.js';

const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'reviews');
// Tue 24 Nov 2026 13:00 EST.
const NOW = Date.parse('2026-11-24T18:00:00.000Z');

let t: TestApp;
let base: string;
let browser: Browser;
let supervisor: string;

beforeAll(async () => {
  if (!haveBrowser) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ t, base } = await servePages(new Date(NOW).toISOString()));
  supervisor = (await t.keyFor('supervisor')).replace('Bearer ', '');
  await t.http
    .put('/api/facilities/nyc')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Rikers Island', preset: 'us-nyc' }))
    .expect(200);
  // A judicial warrant, and no criminal history on file: us-nyc's conviction criterion cannot be
  // decided, so the detainer waits for a supervisor; release-eligible at 11:00, held since.
  const b = { facilityId: 'nyc', bookingId: 'ny-1' };
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({ ...b, occurredAt: '2026-11-24T08:00:00-05:00' }),
        ev.lodged({ ...b, occurredAt: '2026-11-24T09:00:00-05:00', warrant: 'judicial' }),
        ev.eligible({ ...b, occurredAt: '2026-11-24T11:00:00-05:00', reason: 'bail_posted' }),
        // An administrative warrant: us-nyc's criteria are not met, and no release date may be told.
        ev.opened({ facilityId: 'nyc', bookingId: 'ny-2', occurredAt: '2026-11-24T08:00:00-05:00' }),
        ev.lodged({ facilityId: 'nyc', bookingId: 'ny-2', occurredAt: '2026-11-24T09:00:00-05:00', warrant: 'administrative' }),
      ],
    })
    .expect(200);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const open = () => signedInPage(browser, base, supervisor, 'supervisor', NOW);

(haveBrowser ? describe : describe.skip)('reviews, decisions and ICE contacts in Chromium', () => {
  it('lists the detainer waiting for a decision, refuses one without a basis naming it, and records one', async () => {
    const { page, errors } = await open();
    await page.locator('#nav').getByRole('link', { name: 'Reviews' }).click();
    await page.locator('#reviews-table tbody tr').first().waitFor();
    await seeText(page.locator('#reviews-summary'), '1 detainer waiting for a decision.');
    expect(await page.locator('#reviews-table tbody tr td:nth-child(-n+4)').allTextContents()).toEqual([
      'ny-1Rikers Island',
      'd1: I-247A, judicial warrantreceived Tue 24 Nov 2026 09:00 EST',
      'held now without authority until decided',
      'not known (no criminal history on file): conviction:nyc_violent_or_serious_crime|violent_felony|serious_felony within 5 years; met: judicial_warrant; not met: flag:terrorist_screening_match',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'reviews.png'), fullPage: true });
    await page.getByRole('button', { name: 'Record decision' }).click();
    await seeText(page.locator('#reviews-error'), 'basis: must say, in words, why');
    await page.getByLabel('Decision (d1, booking ny-1)').selectOption('honour');
    await page.getByLabel('Basis (d1, booking ny-1)').fill('DCJS record checked: robbery 1, convicted 2023.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await seeText(page.locator('#reviews-status'), 'Recorded: honour detainer d1 (booking ny-1) by test supervisor; custody is now running.');
    await seeText(page.locator('#reviews-summary'), 'No detainer is waiting for a decision.');
    expect(await page.locator('#reviews-table tbody tr').count()).toBe(0);
    const [decided] = await t.ds.query(`SELECT body->>'decision' AS decision, body->>'basis' AS basis FROM events WHERE type = 'detainer.decided'`);
    expect(decided).toEqual({ decision: 'honour', basis: 'DCJS record checked: robbery 1, convicted 2023.' });
    expect(errors).toEqual([]);
  });

  it("the booking's history says whether the release date may be told, and logs contacts with ICE, flagging one the rules did not allow", async () => {
    const { page, errors } = await open();
    await page.goto(`${base}/#history?facilityId=nyc&bookingId=ny-1`);
    const section = page.locator('#history-contacts');
    await section.waitFor();
    // Honoured on a supervisor's decision, the detainer meets us-nyc's criteria: the release date may be told.
    const rule = "Telling ICE the release date is allowed now: detainer d1 meets the criteria for holding: judicial_warrant; honoured on a supervisor's decision (if_criteria).";
    expect(await section.locator('p').first().textContent()).toBe(rule);
    expect(await section.locator('p.sub').textContent()).toBe('No contact with ICE is logged for this custody record.');
    await section.getByLabel('Contact').selectOption('release_date_shared');
    await section.getByLabel('When (jail time, America/New_York; empty: now)').fill('2026-11-24T12:30');
    await section.getByLabel('Note (optional)').fill('ERO called the desk');
    await section.getByRole('button', { name: 'Log contact' }).click();
    await page.locator('#history-contacts-table tbody tr').first().waitFor();
    expect(await page.locator('#history-contacts-table tbody tr td').allTextContents()).toEqual([
      'Tue 24 Nov 2026 12:30 EST',
      'release date shared',
      'Tue 24 Nov 2026 18:00 UTC by test supervisor',
      'yes',
      'ERO called the desk',
    ]);
    const [row] = await t.ds.query(`SELECT kind, at, note, key_name FROM ice_contacts WHERE booking_id = 'ny-1'`);
    expect(row).toEqual({ kind: 'release_date_shared', at: new Date('2026-11-24T17:30:00.000Z'), note: 'ERO called the desk', key_name: 'test supervisor' });
    await page.screenshot({ path: join(ARTIFACTS, 'history-contacts.png'), fullPage: true });

    // Where the rules forbid it, the contact is logged all the same, and flagged.
    await page.goto(`${base}/#history?facilityId=nyc&bookingId=ny-2`);
    const forbidden = 'no detainer meets the criteria for holding, and the rules allow telling ICE a release date only then (if_criteria)';
    await seeText(page.locator('#history-contacts p').first(), `Telling ICE the release date is not allowed now: ${forbidden}.`);
    await page.locator('#history-contacts').getByLabel('Contact').selectOption('notification_sent');
    await page.locator('#history-contacts').getByRole('button', { name: 'Log contact' }).click();
    await page.locator('#history-contacts-table tbody tr.flagged').waitFor();
    expect(await page.locator('#history-contacts-table tbody tr td').allTextContents()).toEqual([
      'Tue 24 Nov 2026 13:00 EST',
      'notification sent',
      'Tue 24 Nov 2026 18:00 UTC by test supervisor',
      `NO: ${forbidden}`,
      '',
    ]);
    expect(errors).toEqual([]);
  });
});
