/**
 * Bookings name a facility that exists, and detainers a booking that exists (migration
 * ProjectionChecks): checked once per statement that writes them, as the foreign keys they
 * replace did row by row, with the same SQLSTATE (23503).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { facilityBody } from './support/factories.js';
import { copyLines, sqlOutcome } from './support/sql.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const realServer = Boolean(process.env.TEST_DATABASE_URL);
if (!realServer) console.warn('SKIPPED: the COPY cases need a real Postgres server (TEST_DATABASE_URL); PGlite has no COPY from a client.');

beforeAll(async () => {
  t = await startTestApp();
  await t.http.put('/api/facilities/kept').set('Authorization', t.admin).send(facilityBody()).expect(200);
  await t.http.put('/api/facilities/other').set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const outcome = (sql: string) => sqlOutcome(t.ds, sql);

const bookingRow = (facilityId: string, bookingId: string) => `('${facilityId}', '${bookingId}', now())`;
const insertBookings = (...rows: string[]) => `INSERT INTO bookings (facility_id, booking_id, updated_at) VALUES ${rows.join(', ')}`;
const detainerRow = (facilityId: string, bookingId: string, detainerId: string) => `('${facilityId}', '${bookingId}', '${detainerId}')`;
const insertDetainers = (...rows: string[]) => `INSERT INTO detainers (facility_id, booking_id, detainer_id) VALUES ${rows.join(', ')}`;
const bookings = async () => (await t.ds.query(`SELECT facility_id || '/' || booking_id AS k FROM bookings ORDER BY 1`)).map((r: { k: string }) => r.k);
const detainers = async () => (await t.ds.query(`SELECT facility_id || '/' || booking_id || '/' || detainer_id AS k FROM detainers ORDER BY 1`)).map((r: { k: string }) => r.k);

const copy = (statement: string, lines: string[]) => copyLines(t.db.url!, statement, lines);

describe('bookings name a facility that exists', () => {
  it('an insert naming an unknown facility fails as a foreign key would (23503), and stores none of its rows', async () => {
    expect(await outcome(insertBookings(bookingRow('kept', 'b0'), bookingRow('nowhere', 'b1')))).toBe('23503');
    expect(await bookings()).toEqual([]);
  });

  it('an insert and an upsert naming existing facilities are stored', async () => {
    expect(await outcome(insertBookings(bookingRow('kept', 'b1'), bookingRow('kept', 'b2'), bookingRow('other', 'b3')))).toBe('ok');
    expect(await outcome(`${insertBookings(bookingRow('kept', 'b1'), bookingRow('kept', 'b4'))} ON CONFLICT (facility_id, booking_id) DO UPDATE SET person_id = 'p'`)).toBe('ok');
    expect(await bookings()).toEqual(['kept/b1', 'kept/b2', 'kept/b4', 'other/b3']);
  });

  it('an update to an unknown facility fails (23503); to a known one it is kept', async () => {
    expect(await outcome(`UPDATE bookings SET facility_id = 'nowhere' WHERE booking_id = 'b2'`)).toBe('23503');
    expect(await outcome(`UPDATE bookings SET facility_id = 'other' WHERE booking_id = 'b2'`)).toBe('ok');
    expect(await bookings()).toEqual(['kept/b1', 'kept/b4', 'other/b2', 'other/b3']);
  });

  (realServer ? it : it.skip)('a COPY naming an unknown facility fails too (the path ingestion takes for new bookings)', async () => {
    const statement = 'COPY bookings (facility_id, booking_id, updated_at) FROM STDIN';
    await expect(copy(statement, ['kept\tc1\t2026-11-01T00:00:00Z', 'nowhere\tc2\t2026-11-01T00:00:00Z'])).rejects.toMatchObject({ code: '23503' });
    await copy(statement, ['kept\tc1\t2026-11-01T00:00:00Z']);
    expect(await bookings()).toEqual(['kept/b1', 'kept/b4', 'kept/c1', 'other/b2', 'other/b3']);
  });
});

describe('detainers name a booking that exists', () => {
  it('an insert naming a booking that does not exist fails (23503), and stores none of its rows', async () => {
    // b3 exists, but in the other facility: the booking is named by both.
    expect(await outcome(insertDetainers(detainerRow('kept', 'b1', 'd1'), detainerRow('kept', 'b3', 'd1')))).toBe('23503');
    expect(await detainers()).toEqual([]);
  });

  it('an insert and an upsert naming existing bookings are stored', async () => {
    expect(await outcome(insertDetainers(detainerRow('kept', 'b1', 'd1'), detainerRow('other', 'b3', 'd1')))).toBe('ok');
    expect(await outcome(`${insertDetainers(detainerRow('kept', 'b1', 'd1'), detainerRow('kept', 'b1', 'd2'))} ON CONFLICT (facility_id, booking_id, detainer_id) DO UPDATE SET form = 'I-247A'`)).toBe(
      'ok',
    );
    expect(await detainers()).toEqual(['kept/b1/d1', 'kept/b1/d2', 'other/b3/d1']);
  });

  it('an update to a booking that does not exist fails (23503)', async () => {
    expect(await outcome(`UPDATE detainers SET booking_id = 'b9' WHERE detainer_id = 'd2'`)).toBe('23503');
    expect(await outcome(`UPDATE detainers SET booking_id = 'b4' WHERE detainer_id = 'd2'`)).toBe('ok');
    expect(await detainers()).toEqual(['kept/b1/d1', 'kept/b4/d2', 'other/b3/d1']);
  });

  (realServer ? it : it.skip)('a COPY naming a booking that does not exist fails too', async () => {
    const statement = 'COPY detainers (facility_id, booking_id, detainer_id) FROM STDIN';
    await expect(copy(statement, ['kept\tc1\td1', 'kept\tnone\td1'])).rejects.toMatchObject({ code: '23503' });
    await copy(statement, ['kept\tc1\td1']);
    expect(await detainers()).toEqual(['kept/b1/d1', 'kept/b4/d2', 'kept/c1/d1', 'other/b3/d1']);
  });
});

describe('a booking that detainers name stays', () => {
  it.each([
    ['deleted', `DELETE FROM bookings WHERE facility_id = 'kept' AND booking_id = 'b1'`],
    ['given another booking id', `UPDATE bookings SET booking_id = 'b1-moved' WHERE facility_id = 'kept' AND booking_id = 'b1'`],
    ['given another facility', `UPDATE bookings SET facility_id = 'other' WHERE facility_id = 'kept' AND booking_id = 'b1'`],
    ['truncated', `TRUNCATE bookings`],
  ])('a booking with detainers cannot be %s (23503)', async (_, sql) => {
    const before = await bookings();
    expect(await outcome(sql)).toBe('23503');
    expect(await bookings()).toEqual(before);
  });

  it('a booking without detainers can be deleted or given another key, and any booking changed otherwise', async () => {
    expect(await outcome(`INSERT INTO bookings (facility_id, booking_id, updated_at) VALUES ('kept', 'lone', now())`)).toBe('ok');
    expect(await outcome(`UPDATE bookings SET booking_id = 'lone-moved' WHERE booking_id = 'lone'`)).toBe('ok');
    expect(await outcome(`DELETE FROM bookings WHERE booking_id = 'lone-moved'`)).toBe('ok');
    expect(await outcome(`UPDATE bookings SET person_id = 'p2' WHERE facility_id = 'kept' AND booking_id = 'b1'`)).toBe('ok');
    expect(await bookings()).not.toContain('kept/lone-moved');
  });
});
