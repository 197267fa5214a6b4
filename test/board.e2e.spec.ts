/**
 * The live board in a real browser: Debian's Chromium driven by playwright-core (no browser download).
 * Where no Chromium can be had, these tests are skipped and say so; CI installs it.
 * Screenshots go to test-artifacts/board/ (ARTIFACTS_DIR to change).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SweepService } from '../src/alerts/sweep.service.js';
import { demoPicture } from '../scripts/demo-data.js';
import { ev, facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.env.ARTIFACTS_DIR ?? 'test-artifacts', 'board');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`SKIPPED: the board's browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH).`);

const NOW = Date.parse('2026-11-24T18:00:00.000Z'); // a Tuesday
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();
const F = 'e2e';
/** People whose detainers disagree: custody is judged per booking, so each is one row. */
const F2 = 'e2e-forms';

let t: TestApp;
let base: string;
let browser: Browser;
const keys = { admin: ADMIN_KEY } as Record<'admin' | 'supervisor' | 'sheriff' | 'counsel', string>;

/** One booking: opened, detainer lodged, release-eligible at `eligibleAt` (or not yet), maybe ended (a transfer to ICE, named: no agency is an unknown one). */
function booking(bookingId: string, eligibleAt: number | null, end?: { at: number; kind: 'released' | 'transferred' }) {
  const b = { facilityId: F, bookingId };
  return [
    ev.opened({ ...b, occurredAt: at(NOW - 100 * HOUR), charges: [{ code: 'X', description: 'Theft', level: 'felony', disposition: 'pending' }] }),
    ev.lodged({ ...b, occurredAt: at(NOW - 90 * HOUR) }),
    ...(eligibleAt === null ? [] : [ev.eligible({ ...b, occurredAt: at(eligibleAt), reason: 'bail_posted' })]),
    ...(end ? [end.kind === 'released' ? ev.released({ ...b, occurredAt: at(end.at) }) : ev.transferred({ ...b, occurredAt: at(end.at), toAgency: 'ICE' })] : []),
  ];
}

