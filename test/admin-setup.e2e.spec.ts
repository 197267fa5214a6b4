/**
 * An admin's setup in a real browser (Debian's Chromium via playwright-core, as test/roles-day.e2e.spec.ts):
 * keys per role (the secret shown once, listed by short id, revoked), a facility from a preset and
 * its dated rules, grants to counsel (made, listed, revoked); bad input answered with a message
 * naming the field. Screenshots go to test-artifacts/admin-setup/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveBrowser, launchChromium, servePages, signedInPage } from './support/browser.js';
import { ADMIN_KEY, type TestApp } from './support/test-app.js';

const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'admin-setup');

const NOW = '2026-12-26T15:00:00.000Z';
let t: TestApp;
let base: string;
let browser: Browser;
let supervisorKey: string;

beforeAll(async () => {
  if (!haveBrowser) return;
  ({ t, base } = await servePages(NOW));
  supervisorKey = (await t.keyFor('supervisor')).replace('Bearer ', '');
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const open = (key: string, who: string) => signedInPage(browser, base, key, who);

const session = (key: string) => t.http.get('/api/session').set('Authorization', `Bearer ${key}`);
const text = async (page: Page, sel: string, expected: string | RegExp) => {
  await page
    .locator(sel, { hasText: expected })
    .waitFor({ timeout: 10_000 })
    .catch(() => undefined);
  const got = await page.locator(sel).textContent();
  if (typeof expected === 'string') expect(got).toBe(expected);
  else expect(got).toMatch(expected);
};

(haveBrowser ? describe : describe.skip)('admin setup in Chromium', () => {
  it('keys: made per role with the secret shown once, listed by short id, revoked; a refusal names the field', async () => {
    const { page, context, errors } = await open(ADMIN_KEY, 'admin');
    await page.locator('#nav').getByRole('link', { name: 'Setup' }).click();
    await page.locator('#admin-keys tbody tr').first().waitFor();
    const form = page.locator('#admin-key-form');
    await form.getByLabel('Name (who or what uses it)').fill('Night supervisor');
    await form.getByLabel('Role').selectOption('supervisor');
    await form.getByLabel('Only these facilities (ingest; comma-separated, empty: all)').fill('cook');
    await form.getByRole('button', { name: 'Create key' }).click();
    await text(page, '#admin-key-error', 'facilityIds: only an ingest key may be limited to facilities');
    await page.screenshot({ path: join(ARTIFACTS, 'key-refused.png'), fullPage: true });

    await form.getByLabel('Only these facilities (ingest; comma-separated, empty: all)').fill('');
    await form.getByRole('button', { name: 'Create key' }).click();
    await page.locator('#admin-key-value').waitFor();
    const secret = (await page.locator('#admin-key-value').textContent())!;
    expect(secret).toMatch(/^dm_[A-Za-z0-9_-]{43}$/);
    expect((await session(secret).expect(200)).body).toMatchObject({ name: 'Night supervisor', role: 'supervisor' });
    const made = (await t.http.get('/api/keys').set('Authorization', t.admin).expect(200)).body.items.find((k: { name: string }) => k.name === 'Night supervisor');
    await text(page, '#admin-key-secret p', `Key for Night supervisor (supervisor), id ${made.shortId}: copy it now, it is shown only this once.`);
    const row = page.locator(`#admin-keys tbody tr[data-key="${made.shortId}"]`);
    expect((await row.locator('td').allTextContents()).slice(0, 6)).toEqual([made.shortId, 'Night supervisor', 'supervisor', 'all', 'Sat 26 Dec 2026 15:00 UTC', 'active']);
    await page.screenshot({ path: join(ARTIFACTS, 'key-made.png'), fullPage: true });
    // Shown once: leaving the section takes it off the screen, and the list never has it.
    await page.locator('#nav').getByRole('link', { name: 'Board' }).click();
    await page.locator('#nav').getByRole('link', { name: 'Setup' }).click();
    await row.waitFor();
    await expect(page.locator('#admin-key-secret').isHidden()).resolves.toBe(true);
    expect(await page.locator('#view-admin').textContent()).not.toContain(secret);

    await row.getByRole('button', { name: `Revoke ${made.shortId}` }).click();
    await text(page, '#admin-status', `Key ${made.shortId} (Night supervisor) revoked: it stops working at once.`);
    await expect(row.locator('td').nth(5).textContent()).resolves.toBe('revoked Sat 26 Dec 2026 15:00 UTC');
    await session(secret).expect(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('facilities: one made from a preset, then new rules from a date, listed dated; bad input names the field', async () => {
    const { page, context, errors } = await open(ADMIN_KEY, 'admin');
    await page.locator('#nav').getByRole('link', { name: 'Setup' }).click();
    const form = page.locator('#admin-facility-form');
    await form.locator('select[name="preset"] option[value="us-il"]').waitFor({ state: 'attached' });
    await form.getByLabel('Id', { exact: true }).fill('setup-jail');
    await form.getByLabel('Name', { exact: true }).fill('Setup County Jail');
    await form.getByLabel('Time zone (IANA, e.g. America/Chicago)').fill('Mars/Olympus');
    await form.getByLabel('Rule-set preset').selectOption('us-il');
    await form.getByRole('button', { name: 'Save facility' }).click();
    await text(page, '#admin-facility-error', 'timeZone: must be an IANA time zone such as America/Chicago');
    await form.getByLabel('Time zone (IANA, e.g. America/Chicago)').fill('America/Chicago');
    await form.getByLabel('Rules overriding the preset (JSON, optional)').fill('{ "holdHours": ');
    await form.getByRole('button', { name: 'Save facility' }).click();
    await text(page, '#admin-facility-error', /^rules: not valid JSON \(/);
    await page.screenshot({ path: join(ARTIFACTS, 'facility-refused.png'), fullPage: true });
    await form.getByLabel('Rules overriding the preset (JSON, optional)').fill('');
    await form.getByRole('button', { name: 'Save facility' }).click();
    await text(page, '#admin-status', 'Facility Setup County Jail (setup-jail) saved.');
    await page.locator('#admin-rules-table tbody tr').first().waitFor();
    await expect(page.locator('#admin-rules-table tbody tr').count()).resolves.toBe(1);
    const saved = (await t.http.get('/api/facilities/setup-jail').set('Authorization', t.admin).expect(200)).body;
    expect(saved.preset.id).toBe('us-il');

    // New rules from 1 January: calendar hours, 24 of them, no preset.
    await form.getByLabel('Rule-set preset').selectOption('');
    await form.getByLabel("Policy (empty: the preset's)").selectOption('calendar-48-hours');
    await form.getByLabel("Hours allowed (empty: the policy's)").fill('24');
    await form.getByLabel('In force from (ISO instant; empty: now, or always for a new facility)').fill('2027-01-01T00:00:00-06:00');
    await form.getByRole('button', { name: 'Save facility' }).click();
    await page.locator('#admin-rules-table tbody tr').nth(1).waitFor();
    const rows = await page.locator('#admin-rules-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['always', `${saved.policy}, ${saved.holdHours} h${saved.requireJudicialWarrant ? ', judicial warrant' : ''}`],
      ['Fri 1 Jan 2027 00:00 CST', 'calendar-48-hours, 24 h'],
    ]);
    const after = (await t.http.get('/api/facilities/setup-jail').set('Authorization', t.admin).expect(200)).body;
    expect(after.policyHistory.map((v: { effectiveFrom: string | null; policy: string; holdHours: number }) => [v.effectiveFrom, v.policy, v.holdHours])).toEqual([
      [null, saved.policy, saved.holdHours],
      ['2027-01-01T06:00:00.000Z', 'calendar-48-hours', 24],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'facility-dated-rules.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('grants: made for a counsel key, listed, revoked; without a key or an unknown booking, a message naming the field', async () => {
    await t.http.put('/api/facilities/grant-jail').set('Authorization', t.admin).send({ name: 'Grant Jail', timeZone: 'America/Chicago', policy: 'federal-48-business-hours' }).expect(200);
    await t.keyFor('counsel'); // "test counsel"
    const { page, context, errors } = await open(ADMIN_KEY, 'admin');
    await page.locator('#nav').getByRole('link', { name: 'Setup' }).click();
    const form = page.locator('#admin-grant-form');
    await form.locator('select[name="apiKeyId"] option', { hasText: 'test counsel' }).waitFor({ state: 'attached' });
    await form.getByRole('button', { name: 'Grant' }).click();
    await text(page, '#admin-grant-error', 'apiKeyId: choose the counsel key to grant to');
    await form.getByLabel('Counsel key').selectOption({ label: (await form.locator('select[name="apiKeyId"] option', { hasText: 'test counsel' }).textContent())! });
    await form.getByLabel('Facility').selectOption('grant-jail');
    await form.getByLabel('Booking or person id').fill('gb-1');
    await form.getByRole('button', { name: 'Grant' }).click();
    await text(page, '#admin-grant-error', 'bookingId: booking "gb-1" is not known at facility "grant-jail"; to grant it before its events arrive, send "expected": true');
    await page.screenshot({ path: join(ARTIFACTS, 'grant-refused.png'), fullPage: true });
    await form.getByLabel('not known yet (its events are to come)').check();
    await form.getByRole('button', { name: 'Grant' }).click();
    await text(page, '#admin-status', 'Granted booking gb-1 at grant-jail.');
    const row = page.locator('#admin-grants tbody tr', { hasText: 'booking gb-1' });
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['test counsel', 'booking gb-1 at grant-jail', 'Sat 26 Dec 2026 15:00 UTC', 'active', 'Revoke']);
    await page.screenshot({ path: join(ARTIFACTS, 'grant-made.png'), fullPage: true });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await text(page, '#admin-status', 'Grant of booking gb-1 to test counsel revoked.');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('revoked Sat 26 Dec 2026 15:00 UTC');
    const [g] = (await t.http.get('/api/grants').set('Authorization', t.admin).expect(200)).body.items;
    expect([g.bookingId, g.revokedAt]).toEqual(['gb-1', NOW]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a supervisor has no Setup section', async () => {
    const { page, context } = await open(supervisorKey, 'supervisor');
    await expect(page.locator('#nav a[data-view="admin"]').isHidden()).resolves.toBe(true);
    await page.goto(`${base}/#admin`);
    await expect(page.locator('#view-admin').isHidden()).resolves.toBe(true);
    await context.close();
  });
});
