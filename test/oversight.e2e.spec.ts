/**
 * Complaints and notices on the board in a real browser (Debian's Chromium, playwright-core).
 * Screenshots go to test-artifacts/oversight/ (ARTIFACTS_DIR to change).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { OversightSweep } from '../src/notices/oversight-sweep.service.js';
import { ev, facilityBody } from './support/factories.js';
import { haveBrowser, launchChromium, seeText, servePages, signedInPage } from './support/browser.js';
import type { TestApp } from './support/test-app.js';

const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'oversight');
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
    .put('/api/facilities/ca')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Alameda County Jail', timeZone: 'America/Los_Angeles', preset: 'us-ca' }))
    .expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({ events: [ev.opened({ facilityId: 'ca', bookingId: 'ca-1', occurredAt: '2026-11-24T10:00:00Z' }), ev.lodged({ facilityId: 'ca', bookingId: 'ca-1', occurredAt: '2026-11-24T12:00:00Z' })] })
    .expect(200);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const open = () => signedInPage(browser, base, supervisor, 'supervisor', NOW);

(haveBrowser ? describe : describe.skip)('complaints and notices in Chromium', () => {
  it('staff file a complaint with the form; a narrative left out is refused naming it', async () => {
    const { page, errors } = await open();
    await page.locator('#nav').getByRole('link', { name: 'Complaints' }).click();
    await page.locator('#complaint-facility option[value="ca"]').waitFor({ state: 'attached' });
    await page.getByLabel('Booking (optional)').fill('ca-1');
    await page.getByLabel('Category').selectOption('held_too_long');
    await page.getByRole('button', { name: 'File complaint' }).click();
    await page.locator('#complaint-error', { hasText: 'narrative' }).waitFor();
    expect(await page.locator('#complaint-error').textContent()).toBe('narrative: must say what happened');
    await page.getByLabel('What happened').fill('Held a day past bail.');
    await page.getByRole('button', { name: 'File complaint' }).click();
    await page.locator('#complaint-status', { hasText: 'Complaint filed' }).waitFor();
    expect(await page.locator('#complaint-status').textContent()).toBe('Complaint filed; acknowledge by Fri 27 Nov 2026 18:00 UTC.');
    expect(await page.locator('#complaints-table tbody tr td').allTextContents()).toEqual([
      'Tue 24 Nov 2026 18:00 UTC',
      'ca-1',
      'held too long',
      'received',
      'acknowledge by Fri 27 Nov 2026 18:00 UTC',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'complaints.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('due notices are tasks; recording service takes one off the list', async () => {
    const { page, errors } = await open();
    await page.locator('#nav').getByRole('link', { name: 'Notices' }).click();
    await page.locator('#notices-table tbody tr').nth(1).waitFor();
    expect(await page.locator('#notices-table tbody tr td:nth-child(2)').allTextContents()).toEqual(['compliance intentto person', 'detainer copyto person']);
    await page.screenshot({ path: join(ARTIFACTS, 'notices-due.png'), fullPage: true });
    await page.getByLabel('Served by (detainer copy, ca-1)').fill('Dep. Ruiz');
    await page.getByLabel('Language (detainer copy, ca-1)').fill('es');
    await page.getByLabel('How (detainer copy, ca-1)').selectOption('in_person');
    await page.locator('#notices-table tbody tr', { hasText: 'detainer copy' }).getByRole('button', { name: 'Record service' }).click();
    await page.locator('#notices-table tbody tr', { hasText: 'detainer copy' }).waitFor({ state: 'detached' });
    expect(await page.locator('#notices-table tbody tr td:nth-child(2)').allTextContents()).toEqual(['compliance intentto person']);
    const [served] = await t.ds.query(`SELECT served_by, language, method FROM notices WHERE kind = 'detainer_copy'`);
    expect(served).toEqual({ served_by: 'Dep. Ruiz', language: 'es', method: 'in_person' });
    await page.screenshot({ path: join(ARTIFACTS, 'notices-served.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('what is past due shows once on the alerts page, and is acknowledged with a note', async () => {
    // Three days on, the complaint was not acknowledged and the compliance notice was not served.
    t.clock.set('2026-11-27T18:00:00.001Z');
    const raised = await t.app.get(OversightSweep).sweep();
    expect(raised.map((a) => a.kind)).toEqual(['complaint_acknowledgement_overdue', 'notice_late']);
    expect(await t.app.get(OversightSweep).sweep()).toEqual([]);
    const { page, errors } = await open();
    await page
      .locator('#nav')
      .getByRole('link', { name: /^Alerts/ })
      .click();
    await page.locator('#oversight-list li').nth(1).waitFor();
    await seeText(page.locator('#oversight-summary'), '2 past due, not acknowledged.');
    expect(await page.locator('#oversight-list li h2').allTextContents()).toEqual(['■ Complaint not acknowledged in time', '■ Notice to the person not served in time']);
    const complaint = page.locator('#oversight-list li').first();
    expect(await complaint.locator('p').first().textContent()).toBe('Complaint: held too long, booking ca-1 at Alameda County Jail');
    expect(await complaint.locator('p').nth(1).textContent()).toBe('Was due Fri 27 Nov 2026 10:00 PST');
    await page.screenshot({ path: join(ARTIFACTS, 'oversight-alerts.png'), fullPage: true });
    await complaint.getByRole('button', { name: 'Acknowledge' }).click();
    await complaint.getByLabel('Note (optional): what was done').fill('Complaint acknowledged by letter today.');
    await complaint.getByRole('button', { name: 'Confirm acknowledge' }).click();
    await seeText(page.locator('#alerts-status'), 'Complaint not acknowledged in time (booking ca-1) acknowledged by test supervisor at Fri 27 Nov 2026 10:00 PST.');
    await seeText(page.locator('#oversight-summary'), '1 past due, not acknowledged.');
    const [row] = await t.ds.query(`SELECT acknowledged_by, note FROM oversight_alerts WHERE kind = 'complaint_acknowledgement_overdue'`);
    expect(row).toEqual({ acknowledged_by: 'test supervisor', note: 'Complaint acknowledged by letter today.' });
    expect(await t.app.get(OversightSweep).sweep()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
