import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ev, facilityBody } from './support/factories.js';
import { waitsForLock } from './support/sql.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!realPostgres) console.warn('SKIPPED: batches at once need a real Postgres (set TEST_DATABASE_URL); PGlite takes one transaction at a time.');

/**
 * Postgres keeps every lock of every open transaction in one shared table, sized for about
 * max_locks_per_transaction (64 by default) times max_connections (100): ~6,400 locks. A batch
 * that took a lock per booking (5,000 bookings: 5,000 locks) ran out of it with three such batches
 * at once ("out of shared memory"). A batch takes one lock per configured facility it names.
 */
(realPostgres ? describe : describe.skip)('batches of 5,000 bookings at once', () => {
  let t: TestApp;
  let facilities: string[];
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
    // Enough jails that a lock per booking would not fit: four on a server with the default settings.
    const [{ slots }] = await t.ds.query(`SELECT current_setting('max_locks_per_transaction')::int * current_setting('max_connections')::int AS slots`);
    facilities = Array.from({ length: Math.min(8, Math.ceil(slots / 5000) + 2) }, (_, i) => `lc-${i}`);
    for (const id of facilities) await t.http.put(`/api/facilities/${id}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
  });
  afterAll(() => t.close());

  it('jails loading 5,000 people each at the same moment are all stored', async () => {
    const batch = (facilityId: string) => ({
      events: Array.from({ length: 5000 }, (_, i) => ev.opened({ facilityId, bookingId: `${facilityId}-b${i}`, occurredAt: '2026-11-01T10:00:00Z', eventId: `${facilityId}-e${i}` })),
    });
    const answers = await Promise.all(facilities.map((id) => t.http.post('/api/events').set('Authorization', t.admin).send(batch(id))));
    expect(answers.map((a) => [a.status, a.body.accepted])).toEqual(facilities.map(() => [200, 5000]));
    expect(Number((await t.ds.query('SELECT count(*) AS n FROM bookings'))[0].n)).toBe(5000 * facilities.length);
  });

  it("a batch still waits for its facility's lock, which a rule change or another batch holds", async () => {
    const other = new pg.Client({ connectionString: t.db.url! });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(2, hashtext('lc-0'))`);
      const sent = t.http
        .post('/api/events')
        .set('Authorization', t.admin)
        .send({ events: [ev.opened({ facilityId: 'lc-0', bookingId: 'waits', occurredAt: '2026-11-01T10:00:00Z' })] })
        .then((r) => r);
      expect(await waitsForLock(other, sent)).toBe('waiting');
      await other.query('COMMIT');
      expect((await sent).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    } finally {
      await other.end();
    }
  });

  it('batches naming thousands of unknown facilities at once take no lock for them: each event refused, none a 500', async () => {
    const batch = (n: number) => ({
      events: Array.from({ length: 5000 }, (_, i) => ev.opened({ facilityId: `nowhere-${n}-${i}`, bookingId: 'b', occurredAt: '2026-11-01T10:00:00Z', eventId: `nowhere-${n}-${i}` })),
    });
    const answers = await Promise.all(facilities.map((_, n) => t.http.post('/api/events').set('Authorization', t.admin).send(batch(n))));
    expect(answers.map((a) => [a.status, a.body.accepted, a.body.rejected?.length, a.body.rejected?.[4999]?.errors[0].field])).toEqual(facilities.map(() => [200, 0, 5000, 'facilityId']));
  });
});
