/**
 * The log refers only to facilities that exist (migration StatementChecks): checked once per
 * statement that writes events, and facilities are never removed or renamed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { facilityBody } from './support/factories.js';
import { copyLines, sqlOutcome } from './support/sql.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const realServer = Boolean(process.env.TEST_DATABASE_URL);
if (!realServer) console.warn('SKIPPED: the COPY case needs a real Postgres server (TEST_DATABASE_URL); PGlite has no COPY from a client.');

beforeAll(async () => {
  t = await startTestApp();
  await t.http.put('/api/facilities/kept').set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const outcome = (sql: string) => sqlOutcome(t.ds, sql);

const row = (eventId: string, facilityId: string) => `('${eventId}', '${facilityId}', 'b1', 'booking.released', now(), now(), '{}', 'h')`;
const insert = (...rows: string[]) => `INSERT INTO events (event_id, facility_id, booking_id, type, occurred_at, received_at, body, content_hash) VALUES ${rows.join(', ')}`;
const events = async () => (await t.ds.query(`SELECT event_id FROM events ORDER BY seq`)).map((r: { event_id: string }) => r.event_id);

describe('events name a facility that exists', () => {
  it('an insert naming an unknown facility fails as a foreign key would (23503), and stores none of its rows', async () => {
    expect(await outcome(insert(row('i1', 'kept'), row('i2', 'nowhere'), row('i3', 'kept')))).toBe('23503');
    expect(await events()).toEqual([]);
  });

  it('an insert naming only existing facilities is stored', async () => {
    expect(await outcome(insert(row('i4', 'kept'), row('i5', 'kept')))).toBe('ok');
    expect(await events()).toEqual(['i4', 'i5']);
  });

  (realServer ? it : it.skip)('a COPY naming an unknown facility fails too (the path ingestion takes on a real server)', async () => {
    const copy = (facility: string) =>
      copyLines(t.db.url!, 'COPY events (event_id, facility_id, booking_id, type, occurred_at, received_at, body, content_hash) FROM STDIN', [
        `c1\t${facility}\tb1\tbooking.released\t2026-11-01T00:00:00Z\t2026-11-01T00:00:00Z\t{}\th`,
      ]);
    await expect(copy('nowhere')).rejects.toMatchObject({ code: '23503' });
    await copy('kept');
    expect(await events()).toEqual(['i4', 'i5', 'c1']);
  });
});

describe('facilities are never removed or renamed', () => {
  it.each([
    ['deleted', `DELETE FROM facilities WHERE id = 'kept'`],
    ['given another id', `UPDATE facilities SET id = 'moved' WHERE id = 'kept'`],
    ['truncated', `TRUNCATE facilities CASCADE`],
  ])('a facility cannot be %s (23001)', async (_, sql) => {
    expect(await outcome(sql)).toBe('23001');
    expect((await t.ds.query(`SELECT id FROM facilities`)).map((r: { id: string }) => r.id)).toEqual(['kept']);
  });

  it('a facility can still be changed otherwise', async () => {
    expect(await outcome(`UPDATE facilities SET name = 'Renamed County Jail' WHERE id = 'kept'`)).toBe('ok');
  });
});
