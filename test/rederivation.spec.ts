/**
 * Stored bookings and holds derived by other code (or other time zone data) are derived again
 * from the log at start: what an upgrade that adds a federal holiday or corrects a rule needs.
 * The "old code" here is simulated by changing stored rows as it would have left them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { derivationFingerprint } from '../src/holds/derivation.js';
import { Rederivation } from '../src/holds/rederivation.service.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const OLD = 'derivation 0, tzdata 2019c';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T14:00:00.000Z' }); // after every clock start below
  await t.http
    .put('/api/facilities/rd')
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/New_York' }))
    .expect(200);
  const ingest = await t.keyFor('ingest');
  const events = [
    // running: release-eligible Monday 23 Nov 15:00: Monday 9 h, Tuesday 24, Wednesday 15 → Wednesday 15:00 EST
    ev.opened({ facilityId: 'rd', bookingId: 'run', occurredAt: '2026-11-16T10:00:00-05:00' }),
    ev.lodged({ facilityId: 'rd', bookingId: 'run', occurredAt: '2026-11-17T10:00:00-05:00' }),
    ev.eligible({ facilityId: 'rd', bookingId: 'run', occurredAt: '2026-11-23T15:00:00-05:00' }),
    // closed late: Thursday 5 Nov 15:00 → Monday 9 Nov 15:00, transferred on the 10th
    ev.opened({ facilityId: 'rd', bookingId: 'closed', occurredAt: '2026-11-02T10:00:00-05:00' }),
    ev.lodged({ facilityId: 'rd', bookingId: 'closed', occurredAt: '2026-11-02T11:00:00-05:00' }),
    ev.eligible({ facilityId: 'rd', bookingId: 'closed', occurredAt: '2026-11-05T15:00:00-05:00' }),
    ev.transferred({ facilityId: 'rd', bookingId: 'closed', occurredAt: '2026-11-10T09:00:00-05:00' }),
    // pending
    ev.opened({ facilityId: 'rd', bookingId: 'pend', occurredAt: '2026-11-20T10:00:00-05:00' }),
    ev.lodged({ facilityId: 'rd', bookingId: 'pend', occurredAt: '2026-11-21T10:00:00-05:00' }),
    // a release retracted: running again; Tuesday 24 Nov 08:00: 16 + 24, Thanksgiving, Friday 8 → Friday 08:00
    ev.opened({ facilityId: 'rd', bookingId: 'retr', occurredAt: '2026-11-18T10:00:00-05:00' }),
    ev.lodged({ facilityId: 'rd', bookingId: 'retr', occurredAt: '2026-11-18T11:00:00-05:00' }),
    ev.eligible({ facilityId: 'rd', bookingId: 'retr', occurredAt: '2026-11-24T08:00:00-05:00' }),
    ev.released({ facilityId: 'rd', bookingId: 'retr', occurredAt: '2026-11-24T09:00:00-05:00', eventId: 'retr-released' }),
    { eventId: 'retr-fix', type: 'event.retracted', occurredAt: '2026-11-24T09:30:00-05:00', facilityId: 'rd', bookingId: 'retr', retractsEventId: 'retr-released', reason: 'entered in error' },
  ];
  await t.http.post('/api/events').set('Authorization', ingest).send({ events }).expect(200);
});
afterAll(() => t.close());

const holds = async () => (await t.http.get('/api/holds?facilityId=rd&limit=100').set('Authorization', t.admin).expect(200)).body.items;
const schedule = () => t.ds.query(`SELECT booking_id, level, threshold_hours::float AS hours, deadline_at, fire_at FROM alert_schedule WHERE facility_id = 'rd' ORDER BY booking_id, fire_at`);
const bookings = () => t.ds.query(`SELECT booking_id, release_eligible_at, custody_ended_at, custody_end_kind FROM bookings WHERE facility_id = 'rd' ORDER BY booking_id`);
const fingerprint = async () => (await t.ds.query(`SELECT fingerprint FROM derivations WHERE what = 'holds'`))[0]?.fingerprint ?? null;

/** Leave the rows as code that counted differently (and folded differently) would have. */
async function derivedByOldCode(): Promise<void> {
  await t.ds.query(`UPDATE holds SET deadline_at = deadline_at + interval '1 day' WHERE facility_id = 'rd' AND booking_id = 'run'`);
  await t.ds.query(`UPDATE custody_records SET due_at = due_at + interval '1 day', authorized_until = authorized_until + interval '1 day' WHERE facility_id = 'rd' AND booking_id = 'run'`);
  // ... and raised a warning about that deadline (alerts are per custody record).
  await t.ds.query(`DELETE FROM alerts WHERE facility_id = 'rd'`);
  await t.ds.query(
    `INSERT INTO alerts (id, hold_id, facility_id, booking_id, detainer_id, level, threshold_hours, deadline_at, due_at, raised_at, late, state)
     SELECT gen_random_uuid(), id, facility_id, booking_id, COALESCE(due_detainer_id, ''), 'approaching', 12, due_at, due_at - interval '12 hours', now(), false, 'open'
       FROM custody_records WHERE facility_id = 'rd' AND booking_id = 'run'`,
  );
  await t.ds.query(`UPDATE holds SET compliant = true, overage_ms = 0 WHERE facility_id = 'rd' AND booking_id = 'closed'`);
  await t.ds.query(`UPDATE custody_records SET compliant = true, overage_ms = 0 WHERE facility_id = 'rd' AND booking_id = 'closed'`);
  await t.ds.query(`DELETE FROM holds WHERE facility_id = 'rd' AND booking_id = 'pend'`);
  await t.ds.query(`DELETE FROM custody_records WHERE facility_id = 'rd' AND booking_id = 'pend'`);
  await t.ds.query(`UPDATE bookings SET custody_ended_at = now(), custody_end_kind = 'released' WHERE facility_id = 'rd' AND booking_id = 'retr'`);
  await t.ds.query(`UPDATE holds SET phase = 'closed', ended_at = now(), outcome = 'released', compliant = true, overage_ms = 0 WHERE facility_id = 'rd' AND booking_id = 'retr'`);
  await t.ds.query(`UPDATE custody_records SET phase = 'closed', ended_at = now(), outcome = 'released', compliant = true, overage_ms = 0 WHERE facility_id = 'rd' AND booking_id = 'retr'`);
  await t.ds.query(`DELETE FROM alert_schedule WHERE facility_id = 'rd'`);
  await t.ds.query(`UPDATE derivations SET fingerprint = $1`, [OLD]);
}

