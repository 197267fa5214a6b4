/**
 * The lookups by a list of keys that every ingested batch makes stay index probes however
 * large the tables are and however stale their statistics: no plan reads a whole table.
 * Written as joins, the planner sorted or hashed the whole table once it held a few thousand
 * rows it had not analysed, so ingestion slowed as the jail's history grew.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RESOLVE_ALERTS_SQL, UNPLAN_SQL } from '../src/alerts/alerts.repository.js';
import { SweepService } from '../src/alerts/sweep.service.js';
import { BOOKING_LOGS_SQL, STORED_EVENTS_SQL } from '../src/events/event-log.repository.js';
import { EVENTS_IN_FORCE_SQL } from '../src/imports/imports.repository.js';
import { DROP_DETAINERS_SQL, DROP_HOLDS_SQL, LOAD_BOOKINGS_SQL, LOAD_DETAINERS_SQL } from '../src/holds/holds.repository.js';
import { multiplyRows } from '../scripts/multiply-rows.js';
import { facilityBody, story } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const COPIES = 5_000;
const KEYS = 1_000;
const BIG = ['events', 'bookings', 'detainers', 'holds', 'alert_schedule', 'alerts'];

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-10-05T12:00:00.000Z' });
  await t.http.put('/api/facilities/f').set('Authorization', t.admin).send(facilityBody()).expect(200);
  // One booking with a running hold (so it has a schedule), then an alert raised for it.
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({ events: story('f', 'b', '2026-10-05T10:00:00Z') })
    .expect(200);
  t.clock.set(Date.parse('2026-10-07T12:00:00.000Z'));
  await t.app.get(SweepService).sweep();
  expect(Number((await t.ds.query('SELECT count(*) AS n FROM alerts'))[0].n)).toBeGreaterThan(0);
  // Many more of each, written straight into the tables and never analysed.
  const multiply = (table: string, changed: Record<string, string>) => multiplyRows((sql, params) => t.ds.query(sql, params), table, COPIES, changed);
  await multiply('events', { seq: 'r.seq + g * 100', event_id: `r.event_id || '-' || g`, booking_id: `'b-' || g`, retracts_event_id: `CASE WHEN g % 50 = 0 THEN 'gone-' || g END` });
  await multiply('bookings', { booking_id: `'b-' || g` });
  await multiply('detainers', { booking_id: `'b-' || g` });
  await multiply('holds', { id: 'gen_random_uuid()', booking_id: `'b-' || g` });
  await multiply('alert_schedule', { hold_id: 'gen_random_uuid()' });
  await multiply('alerts', { id: 'gen_random_uuid()', hold_id: 'gen_random_uuid()' });
});
afterAll(() => t.close());

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const scans = (n: PlanNode): string[] => [...(n['Node Type'] === 'Seq Scan' ? [n['Relation Name']!] : []), ...(n.Plans ?? []).flatMap(scans)];

/** The tables a statement reads whole, from its plan. */
async function wholeTableScans(sql: string, params: unknown[]): Promise<string[]> {
  const [row] = await t.ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
  return scans(plan[0].Plan).filter((r) => BIG.includes(r));
}

const bookings = Array.from({ length: KEYS }, (_, i) => `b-${i * 7 + 1}`);
const facilities = bookings.map(() => 'f');
const holdIds = async () => (await t.ds.query(`SELECT id FROM holds LIMIT ${KEYS}`)).map((r: { id: string }) => r.id);

describe(`with ${COPIES.toLocaleString('en-US')} unanalysed rows in each table, looking up ${KEYS.toLocaleString('en-US')} keys`, () => {
  it('stored events by id and the retractions of bookings', async () => {
    const ids = Array.from({ length: KEYS }, (_, i) => `ev-${i}`);
    expect(await wholeTableScans(STORED_EVENTS_SQL, [ids, facilities, bookings])).toEqual([]);
  });

  it('the events in force an earlier import made of some bookings (npm run import, for corrections)', async () => {
    expect(await wholeTableScans(EVENTS_IN_FORCE_SQL, ['f', bookings, 'ev-'])).toEqual([]);
  });

  it('whole logs of bookings', async () => {
    expect(await wholeTableScans(BOOKING_LOGS_SQL, [facilities, bookings])).toEqual([]);
  });

  it('booking and detainer states', async () => {
    expect(await wholeTableScans(LOAD_BOOKINGS_SQL, [facilities, bookings])).toEqual([]);
    expect(await wholeTableScans(LOAD_DETAINERS_SQL, [facilities, bookings])).toEqual([]);
  });

  it('detainers and holds a refold removes', async () => {
    expect(await wholeTableScans(DROP_DETAINERS_SQL, [facilities, bookings, ['f'], ['b-1'], ['d1']])).toEqual([]);
    expect(await wholeTableScans(DROP_HOLDS_SQL, [facilities, bookings, await holdIds()])).toEqual([]);
  });

  it('the schedule and alerts of holds whose deadline changed', async () => {
    const ids = await holdIds();
    const phases = ids.map(() => 'closed');
    const deadlines = ids.map(() => new Date('2026-10-07T12:00:00Z'));
    expect(await wholeTableScans(UNPLAN_SQL, [ids, phases, deadlines])).toEqual([]);
    expect(await wholeTableScans(RESOLVE_ALERTS_SQL, [ids, phases, deadlines, new Date(), ids.map(() => false)])).toEqual([]);
  });
});