beforeAll(async () => {
  if (!haveBrowser) return;
  t = await startTestApp({ now: at(NOW) });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  for (const role of ['supervisor', 'sheriff', 'counsel'] as const) keys[role] = (await t.keyFor(role)).replace('Bearer ', '');
  // Calendar hours keep the arithmetic plain: the deadline is 48 h after release eligibility.
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'E2E County Jail', timeZone: 'America/Chicago', policy: 'calendar-48-hours' }))
    .expect(200);
  const events = [
    ...booking('due-soon', NOW - 45 * HOUR + 30_000), // 3 h 00 min 30 s left
    ...booking('overdue', NOW - 49 * HOUR + 30_000), // 59 min 30 s over
    ...booking('ignored', NOW - 50 * HOUR), // 2 h over, and nobody will acknowledge it
    ...booking('safe', NOW - 2 * HOUR), // 46 h left
    ...booking('waiting', null), // not started
    ...booking('scheduled', NOW + 5 * HOUR), // release set for later today: not started, its deadline known
    ...booking('closed-ok', NOW - 60 * HOUR, { at: NOW - 20 * HOUR, kind: 'transferred' }),
    ...booking('closed-late', NOW - 80 * HOUR, { at: NOW - 30 * HOUR, kind: 'released' }), // 2 h past
  ];
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  // An I-247A beside an I-247N, eligible 10 h ago: the I-247A holds, so the person is running, not overdue.
  // A lone I-247A cancelled before eligibility: nothing authorises the custody. A detainer lodged twice: a note.
  await t.http
    .put(`/api/facilities/${F2}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'E2E Forms Jail', timeZone: 'America/Chicago', policy: 'calendar-48-hours' }))
    .expect(200);
  const b2 = (bookingId: string) => ({ facilityId: F2, bookingId });
  const forms = [
    ...booking('two-forms', NOW - 10 * HOUR).map((e) => ({ ...e, facilityId: F2 })),
    ev.lodged({ ...b2('two-forms'), detainerId: 'd2', form: 'I-247N', occurredAt: at(NOW - 80 * HOUR) }),
    ...booking('cancelled', NOW - 10 * HOUR).map((e) => ({ ...e, facilityId: F2 })),
    ev.cancelled({ ...b2('cancelled'), occurredAt: at(NOW - 20 * HOUR) }),
    ...booking('noted', null).map((e) => ({ ...e, facilityId: F2 })),
    ev.lodged({ ...b2('noted'), warrant: 'administrative', occurredAt: at(NOW - 70 * HOUR) }),
  ];
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events: forms }).expect(200, { accepted: forms.length, duplicates: 0, rejected: [] });
  // The demo's picture too: its events must all be accepted, and the screenshots show a full board.
  const demo = demoPicture(NOW, { perFacility: 15 });
  for (const f of demo.facilities) await t.http.put(`/api/facilities/${f.id}`).set('Authorization', t.admin).send(f.body).expect(200);
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events: demo.events }).expect(200, { accepted: demo.events.length, duplicates: 0, rejected: [] });
  await t.http
    .post('/api/grants')
    .set('Authorization', t.admin)
    .send({ apiKeyId: (await t.http.get('/api/keys').set('Authorization', t.admin)).body.items.find((k: { role: string }) => k.role === 'counsel').id, facilityId: F, bookingId: 'closed-late' })
    .expect(201);
  await t.app.get(SweepService).sweep();

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

/**
 * A fresh tab whose clock stands still at the server's NOW until a test moves both. The fake clock
 * starts a little before NOW and runs, so pausing at NOW is never "in the past" on a slow machine.
 */
async function newTab(width: number, before?: (page: Page) => Promise<void>, timezoneId?: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width, height: width < 1000 ? 1024 : 900 }, acceptDownloads: true, timezoneId });
  const page = await context.newPage();
  await before?.(page);
  await page.clock.install({ time: NOW - 10 * 60_000 });
  await page.clock.pauseAt(NOW);
  return { page, context };
}

/** A fresh tab, signed in with the role's key. */
async function open(role: keyof typeof keys, opts: { width?: number; before?: (page: Page) => Promise<void>; timezoneId?: string } = {}): Promise<{ page: Page; context: BrowserContext }> {
  const { page, context } = await newTab(opts.width ?? 1280, opts.before, opts.timezoneId);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/');
  await page.getByLabel('API key').fill(keys[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who-name').filter({ hasText: role }).waitFor();
  expect(errors).toEqual([]);
  return { page, context };
}

/**
 * The element's whole text is (or matches) `expected`, waiting for the page to get there: answers
 * and redraws land a moment after a click or a clock move. On timeout the assertion shows the text.
 */
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

(haveBrowser ? describe : describe.skip)('the live board in Chromium', () => {
  it('signs in with a key kept out of the URL, shows one row per person by authority left, and counts down', async () => {
    const { page, context } = await open('supervisor');
    expect(page.url()).not.toContain(keys.supervisor);
    expect(await page.evaluate("sessionStorage.getItem('detainer-monitor.key')")).toBe(keys.supervisor);
    // A supervisor sees the board, alerts, the deadline calculator, histories, reviews, complaints, notices and refused events, not reports.
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
    await page.locator('#board-summary', { hasText: /^6 people/ }).waitFor(); // F's answer drawn, not the first one's
    const texts = await page.locator('#board-table tbody tr td.booking strong').allTextContents();
    expect(texts).toEqual(['ignored', 'overdue', 'due-soon', 'safe', 'scheduled', 'waiting']); // least time left first; not started last
    await seeText(row(page, 'due-soon').locator('.countdown'), '3 h 00 min');
    await seeText(row(page, 'due-soon').locator('.state'), '▲ Approaching');
    await seeText(row(page, 'overdue').locator('.countdown'), '1 h 00 min over');
    await seeText(row(page, 'overdue').locator('.state'), '■ Overdue');
    await seeText(row(page, 'safe').locator('.state'), '● Safe');
    await seeText(row(page, 'waiting').locator('.countdown'), 'clock not started');
    await seeText(row(page, 'due-soon').locator('td').nth(3), 'Tue 24 Nov 2026 15:00 CST');
    await seeText(row(page, 'scheduled').locator('.countdown'), 'clock not started');
    // Not yet release-eligible: authorised until the day it will be, from a start already known, or from eligibility.
    await seeText(row(page, 'scheduled').locator('td').nth(3), 'Thu 26 Nov 2026 17:00 CSTstarts Tue 24 Nov 2026 17:00 CST');
    await seeText(row(page, 'waiting').locator('td').nth(3), 'starts when release-eligible');
    await seeText(row(page, 'overdue').locator('td').nth(3), 'Tue 24 Nov 2026 11:00 CST');
    // The person and facility, and each detainer with what it authorises now.
    await seeText(row(page, 'safe').locator('td.booking'), 'safeperson person-safe');
    await seeText(row(page, 'safe').locator('td').nth(2), 'E2E County JailAmerica/Chicago48 calendar hours');
    await seeText(row(page, 'safe').locator('td').nth(4), 'I-247A: hold');
    await seeText(row(page, 'overdue').locator('td').nth(4), 'I-247A: nothing (limit spent)');
    await expect(row(page, 'safe').locator('details.notes').count()).resolves.toBe(0);
    await seeText(page.locator('#board-summary'), '6 people: 2 overdue, 1 approaching, 1 safe, 2 not started.');
    await expect(row(page, 'due-soon').locator('.countdown').getAttribute('aria-label')).resolves.toBe('3 hours 0 minutes left');

    // One minute later, on both clocks: the countdown moves without a reload, between polls and after one.
    t.clock.advance(60_000);
    await page.clock.runFor(60_000);
    await seeText(row(page, 'due-soon').locator('.countdown'), '2 h 59 min');
    await seeText(row(page, 'overdue').locator('.countdown'), '1 h 01 min over');
    await page.locator('#board-facility').selectOption('');
    await row(page, 'demo-cook-0001').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'board.png') });
    t.clock.set(NOW);
    await context.close();
  });

  it("marks a facility's unverified preset rules plainly on each of its rows, with the reason; a verified preset has no marker", async () => {
    const { page, context } = await open('supervisor');
    await page.locator('#board-facility').selectOption('maricopa'); // the demo's Maricopa County runs on the federal preset
    const marker = page.locator('#board-table tbody tr td.wide details.unverified').first();
    await seeText(marker.locator('summary'), 'Unverified rules (federal): ICE, Secure Communities reforms (June 2011)');
    expect(await marker.isVisible()).toBe(true);
    await marker.locator('summary').click();
    await seeText(marker.locator('li'), /^ICE, Secure Communities reforms \(June 2011\): The reform announcement and its detainer guidance were not found as text/);
    await page.screenshot({ path: join(ARTIFACTS, 'unverified-preset.png') });
    await page.locator('#board-facility').selectOption('cook'); // us-il: every rule checked against the text (us-wa too)
    await page
      .locator('#board-table tbody tr td.wide', { hasText: /^Cook County Jail/ })
      .first()
      .waitFor();
    expect(await page.locator('#board-table tbody details.unverified').count()).toBe(0);
    await context.close();
  });

  it('shows a person with an I-247A and an I-247N as one running row, and one whose only detainer was cancelled as overdue', async () => {
    const { page, context } = await open('supervisor');
    await page.locator('#board-facility').selectOption(F2);
    await page.locator('#board-summary', { hasText: /^3 people/ }).waitFor();
    await expect(page.locator('#board-table tbody tr td.booking strong').allTextContents()).resolves.toEqual(['cancelled', 'two-forms', 'noted']);
    // One row for the booking, not one per detainer: the I-247A holds until Thursday 02:00, 38 h from now.
    await expect(row(page, 'two-forms').count()).resolves.toBe(1);
    await seeText(row(page, 'two-forms').locator('.state'), '● Safe');
    await seeText(row(page, 'two-forms').locator('.countdown'), '38 h 00 min');
    await seeText(row(page, 'two-forms').locator('td').nth(3), 'Thu 26 Nov 2026 02:00 CST');
    await expect(row(page, 'two-forms').locator('ul.detainers li').allTextContents()).resolves.toEqual(['I-247A: hold', 'I-247N: notify only']);
    // Cancelled before the person was eligible: nothing authorised any of the 10 h since.
    await seeText(row(page, 'cancelled').locator('.state'), '■ Overdue');
    await seeText(row(page, 'cancelled').locator('.countdown'), '10 h 00 min over');
    await expect(row(page, 'cancelled').locator('.countdown').getAttribute('aria-label')).resolves.toBe('overdue by 10 hours 0 minutes');
    await seeText(row(page, 'cancelled').locator('td').nth(3), 'no authority since Tue 24 Nov 2026 02:00 CST');
    await seeText(row(page, 'cancelled').locator('td').nth(4), 'I-247A: nothing (cancelled)');
    // A detainer lodged twice: a note on the record, opened from the keyboard.
    await seeText(row(page, 'noted').locator('td').nth(4), 'I-247A, administrative warrant: hold');
    const notes = row(page, 'noted').locator('details.notes');
    await seeText(notes.locator('summary'), '1 note');
    await expect(notes.locator('li').isVisible()).resolves.toBe(false);
    await notes.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(notes.locator('li').count()).resolves.toBe(1);
    await expect(notes.locator('li').isVisible()).resolves.toBe(true);
    await seeText(page.locator('#board-summary'), '3 people: 1 overdue, 0 approaching, 1 safe, 1 not started.');
    await page.screenshot({ path: join(ARTIFACTS, 'board-custody.png') });

    // Alerts are the person's too: one for the cancelled detainer's booking, none for the I-247N.
    await page.getByRole('link', { name: /^Alerts/ }).click();
    await page.locator('#alerts-facility').selectOption(F2);
    await page.locator('#alerts-summary', { hasText: '1 open alert, 0 escalated.' }).waitFor();
    await seeText(page.locator('#alerts-list li p').first(), 'Booking cancelled at E2E Forms Jail: no detainer authorised this custody');
    await context.close();
  });

  it('drops a late answer for the facility chosen before, so the board shows the one chosen now', async () => {
    // Hold back the first, all-facilities answer until the answer for F has been drawn.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { page, context } = await open('supervisor', {
      before: async (p) => {
        await p.route(
          (url) => url.pathname === '/api/custody' && !url.searchParams.has('facilityId'),
          async (route) => {
            await gate;
            await route.continue();
          },
        );
      },
    });
    await page.locator('#board-facility').selectOption(F);
    await page.locator('#board-table tbody[data-answers="1"]').waitFor({ state: 'attached' });
    release();
    await page.locator('#board-table tbody[data-answers="2"]').waitFor({ state: 'attached' });
    await expect(page.locator('#board-table tbody tr td.booking strong').allTextContents()).resolves.toEqual(['ignored', 'overdue', 'due-soon', 'safe', 'scheduled', 'waiting']);
    await context.close();
  });

  it('says the data is stale when the server stops answering, and recovers by itself', async () => {
    const { page, context } = await open('supervisor');
    await page.locator('#board-facility').selectOption(F);
    await row(page, 'safe').waitFor();
    await expect(page.locator('#stale').isHidden()).resolves.toBe(true);
    await page.route('**/api/custody**', (route) => route.abort('connectionrefused'));
    await page.clock.runFor(16_000);
    await seeText(page.locator('#stale'), /^Data may be out of date: last updated at .+\. The server is not answering\. Countdowns keep running/);
    await expect(page.locator('#stale').getAttribute('role')).resolves.toBe('alert');
    await page.screenshot({ path: join(ARTIFACTS, 'stale.png') });
    await page.unroute('**/api/custody**');
    await page.clock.runFor(15_000);
    await page.locator('#stale').waitFor({ state: 'hidden' });
    await context.close();
  });

  it("warns that alerts may be missing while the server's alert sweep is late, and stops when it runs again", async () => {
    // The server's side of this (health turning "degraded") is test/health.spec.ts; here its answer is given.
    const late = { status: 'degraded', database: 'up', migrations: 'applied', alertSweep: { state: 'late', intervalMs: 60_000, lastSucceededAt: at(NOW - 3 * HOUR), lastFailedAt: at(NOW) } };
    let health: object = late;
    const { page, context } = await open('supervisor', { before: async (p) => void (await p.route('**/api/health', (route) => route.fulfill({ json: health }))) });
    await seeText(page.locator('#sweep-late'), /^Alerts may be missing: the server's alert sweep has not run since .+\. Deadlines on the board are still right/);
    await expect(page.locator('#sweep-late').getAttribute('role')).resolves.toBe('alert');
    health = { ...late, status: 'ok', alertSweep: { ...late.alertSweep, state: 'ok', lastSucceededAt: at(NOW) } };
    await page.clock.runFor(30_000);
    await page.locator('#sweep-late').waitFor({ state: 'hidden' });
    await context.close();
  });

  it('acknowledges an alert with a note; escalations stand out', async () => {
    const { page, context } = await open('supervisor');
    await page.getByRole('link', { name: /^Alerts/ }).click();
    await page.locator('#alerts-facility').selectOption(F);
    // F's answer drawn: overdue and ignored are overdue, due-soon is past its 4-hour warning (which superseded its 12-hour one): one per person.
    await page.locator('#alerts-summary', { hasText: '3 open alerts, 0 escalated.' }).waitFor();
    await expect(page.locator('#alerts-list li h2').allTextContents()).resolves.toEqual(['■ Overdue', '■ Overdue', '▲ Approaching: 4 h before the deadline']);
    const card = page.locator('#alerts-list li', { hasText: 'Booking overdue at' });
    await seeText(card.locator('h2'), '■ Overdue');
    // Raised by the sweep at NOW, shown on the jail's clock as the deadline is, not the desk's.
    await seeText(card.locator('p.raised'), 'Raised Tue 24 Nov 2026 12:00 CST');
    await page.screenshot({ path: join(ARTIFACTS, 'alerts.png') });
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await card.getByLabel('Note (optional): what was done').fill('Called ICE duty officer; releasing.');
    await card.getByRole('button', { name: 'Confirm acknowledge' }).click();
    // The card stays while the person is held, saying who acknowledged it and when; the message is not overwritten by the next poll.
    await seeText(card.locator('p.acked'), 'Acknowledged by test supervisor at Tue 24 Nov 2026 12:00 CST: Called ICE duty officer; releasing.');
    await seeText(page.locator('#alerts-summary'), '2 open alerts, 0 escalated; 1 acknowledged, custody still going on.');
    const status = 'Alert for booking overdue acknowledged by test supervisor at Tue 24 Nov 2026 12:00 CST.';
    await seeText(page.locator('#alerts-status'), status);
    await page.clock.runFor(15_000); // the next poll
    await seeText(page.locator('#alerts-status'), status);
    await expect(card.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(0);
    const acked = (await t.http.get(`/api/alerts?facilityId=${F}&state=acknowledged`).set('Authorization', t.admin)).body.items;
    expect(acked.map((a: { bookingId: string; level: string; note: string; acknowledgedBy: string }) => [a.bookingId, a.level, a.note, a.acknowledgedBy])).toEqual([
      ['overdue', 'overdue', 'Called ICE duty officer; releasing.', 'test supervisor'],
    ]);

    // Unacknowledged past the escalation time: the overdue alert rises to escalated, highlighted; still one card per person.
    t.clock.advance(2 * HOUR);
    await t.app.get(SweepService).sweep();
    await page.clock.runFor(15_000); // the next poll
    const escalated = page.locator('#alerts-list li.level-escalated');
    await escalated.waitFor();
    await seeText(escalated.locator('h2'), '⚠ Escalated: overdue and not acknowledged');
    await seeText(escalated.locator('p strong'), 'ignored');
    // Escalations come first.
    await expect(page.locator('#alerts-list li').first().getAttribute('class')).resolves.toBe('card level-escalated');
    t.clock.set(NOW);
    await context.close();
  });

  it('shows the compliance report that reconciles, with charts, CSV and PDF, and the closed-custody list matching GET /api/custody', async () => {
    const { page, context } = await open('sheriff');
    await expect(page.locator('#nav a:visible').allTextContents()).resolves.toEqual(['Board', 'Deadline', 'Reports']);
    await page.locator('#nav').getByRole('link', { name: 'Reports' }).click();
    await page.locator('#reports-facility').selectOption(F);
    await page.locator('#reports-from').fill('2026-11-01');
    await page.locator('#reports-to').fill('2026-12-01');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.locator('#chart-monthly').waitFor();
    const figures = Object.fromEntries(await page.locator('.figures > div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent])));
    expect(figures).toMatchObject({
      'Detainers received': '8',
      'Custody ended': '2',
      'Ended within the limit': '1',
      'Ended past the limit': '1',
      'Ended without needing an authority': '0',
      'Honoured (transferred)': '1',
      'Time past the limit, all people': '2 h',
    });
    await seeText(page.locator('#reports-reconcile'), 'The figures reconcile: the 2 people whose custody ended are each in one outcome, and every table adds up to its headline.');
    await expect(page.locator('#chart-overage').getAttribute('aria-label')).resolves.toBe(
      'How far past the limit (people whose custody ended past it). 0–1 h: 0 people; 1–4 h: 1 people; 4–12 h: 0 people; 12–24 h: 0 people; 24–48 h: 0 people; 48 h +: 0 people.',
    );
    await expect(page.locator('#chart-charges rect.bar').count()).resolves.toBe(20);
    // The late list: the same people, in the same order, as the custody list the API gives for the period.
    const late = (await t.http.get(`/api/custody?facilityId=${F}&status=closed&compliant=false&endedFrom=2026-11-01&endedTo=2026-12-01`).set('Authorization', t.admin).expect(200)).body.items;
    expect(late).toHaveLength(1);
    await seeText(page.locator('#closed-status'), '1: held past the limit.');
    await expect(page.locator('#closed-table tbody tr').count()).resolves.toBe(1);
    const cells = await page.locator('#closed-table tbody tr td').allTextContents();
    expect(cells[1]).toContain(late[0].bookingId);
    expect(cells[3]).toBe('2 h 00 min');
    expect(cells[4]).toBe('limit reached');
    await page.locator('#closed-verdict').selectOption({ label: 'Within the limit' });
    await seeText(page.locator('#closed-status'), '1: within the limit.');
    await expect(page.locator('#closed-table tbody tr td').nth(4).textContent()).resolves.toBe('within the limit');
    // Nothing polls on this page, so a quiet minute is not called stale.
    await page.clock.runFor(60_000);
    await expect(page.locator('#stale').isHidden()).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`compliance-${F}-2026-11-01.csv`);
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('Section,Figure,Group,Value,Unit,Key');
    expect(csv).toContain('People (custody records),Custody ended past the limit (the late list),all,1,people,holdsPastDeadline');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(pdf.suggestedFilename()).toBe(`compliance-${F}-2026-11-01.pdf`);
    expect(
      readFileSync(await pdf.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await page.locator('#closed-verdict').selectOption({ label: 'Held past the limit' });
    await seeText(page.locator('#closed-status'), '1: held past the limit.');
    const [list] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download this list (CSV)' }).click()]);
    expect(list.suggestedFilename()).toBe(`custody-${F}-2026-11-01-past-limit.csv`);
    const rows = readFileSync(await list.path(), 'utf8')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(`${F},${late[0].bookingId},`);
    await context.close();
  });

  it("works out a deadline ahead on the jail's clock, whatever the desk PC's zone", async () => {
    await t.http
      .put('/api/facilities/e2e-ny')
      .set('Authorization', t.admin)
      .send(facilityBody({ name: 'E2E New York Jail', timeZone: 'America/New_York' }))
      .expect(200);
    const { page, context } = await open('supervisor', { timezoneId: 'Asia/Tokyo' });
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
    await page.locator('#nav').getByRole('link', { name: 'Deadline' }).click();
    await page.locator('#deadline-facility option[value="e2e-ny"]').waitFor({ state: 'attached' });
    await page.locator('#deadline-facility').selectOption('e2e-ny');
    const facts = () => page.locator('#deadline-out .facts > div').evaluateAll((divs) => Object.fromEntries(divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent])));

    // Empty: now, on the server's clock (Tuesday 13:00 in New York): 11 h + 24 h, Thanksgiving, Friday 13 h.
    await page.getByRole('button', { name: 'Work it out' }).click();
    await seeText(page.locator('#deadline-out h2'), 'Release by Fri 27 Nov 2026 13:00 EST');

    // Typed on the jail's clock, though this PC keeps Tokyo time: the design note's example.
    await page.getByLabel('Eligible for release (jail time; empty: now)').fill('2026-11-25T10:00');
    await page.getByRole('button', { name: 'Work it out' }).click();
    await seeText(page.locator('#deadline-out h2'), 'Release by Mon 30 Nov 2026 10:00 EST');
    await expect(facts()).resolves.toEqual({
      Facility: 'E2E New York Jail (America/New_York)',
      'Clock starts': 'Wed 25 Nov 2026 10:00 EST',
      Rule: '48 business hours (8 CFR 287.7)',
      'Days not counted': '2026-11-26 (Thanksgiving Day), 2026-11-28 (Saturday), 2026-11-29 (Sunday)',
    });
    await expect(page.locator('#deadline-explanation li').count()).resolves.toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'deadline.png'), fullPage: true });

    // The facility's skipped weekdays this year are listed under the form.
    await expect(page.locator('#deadline-calendar tbody tr').filter({ hasText: '2026-11-26' }).textContent()).resolves.toBe('2026-11-26ThursdayThanksgiving Day');
    await expect(page.locator('#deadline-calendar tbody tr').count()).resolves.toBe(11);

    await page.getByLabel('Detainer form').selectOption('I-247N');
    await page.getByRole('button', { name: 'Work it out' }).click();
    await seeText(page.locator('#deadline-out h2'), 'No hold: release at Wed 25 Nov 2026 10:00 EST');
    await context.close();
  });

  it("shows a booking's history with its timeline to counsel with a grant, and downloads the PDF", async () => {
    const { page, context } = await open('counsel');
    await expect(page.locator('#nav a:visible').allTextContents()).resolves.toEqual(['History']);
    await page.getByLabel('Booking id', { exact: true }).fill('safe');
    await page.getByRole('button', { name: 'Show history' }).click();
    await seeText(page.locator('#history-error').filter({ hasText: /may not read booking safe/ }), /^This key may not read booking safe: /);

    await page.getByLabel('Booking id', { exact: true }).fill('closed-late');
    await page.getByRole('button', { name: 'Show history' }).click();
    await page.locator('#history-timeline').waitFor();
    await expect(page.locator('#history-timeline tbody tr td:nth-child(3)').allTextContents()).resolves.toEqual(['booking.opened', 'detainer.lodged', 'booking.release_eligible', 'booking.released']);
    await seeText(page.locator('.hold h3'), 'Detainer d1 (I-247A): closed, past the deadline');
    // The custody record above the holds: its verdict, its sentences and its violations.
    await seeText(page.locator('#history-custody h3'), 'Custody: closed, not compliant (7200 s without authority)');
    await expect(page.locator('#history-violations tbody tr td:nth-child(3), #history-violations tbody tr td:nth-child(4)').allTextContents()).resolves.toEqual(['7200', 'limit reached']);
    await expect(page.locator('#history-custody .explain li').allTextContents()).resolves.toContainEqual(
      expect.stringMatching(/^Custody without authority from .*: the detainer's limit was spent\.$/),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'history.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(download.suggestedFilename()).toBe('history-closed-late.pdf');
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await context.close();
  });

  it('shows an admin what was refused and why, newest first: a release dated ahead of its receipt among them', async () => {
    const refused = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.released({ facilityId: F, bookingId: 'safe', occurredAt: at(NOW + 24 * HOUR), eventId: 'release-tomorrow' }),
          { eventId: 'no-type', facilityId: F, bookingId: 'safe', occurredAt: at(NOW) },
        ],
      })
      .expect(200);
    expect(refused.body.rejected.map((r: { eventId: string }) => r.eventId)).toEqual(['release-tomorrow', 'no-type']);
    const { page, context } = await open('admin');
    // (the alert count beside Alerts comes when its first poll answers)
    expect((await page.locator('#nav a:visible').allTextContents()).map((x) => x.trim().replace(/\s*\d+$/, ''))).toEqual([
      'Board',
      'Alerts',
      'Deadline',
      'Reports',
      'History',
      'Reviews',
      'Complaints',
      'Notices',
      'Refused',
      'Import',
      'Setup',
    ]);
    await page.locator('#nav').getByRole('link', { name: 'Refused' }).click();
    await page.locator('#refused-table tbody tr:not(.resolve)').nth(1).waitFor();
    const cells = async (n: number) => (await page.locator('#refused-table tbody tr:not(.resolve)').nth(n).locator('td').allTextContents()).slice(1);
    // Both came in one request: the later row (the one kept last) shows first.
    expect(await cells(0)).toEqual([
      '(no type)' + 'no-type' + 'dated 2026-11-24T18:00:00.000Z',
      'e2e' + 'booking safe',
      'type: must be one of booking.opened, booking.charges_updated, detainer.lodged, detainer.amended, detainer.cancelled, booking.release_eligible, booking.eligibility_ended, booking.custody_transferred, booking.released, booking.criminal_history, booking.flagged, booking.unflagged, detainer.decided, complaint.filed, complaint.transitioned, notice.served, notice.late, event.retracted',
      'Fix and re-send Dismiss',
    ]);
    expect(await cells(1)).toEqual([
      'booking.released' + 'release-tomorrow' + 'dated 2026-11-25T18:00:00.000Z',
      'e2e' + 'booking safe',
      'occurredAt: is after the time received (2026-11-24T18:00:00.000Z): a custody end is sent once the person has left (up to 5 minutes of clock difference allowed)',
      'Fix and re-send Dismiss',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'refused.png'), fullPage: true });
    // The custody that release would have closed still counts down on the board.
    await page.locator('#nav').getByRole('link', { name: 'Board' }).click();
    await row(page, 'safe').waitFor();
    await context.close();
  });

  it('works on a tablet; a wrong key gets a plain answer, and a key revoked meanwhile signs the page out, saying why', async () => {
    const { page, context } = await newTab(768);
    await page.goto(base + '/');
    await page.getByLabel('API key').fill('dm_wrong');
    await page.keyboard.press('Enter');
    await seeText(page.locator('#signin-error').filter({ hasText: /./ }), 'That key is unknown, revoked or expired.');
    await page.getByLabel('API key').fill(keys.supervisor);
    await page.keyboard.press('Enter');
    await page.locator('#board-table tbody tr[data-custody]').first().waitFor();
    // The narrow layout keeps every column, the facility's among them (its zone and policy lines give way).
    await expect(page.locator('#board-table thead th:visible').allTextContents()).resolves.toEqual(['Time left', 'Booking', 'Facility', 'Authorised until (jail time)', 'Detainers']);
    const facility = page.locator('#board-table tbody tr[data-custody] td:nth-child(3)').first();
    await expect(facility.isVisible()).resolves.toBe(true);
    await expect(facility.locator('.sub').first().isVisible()).resolves.toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'tablet.png') });
    // A key revoked while the board is open: the next answer signs the page out, and says why.
    const tabletKey = (await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'tablet', role: 'supervisor' }).expect(201)).body;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(tabletKey.key);
    await page.keyboard.press('Enter');
    await page.locator('#board-table tbody tr[data-custody]').first().waitFor();
    await t.http.delete(`/api/keys/${tabletKey.id}`).set('Authorization', t.admin).expect(200);
    await page.clock.runFor(15_000); // the next poll (or an answer already on its way) meets the revoked key
    await seeText(page.locator('#signin-error').filter({ hasText: /./ }), 'Signed out: this key stopped working (revoked or expired). Sign in with a valid key.');
    expect(await page.evaluate("sessionStorage.getItem('detainer-monitor.key')")).toBeNull();
    await page.getByLabel('API key').fill(keys.supervisor);
    await page.keyboard.press('Enter');
    await page.locator('#board-table tbody tr[data-custody]').first().waitFor();
    // Signing out forgets the key.
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.evaluate("sessionStorage.getItem('detainer-monitor.key')")).toBeNull();
    await context.close();
  });
});
