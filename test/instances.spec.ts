import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SweepService } from '../src/alerts/sweep.service.js';
import type { HoldRules } from '../src/clock/hold-clock.js';
import { ev, facilityBody } from './support/factories.js';
import { holdsNotMatchingLog, viaDataSource } from './support/refold-check.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!realPostgres) console.warn('SKIPPED: several instances need a real Postgres (set TEST_DATABASE_URL); PGlite serves one process.');

(realPostgres ? describe : describe.skip)('three instances on one database under mixed load', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 3; i++) apps.push(await startTestApp({ db, now: '2026-11-24T12:00:00.000Z' }));
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await db?.drop();
  });

  it('loses no event and no hold update, and raises no alert twice', async () => {
    const [a] = apps;
    await a.http
      .put('/api/facilities/multi')
      .set('Authorization', a.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
    // 300 bookings; each booking's events are sent through different instances at the same time, in any order.
    const perInstance: object[][] = [[], [], []];
    for (let i = 0; i < 300; i++) {
      const b = `m${i}`;
      const start = Date.parse('2026-11-16T14:00:00Z') + i * 600_000;
      const at = (h: number) => new Date(start + h * 3_600_000).toISOString();
      const events = [
        ev.opened({ facilityId: 'multi', bookingId: b, occurredAt: at(-48), eventId: `${b}-o` }),
        ev.lodged({ facilityId: 'multi', bookingId: b, occurredAt: at(-24), eventId: `${b}-l` }),
        ev.eligible({ facilityId: 'multi', bookingId: b, occurredAt: at(0), eventId: `${b}-e` }),
        ...(i % 3 === 0 ? [ev.released({ facilityId: 'multi', bookingId: b, occurredAt: at(100), eventId: `${b}-r` })] : []),
        ...(i % 7 === 0 ? [ev.cancelled({ facilityId: 'multi', bookingId: b, occurredAt: at(10), eventId: `${b}-c` })] : []),
      ];
      events.forEach((e, k) => perInstance[(i + k) % 3].push(e));
    }
    let stop = false;
    const readers = apps.map(async (app) => {
      let reads = 0;
      while (!stop) {
        await app.http.get('/api/holds?facilityId=multi&status=overdue&limit=50').set('Authorization', app.admin).expect(200);
        reads++;
      }
      return reads;
    });
    const sweepers = apps.map(async (app) => {
      while (!stop) await app.app.get(SweepService).sweep();
    });
    // Each instance posts its events in small batches, last first, so bookings are built out of order.
    await Promise.all(
      apps.map(async (app, n) => {
        const mine = [...perInstance[n]].reverse();
        for (let k = 0; k < mine.length; k += 25) {
          const res = await app.http
            .post('/api/events')
            .set('Authorization', app.admin)
            .send({ events: mine.slice(k, k + 25) })
            .expect(200);
          expect(res.body.rejected).toEqual([]);
        }
      }),
    );
    stop = true;
    const reads = await Promise.all(readers);
    await Promise.all(sweepers);
    await Promise.all(apps.map((app) => app.app.get(SweepService).sweep()));

    const total = perInstance.flat().length;
    const [{ n, distinct }] = await a.ds.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM events WHERE facility_id = 'multi'`);
    expect([n, distinct]).toEqual([total, total]);
    const rules: HoldRules = { timeZone: 'America/Chicago', policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false };
    expect(await holdsNotMatchingLog(viaDataSource(a.ds), 'multi', rules)).toEqual({ bookings: 300, wrong: [] });
    // Every custody still going on past its authority has exactly one live overdue alert, for the
    // instant its authority ended; every other open overdue alert is about a custody that ended while
    // it waited to be acknowledged (it stays open until then). One live alert per custody record.
    const [{ overdue_holds }] = await a.ds.query(`SELECT count(*)::int AS overdue_holds FROM custody_records WHERE facility_id = 'multi' AND phase = 'open' AND due_at < '2026-11-24T12:00:00Z'`);
    const [{ open_alerts, matching, ended }] = await a.ds.query(
      `SELECT count(*)::int AS open_alerts, count(c.id) FILTER (WHERE c.phase = 'open' AND c.due_at = a.deadline_at)::int AS matching,
              count(c.id) FILTER (WHERE c.phase = 'closed')::int AS ended FROM alerts a
         LEFT JOIN custody_records c ON c.id = a.hold_id
        WHERE a.facility_id = 'multi' AND a.level = 'overdue' AND a.state = 'open'`,
    );
    expect(overdue_holds).toBeGreaterThan(100);
    expect([matching, open_alerts - matching - ended]).toEqual([overdue_holds, 0]);
    const [{ dupes }] = await a.ds.query(`SELECT count(*)::int AS dupes FROM (SELECT 1 FROM alerts WHERE state <> 'resolved' GROUP BY hold_id HAVING count(*) > 1) d`);
    expect(dupes).toBe(0);
    const [{ twice }] = await a.ds.query(`SELECT count(*)::int AS twice FROM (SELECT 1 FROM alerts GROUP BY hold_id, level, threshold_hours, deadline_at, raised_at HAVING count(*) > 1) d`);
    expect(twice).toBe(0);
    expect(reads.reduce((x, y) => x + y, 0)).toBeGreaterThan(3);
  }, 300_000);
});
