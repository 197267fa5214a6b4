/**
 * Each role's day in a real browser (Debian's Chromium via playwright-core, as test/board.e2e.spec.ts):
 * names on the board and alert cards, histories opened from them or from the search box, for each role.
 * Screenshots go to test-artifacts/roles-day/ (ARTIFACTS_DIR to change). Skipped, saying so, without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SweepService } from '../src/alerts/sweep.service.js';
import { ev, facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'roles-day');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: the browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);

const NOW = Date.parse('2026-11-24T18:00:00.000Z'); // a Tuesday, 12:00 in Chicago
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();
const F = 'rd';

let t: TestApp;
let base: string;
let browser: Browser;
const keys = { admin: ADMIN_KEY } as Record<'admin' | 'supervisor' | 'sheriff' | 'counsel', string>;

function booking(bookingId: string, personId: string, person: object | undefined, eligibleAt: number | null, end?: number) {
  const b = { facilityId: F, bookingId };
  return [
    ev.opened({ ...b, personId, occurredAt: at((end ?? NOW) - 100 * HOUR), ...(person ? { person } : {}) }),
    ev.lodged({ ...b, occurredAt: at((end ?? NOW) - 90 * HOUR) }),
    ...(eligibleAt === null ? [] : [ev.eligible({ ...b, occurredAt: at(eligibleAt), reason: 'bail_posted' })]),
    ...(end ? [ev.released({ ...b, occurredAt: at(end) })] : []),
  ];
}

beforeAll(async () => {
  if (!haveBrowser) return;
  t = await startTestApp({ now: at(NOW) });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  for (const role of ['supervisor', 'sheriff', 'counsel'] as const) keys[role] = (await t.keyFor(role)).replace('Bearer ', '');
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Roles Day Jail', timeZone: 'America/Chicago', policy: 'calendar-48-hours' }))
    .expect(200);
  const ana = { name: 'Ana María López', aNumber: 'A123456789' };
  const events = [
    ...booking('rd-over', 'P-ana', ana, NOW - 49 * HOUR), // 1 h over
    ...booking('rd-soon', 'P-bo', { name: 'Bo Chen' }, NOW - 45 * HOUR), // 3 h left
    ...booking('rd-safe', 'P-x', undefined, NOW - 2 * HOUR), // no name sent
    ...booking('rd-old', 'P-ana', ana, NOW - 300 * HOUR, NOW - 280 * HOUR), // Ana's earlier booking, released in time
  ];
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  await t.app.get(SweepService).sweep();
  // Counsel is granted Ana (every booking) and Bo's booking.
  const counselId = (await t.http.get('/api/keys').set('Authorization', t.admin).expect(200)).body.items.find((k: { name: string }) => k.name === 'test counsel').id;
  await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F, personId: 'P-ana' }).expect(201);
  await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F, bookingId: 'rd-soon' }).expect(201);
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

async function open(role: keyof typeof keys, width = 1280): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: width < 1000 ? 1024 : 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.clock.install({ time: NOW - 10 * 60_000 });
  await page.clock.pauseAt(NOW);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(keys[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who-name').filter({ hasText: role }).waitFor();
  return { page, context, errors };
}

async function seeText(locator: Locator, expected: string | RegExp): Promise<void> {
  const pattern = typeof expected === 'string' ? new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : expected;
  const found = await locator
    .filter({ hasText: pattern })
    .first()
    .waitFor({ timeout: 10_000 })
    .then(
      () => true,
      () => false,
    );
  if (!found) expect(await locator.first().textContent()).toMatch(pattern);
}

const row = (page: Page, bookingId: string) => page.locator('#board-table tbody tr', { has: page.locator('td.booking strong', { hasText: new RegExp(`^${bookingId}$`) }) });

(haveBrowser ? describe : describe.skip)("each role's day in Chromium", () => {
  it('supervisor: names on the board; a booking and a person open from a row, with the timeline and the clock explained', async () => {
    const { page, context, errors } = await open('supervisor');
    await expect(page.locator('#nav a:visible').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Board/),
      expect.stringMatching(/^Alerts/),
      'Deadline',
      'History',
      'Reviews',
      'Complaints',
      'Notices',
      'Refused',
    ]);
    await page.locator('#board-facility').selectOption(F);
    await page.locator('#board-summary', { hasText: /^3 people/ }).waitFor();
    await seeText(row(page, 'rd-over').locator('td.booking'), 'rd-overAna María Lópezperson P-ana · A-number A123456789');
    await seeText(row(page, 'rd-soon').locator('td.booking'), 'rd-soonBo Chenperson P-bo');
    await seeText(row(page, 'rd-safe').locator('td.booking'), 'rd-safeperson P-x');
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-board.png') });

    await row(page, 'rd-over').getByRole('link', { name: 'Booking rd-over: history and timeline' }).click();
    await page.locator('#history-timeline').waitFor();
    expect(page.url()).toBe(`${base}/#history?facilityId=${F}&bookingId=rd-over`);
    await seeText(page.locator('#history-out h2'), 'Booking rd-over at Roles Day Jail');
    await seeText(page.locator('#history-out .facts div').first(), 'PersonAna María López · person P-ana · A-number A123456789');
    await expect(page.locator('#history-timeline tbody tr td:nth-child(3)').allTextContents()).resolves.toEqual(['booking.opened', 'detainer.lodged', 'booking.release_eligible']);
    await seeText(page.locator('#history-custody h3'), 'Custody: overdue');
    await expect(page.locator('.hold .explain li').allTextContents()).resolves.toContain(
      'The person may be held at most 48 hours after the clock starts, counted straight through: nights, weekends and holidays count.',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-history.png'), fullPage: true });

    // The person across bookings, from the person link.
    await page.locator('#history-out .facts a').click();
    await page.locator('#history-person').waitFor();
    await seeText(page.locator('#history-person'), 'Person Ana María López (P-ana)');
    await expect(page.locator('.booking-history > h3:first-child').allTextContents()).resolves.toEqual(['Booking rd-old at Roles Day Jail', 'Booking rd-over at Roles Day Jail']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('supervisor: the search box finds by name, A-number or booking id; a search that finds nothing says so', async () => {
    const { page, context } = await open('supervisor');
    await page.locator('#nav').getByRole('link', { name: 'History' }).click();
    const search = page.getByLabel('Find a person or booking');
    await search.fill('lópez');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('#history-results li').nth(1).waitFor();
    await expect(page.locator('#history-results li > a strong').allTextContents()).resolves.toEqual(['Booking rd-over', 'Booking rd-old']);
    await seeText(page.locator('#history-results li').first().locator('.sub'), 'Ana María López · person P-ana · A-number A123456789');
    await search.fill('123-456-789');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('#history-results li').nth(1).waitFor();
    await expect(page.locator('#history-results li > a strong').allTextContents()).resolves.toEqual(['Booking rd-over', 'Booking rd-old']);
    await search.fill('nobody');
    await page.getByRole('button', { name: 'Find' }).click();
    await seeText(page.locator('#history-find-none'), 'No one matches "nobody". Try a booking id, a person id, an A-number or part of a name as the jail sent it.');
    await search.fill('rd-soon');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('#history-results li > a').first().click();
    await page.locator('#history-timeline').waitFor();
    await seeText(page.locator('#history-out h2'), 'Booking rd-soon at Roles Day Jail');
    await page.screenshot({ path: join(ARTIFACTS, 'supervisor-search.png'), fullPage: true });
    await context.close();
  });

  it('supervisor: an alert card names the person and opens the history', async () => {
    const { page, context } = await open('supervisor');
    await page.getByRole('link', { name: /^Alerts/ }).click();
    const card = page.locator('#alerts-list li', { hasText: 'Booking rd-over at' });
    await seeText(card.locator('p.name'), 'Ana María López');
    await card.getByRole('link', { name: 'rd-over' }).click();
    await page.locator('#history-timeline').waitFor();
    await seeText(page.locator('#history-out h2'), 'Booking rd-over at Roles Day Jail');
    await context.close();
  });

  it("counsel: what was granted on arrival; a person's history across bookings, each verdict in words, every time in one format", async () => {
    const { page, context, errors } = await open('counsel');
    await expect(page.locator('#nav a:visible').allTextContents()).resolves.toEqual(['History']);
    await page.locator('#history-grants-list li').nth(1).waitFor();
    await expect(page.locator('#history-grants-list li').allTextContents()).resolves.toEqual([
      'Person P-ana (every booking) at rdgranted Tue 24 Nov 2026 18:00 UTC',
      'Booking rd-soon at rdgranted Tue 24 Nov 2026 18:00 UTC',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'counsel-arrival.png'), fullPage: true });

    await page.getByRole('link', { name: 'Person P-ana (every booking)' }).click();
    await page.locator('#history-person').waitFor();
    await seeText(page.locator('#history-person'), 'Person Ana María López (P-ana)');
    await expect(page.locator('.booking-history > h3:first-child').allTextContents()).resolves.toEqual(['Booking rd-old at Roles Day Jail', 'Booking rd-over at Roles Day Jail']);
    // The rule in words, never a policy id against a number.
    const explained = await page.locator('.hold .explain li').allTextContents();
    expect(explained).toContain('The person may be held at most 48 hours after the clock starts, counted straight through: nights, weekends and holidays count.');
    const text = (await page.locator('#history-out').textContent())!;
    expect(text).not.toMatch(/calendar-48-hours|federal-48-business-hours|\b[AP]M\b/);
    // One format for every time shown: "Tue 24 Nov 2026 12:00 CST" (the jail's zone) or "… UTC" (when received).
    const times = text.match(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}[ ,]\S+( \S+)?/g) ?? [];
    expect(times.length).toBeGreaterThan(10);
    for (const x of times) expect(x).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} (CST|CDT|UTC)/);
    await expect(page.locator('.booking-history').first().locator('.timeline tbody tr').first().locator('td').nth(1).textContent()).resolves.toBe('Sun 8 Nov 2026 16:00 CST'); // 380 h before now
    await page.screenshot({ path: join(ARTIFACTS, 'counsel-person.png'), fullPage: true });

    // The granted booking opens from the list too; a booking not granted is refused, saying so.
    await page.goto(`${base}/#history`);
    await page.getByRole('link', { name: 'Booking rd-soon' }).click();
    await seeText(page.locator('#history-out h2'), 'Booking rd-soon at Roles Day Jail');
    await page.getByLabel('Booking id', { exact: true }).fill('rd-safe');
    await page.getByRole('button', { name: 'Show history' }).click();
    await seeText(page.locator('#history-error'), /^This key may not read booking rd-safe: /);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sheriff: ids only, no names and no history links', async () => {
    const { page, context } = await open('sheriff');
    await page.locator('#board-facility').selectOption(F);
    await page.locator('#board-summary', { hasText: /^3 people/ }).waitFor();
    await seeText(row(page, 'rd-over').locator('td.booking'), 'rd-overperson P-ana');
    await expect(page.locator('#board-table a').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'sheriff-board.png') });
    await context.close();
  });
});
