import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Counsel can check a history without trusting the server: `scripts/verify-history.mjs`, written
 * from the recipe in docs/api.md ("Tamper evidence") with nothing but Node, recomputes every hash of a history as the API
 * gives it, and fails on any change to it.
 */

const F = 'vh';
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-20T12:00:00.000Z' });
  dir = mkdtempSync(join(tmpdir(), 'dm-verify-'));
  await t.http.put(`/api/facilities/${F}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
  const b = (bookingId: string) => ({ facilityId: F, bookingId });
  // Two bookings interleaved in the log, a retraction, awkward text, numbers and an offset.
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({
          ...b('v1'),
          occurredAt: '2026-11-01T10:00:00-05:00',
          eventId: 'v1-o',
          personId: 'p-v',
          person: { name: 'Zoë "Z" Ñúñez\\u00e9', dateOfBirth: '1990-01-31' },
          charges: [{ code: '1.0', level: 'felony', description: 'a\ttab, ünïcode 🙂' }],
        }),
        ev.opened({ ...b('v2'), occurredAt: '2026-11-01T11:00:00Z', eventId: 'v2-o' }),
        ev.lodged({ ...b('v1'), occurredAt: '2026-11-02T10:00:00.5+05:30', eventId: 'v1-l', warrant: 'administrative' }),
        ev.eligible({ ...b('v1'), occurredAt: '2026-11-05T15:00:00-05:00', eventId: 'v1-e', reason: 'bail_posted' }),
        ev.released({ ...b('v1'), occurredAt: '2026-11-10T15:00:00-05:00', eventId: 'v1-r' }),
      ],
    })
    .expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send(ev.retracted({ ...b('v1'), occurredAt: '2026-11-11T10:00:00Z', retractsEventId: 'v1-r', eventId: 'v1-x' }))
    .expect(200);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

/** Run the checker on a document; its exit status and what it printed. */
function check(doc: unknown): { status: number; out: string } {
  const file = join(dir, `h-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(doc));
  try {
    return { status: 0, out: execFileSync(process.execPath, ['scripts/verify-history.mjs', file], { encoding: 'utf8' }) };
  } catch (err) {
    const e = err as { status: number; stdout: string };
    return { status: e.status, out: e.stdout };
  }
}

describe('scripts/verify-history.mjs', () => {
  it("checks a booking's history and a person's as the API gives them", async () => {
    const booking = (await t.http.get('/api/bookings/v1/history').set('Authorization', t.admin).expect(200)).body;
    const ok = check(booking);
    expect(ok.status).toBe(0);
    expect(ok.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^ok {5}vh v1 #\d+ v1-o$/),
      expect.stringMatching(/ v1-l$/),
      expect.stringMatching(/ v1-e$/),
      expect.stringMatching(/ v1-r$/),
      expect.stringMatching(/^ok {5}vh v1 #\d+ v1-x$/),
      'all 5 events check out',
    ]);
    const person = (await t.http.get('/api/people/p-v/history').set('Authorization', t.admin).expect(200)).body;
    expect(check(person)).toMatchObject({ status: 0, out: expect.stringContaining('all 5 events check out') });
  });

  it.each([
    [
      'what was sent',
      (h: any) => {
        h.events[0].event.person.name = 'Someone Else';
      },
      'v1-o',
      'content hash',
    ],
    [
      'when it happened',
      (h: any) => {
        h.events[2].occurredAt = '2026-11-05T19:00:00.000Z';
      },
      'v1-e',
      'occurredAt is 2026-11-05T19:00:00.000Z but the event as sent says 2026-11-05T15:00:00-05:00',
    ],
    [
      'when it was received',
      (h: any) => {
        h.events[3].receivedAt = '2026-11-19T00:00:00.000Z';
      },
      'v1-r',
      'chain hash',
    ],
    [
      'the booking',
      (h: any) => {
        h.booking.bookingId = 'v2';
      },
      'v1-o',
      'bookingId is "v2"',
    ],
    [
      'a link',
      (h: any) => {
        h.events[1].prevHash = h.events[0].chainHash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
      },
      'v1-l',
      'chain hash',
    ],
  ])('fails, naming the event, when a history is changed: %s', async (_, change, eventId, problem) => {
    const h = (await t.http.get('/api/bookings/v1/history').set('Authorization', t.admin).expect(200)).body;
    change(h);
    const res = check(h);
    expect(res.status).toBe(1);
    expect(res.out).toMatch(new RegExp(`^FAILED vh v\\d #\\d+ ${eventId}: .*${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  });
});