describe('deriving stored bookings and holds again when the code that derived them changed', () => {
  it('a start records its fingerprint', async () => {
    expect(derivationFingerprint()).toMatch(/^derivation \d+, tzdata /);
    expect(await fingerprint()).toBe(derivationFingerprint());
  });

  it('derives every booking again from its log, writes only what changed, re-plans alerts, and records the new fingerprint', async () => {
    const before = { holds: await holds(), schedule: await schedule(), bookings: await bookings() };
    expect(before.holds.map((h: { bookingId: string; status: string; deadlineAt: string | null }) => [h.bookingId, h.status, h.deadlineAt])).toEqual([
      ['closed', 'closed', '2026-11-09T20:00:00.000Z'],
      ['run', 'running', '2026-11-25T20:00:00.000Z'],
      ['retr', 'running', '2026-11-27T13:00:00.000Z'],
      ['pend', 'pending', null],
    ]);
    expect(before.schedule.length).toBe(8);

    await derivedByOldCode();
    expect((await holds()).map((h: { bookingId: string }) => h.bookingId)).not.toContain('pend');

    const done = await t.app.get(Rederivation).run(derivationFingerprint());
    expect(done).toEqual({ from: OLD, to: derivationFingerprint(), facilities: 1, bookings: 4, holdsChanged: 4, verdictsChanged: 2 });
    expect(await holds()).toEqual(before.holds);
    expect(await schedule()).toEqual(before.schedule);
    expect(await bookings()).toEqual(before.bookings);
    expect(await fingerprint()).toBe(derivationFingerprint());
    // The warning about the deadline the old code gave is resolved, not left open.
    expect(await t.ds.query(`SELECT booking_id, deadline_at, state, resolution FROM alerts WHERE facility_id = 'rd'`)).toEqual([
      { booking_id: 'run', deadline_at: new Date('2026-11-26T20:00:00.000Z'), state: 'resolved', resolution: 'deadline changed' },
    ]);

    // Each verdict the new judgement changed is listed for admins: 'closed' (tampered compliant) and 'retr' (tampered closed).
    const changes = (await t.http.get('/api/custody/verdict-changes').set('Authorization', t.admin).expect(200)).body.items;
    expect(
      changes
        .map((c: { bookingId: string; cause: string; before: { compliant: boolean }; after: { compliant: boolean | null } }) => [c.bookingId, c.cause, c.before.compliant, c.after.compliant])
        .sort(),
    ).toEqual([
      ['closed', 'upgrade', true, false],
      ['retr', 'upgrade', true, null],
    ]);
    // Derived by this code already: nothing to do.
    expect(await t.app.get(Rederivation).run(derivationFingerprint())).toBeNull();
  });
});

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!realPostgres) console.warn("SKIPPED: restarting on the same database needs a real Postgres (set TEST_DATABASE_URL); the tests' PGlite lives in its app's memory.");

(realPostgres ? describe : describe.skip)('a start on a database derived by other code', () => {
  it('derives it again before it serves', async () => {
    const before = await holds();
    await derivedByOldCode();
    const restarted = await startTestApp({ db: t.db, now: '2026-11-24T14:00:00.000Z' });
    try {
      expect((await restarted.http.get('/api/holds?facilityId=rd&limit=100').set('Authorization', restarted.admin).expect(200)).body.items).toEqual(before);
      expect(await fingerprint()).toBe(derivationFingerprint());
    } finally {
      await restarted.close();
    }
  });

  it('two instances starting at once derive it once: the second waits, then finds it done', async () => {
    const before = await holds();
    await derivedByOldCode();
    const both = await Promise.all([0, 1].map(() => startTestApp({ db: t.db, now: '2026-11-24T14:00:00.000Z' })));
    try {
      const results = await Promise.all(both.map((a) => a.app.get(Rederivation).ensure()));
      expect(results.filter((r) => r !== null)).toEqual([{ from: OLD, to: derivationFingerprint(), facilities: 1, bookings: 4, holdsChanged: 4, verdictsChanged: 2 }]);
      expect(await holds()).toEqual(before);
    } finally {
      for (const a of both) await a.close();
    }
  });
});
