/**
 * Refused events worked in a real browser (Debian's Chromium via playwright-core, as test/roles-day.e2e.spec.ts):
 * a supervisor dismisses one with a reason (none: a clear message) and fixes and re-sends another
 * through the ingest checks; an admin sees who did which. Screenshots go to test-artifacts/refused/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ev, facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'refused');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);

const NOW = Date.parse('2026-12-26T15:00:00.000Z');
const F = 'rz';
let t: TestApp;
let base: string;
let browser: Browser;
const keys = { admin: ADMIN_KEY } as Record<'admin' | 'supervisor' | 'sheriff', string>;

beforeAll(async () => {
  if (!haveBrowser) return;
  t = await startTestApp({ now: new Date(NOW).toISOString() });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  for (const role of ['supervisor', 'sheriff'] as const) keys[role] = (await t.keyFor(role)).replace('Bearer ', '');
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Refusal Jail', timeZone: 'America/Chicago' }))
    .expect(200);
  const ingest = await t.keyFor('ingest');
  const sent = await t.http
    .post('/api/events')
    .set('Authorization', ingest)
    .send({
      events: [
        { ...ev.opened({ facilityId: F, bookingId: 'rz-1', occurredAt: '2026-12-25T10:00:00Z', personId: 'P-1' }), eventId: 'rz-open', occurredAt: '25/12/2026 10:00' },
        { eventId: 'rz-test', facilityId: F, bookingId: 'rz-2', type: 'vendor.ping', occurredAt: '2026-12-25T10:00:00Z' },
      ],
    })
    .expect(200);
  expect(sent.body.rejected.map((r: { eventId: string }) => r.eventId)).toEqual(['rz-open', 'rz-test']);
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

async function open(role: keyof typeof keys) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(keys[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who-name').filter({ hasText: role }).waitFor();
  return { page, context, errors };
}

const refusal = (page: Page, eventId: string) => page.locator('#refused-table tbody tr:not(.resolve)', { has: page.locator('td:nth-child(2) span.sub', { hasText: new RegExp(`^${eventId}$`) }) });
const work = (page: Page) => page.locator('#refused-table tbody tr.resolve:visible');

(haveBrowser ? describe : describe.skip)('refused events in Chromium', () => {
  it('supervisor: dismisses one with a reason (without one, a message naming it); fixes and re-sends another', async () => {
    const { page, context, errors } = await open('supervisor');
    await page.locator('#nav').getByRole('link', { name: 'Refused' }).click();
    await refusal(page, 'rz-test').waitFor();
    await expect(page.locator('#refused-table tbody tr:not(.resolve) td:nth-child(2) span.sub:first-of-type').allTextContents()).resolves.toEqual(['rz-test', 'rz-open']);
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-open.png'), fullPage: true });

    await refusal(page, 'rz-test').getByRole('button', { name: 'Dismiss' }).click();
    await work(page).getByRole('button', { name: 'Dismiss' }).click();
    await expect(work(page).locator('.error').textContent()).resolves.toBe('Reason: say why this refused event needs no re-sending.');
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-dismiss-no-reason.png'), fullPage: true });
    await work(page).getByLabel('Reason for dismissing').fill('vendor test message, not an event');
    await work(page).getByRole('button', { name: 'Dismiss' }).click();
    await page.locator('#refused-status', { hasText: /dismissed/ }).waitFor();
    await expect(page.locator('#refused-status').textContent()).resolves.toMatch(/^Refused event \d+ dismissed\.$/);
    await refusal(page, 'rz-test').waitFor({ state: 'detached' });

    await refusal(page, 'rz-open').getByRole('button', { name: 'Fix and re-send' }).click();
    const editor = work(page).getByLabel("Corrected event (JSON), sent through the same checks as the jail's");
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ eventId: 'rz-open', occurredAt: '25/12/2026 10:00' });
    await editor.fill('{ "eventId": ');
    await work(page).getByRole('button', { name: 'Re-send' }).click();
    await expect(work(page).locator('.error').textContent()).resolves.toMatch(/^event: not valid JSON \(/);
    // Still wrong: refused by the same checks as the jail's, the field named.
    const sent = { ...ev.opened({ facilityId: F, bookingId: 'rz-1', occurredAt: '2026-12-25T10:00:00Z', personId: 'P-1' }), eventId: 'rz-open' };
    await editor.fill(JSON.stringify({ ...sent, occurredAt: '2026-12-25' }));
    await work(page).getByRole('button', { name: 'Re-send' }).click();
    await work(page)
      .locator('.error', { hasText: /^Not accepted: occurredAt: / })
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-resend-refused.png'), fullPage: true });
    await editor.fill(JSON.stringify(sent, null, 2));
    await work(page).getByRole('button', { name: 'Re-send' }).click();
    await page.locator('#refused-status', { hasText: /re-sent/ }).waitFor();
    await expect(page.locator('#refused-status').textContent()).resolves.toMatch(/^Refused event \d+ re-sent: stored as event rz-open\.$/);
    // The original is resolved; the attempt that was refused is kept as a refusal of its own, still open.
    await expect(refusal(page, 'rz-open').locator('td:nth-child(4)').allTextContents()).resolves.toEqual([expect.stringMatching(/^occurredAt: /)]);
    await expect(refusal(page, 'rz-open').locator('td:nth-child(2) .sub:nth-of-type(2)').textContent()).resolves.toBe('dated 2026-12-25');
    const stored = await t.ds.query(`SELECT event_id, body->>'occurredAt' AS at FROM events WHERE booking_id = 'rz-1'`);
    expect(stored).toEqual([{ event_id: 'rz-open', at: '2026-12-25T10:00:00Z' }]);
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-resolved.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('admin: all of them, with who resolved each and how; a sheriff has no Refused section', async () => {
    const { page, context } = await open('admin');
    await page.locator('#nav').getByRole('link', { name: 'Refused' }).click();
    await page.locator('#refused-state').selectOption('all');
    await refusal(page, 'rz-test')
      .locator('td.resolution', { hasText: /^Dismissed/ })
      .waitFor();
    await expect(refusal(page, 'rz-test').locator('td.resolution').textContent()).resolves.toBe('Dismissed by test supervisor at Sat 26 Dec 2026 15:00 UTC: vendor test message, not an event');
    await expect(refusal(page, 'rz-open').last().locator('td.resolution').textContent()).resolves.toBe('Re-sent as event rz-open by test supervisor at Sat 26 Dec 2026 15:00 UTC');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-all.png'), fullPage: true });
    await context.close();
    const sheriff = await open('sheriff');
    await expect(sheriff.page.locator('#nav a[data-view="refused"]').isHidden()).resolves.toBe(true);
    await sheriff.context.close();
  });
});
