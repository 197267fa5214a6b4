/** Sweep time with 10k, 100k and 1M running holds of which 1% are due: it should stay flat. */
import 'reflect-metadata';
import { SweepService, type SweepResult } from '../src/alerts/sweep.service.js';
import { AppConfig } from '../src/app-config.js';
import { createApp } from '../src/app.js';
import { FixedClock } from '../src/common/clock.js';
import { fmt, freshDatabase, benchClient } from './support.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

/**
 * `layout`: 'scattered' writes the schedule in hold order, so each due row sits on its own heap
 * page (the worst case); 'by-start' writes it in the order the holds started, as a running system
 * does (a hold's alert rows are planned when its clock starts), so rows due together sit together.
 */
export async function fill(url: string, total: number, layout: 'scattered' | 'by-start' = 'scattered'): Promise<void> {
  const c = await benchClient(url, 'calendar-48-hours');
  for (let from = 0; from < total; from += 200_000) {
    const to = Math.min(total, from + 200_000) - 1;
    // Every hold running; 1 in 100 has its deadline 59 minutes away (its 1-hour warning is due, the 12- and 4-hour ones
    // fired earlier), the rest 2 to 30 days away.
    await c.query(
      `INSERT INTO holds (id, facility_id, booking_id, detainer_id, person_id, form, agency, policy, hold_hours, policy_version_id, phase, lodged_at,
                          clock_started_at, deadline_at, updated_at)
       SELECT md5('h' || g)::uuid, 'bench', 'b' || g, 'd1', 'p' || g, 'I-247A', 'ICE', 'calendar-48-hours', 48, (SELECT max(id) FROM facility_policies WHERE facility_id = 'bench'), 'open',
              $3::timestamptz - interval '3 days', d - interval '48 hours', d, $3
         FROM generate_series($1::int, $2::int) g,
              LATERAL (SELECT CASE WHEN g % 100 = 0 THEN $3::timestamptz + interval '59 minutes'
                                   ELSE $3::timestamptz + interval '2 days' + ((g::bigint * 7919) % 2419200) * interval '1 second' END AS d) x`,
      [from, to, new Date(NOW)],
    );
    await c.query(
      `INSERT INTO alert_schedule (hold_id, facility_id, booking_id, detainer_id, level, threshold_hours, deadline_at, fire_at, planned_at)
       SELECT h.id, 'bench', h.booking_id, h.detainer_id, l.level, l.hours, h.deadline_at, h.deadline_at - l.hours * interval '1 hour' + l.extra, $3
         FROM holds h CROSS JOIN (VALUES ('approaching', 12, interval '0'), ('approaching', 4, interval '0'), ('approaching', 1, interval '0'),
                                         ('overdue', 0, interval '1 millisecond')) AS l(level, hours, extra)
        WHERE h.booking_id = ANY (SELECT 'b' || g FROM generate_series($1::int, $2::int) g)
          -- the 12- and 4-hour warnings of the due holds fired earlier (the sweep deletes what it fires)
          AND h.deadline_at - l.hours * interval '1 hour' >= $4::timestamptz - interval '1 minute'
        ${layout === 'by-start' ? 'ORDER BY h.clock_started_at, h.id' : ''}`,
      [from, to, new Date(NOW - 3 * 86_400_000), new Date(NOW)],
    );
  }
  // Settle after the bulk load (hint bits, visibility map, dirty buffers), as a running system would be.
  await c.query('VACUUM ANALYZE holds');
  await c.query('VACUUM ANALYZE alert_schedule');
  await c.query('CHECKPOINT').catch(() => undefined);
  await c.end();
}

/** A fresh database with `total` holds, filled in `layout`, and an app on it with a fixed clock. */
async function withSweepApp<T>(total: number, layout: 'scattered' | 'by-start', run: (sweep: SweepService, clock: FixedClock, fillS: number) => Promise<T>): Promise<T> {
  const db = await freshDatabase('dm_bench_sweep');
  const clock = new FixedClock(NOW);
  const app = await createApp(new AppConfig({ databaseUrl: db.url, sweepIntervalMs: 0, deliveryIntervalMs: 0, bootstrapAdminKey: 'dm_bench_sweep_key_0000000000000000' }), { clock, logger: false });
  await app.init();
  try {
    const fillStart = performance.now();
    await fill(db.url, total, layout);
    return await run(app.get(SweepService), clock, (performance.now() - fillStart) / 1000);
  } finally {
    await app.close();
    await db.drop();
  }
}

/**
 * One app as it runs: it has swept every minute (the sweeps before the burst find nothing due,
 * and warm the connection and the statement), then 1% of the holds reach their 1-hour warning at
 * once. Measured: the sweep that raises that burst, and the idle sweep a minute later.
 */
async function burst(total: number, layout: 'scattered' | 'by-start'): Promise<{ due: SweepResult; idle: SweepResult; fillS: number }> {
  return withSweepApp(total, layout, async (sweep, clock, fillS) => {
    for (const minutesBefore of [4, 3, 2]) {
      clock.set(NOW - minutesBefore * 60_000); // the due rows fire at NOW - 1 minute
      const quiet = await sweep.sweep();
      if (quiet.raised !== 0) throw new Error(`a sweep before the burst raised ${quiet.raised} alerts`);
    }
    clock.set(NOW);
    const due = await sweep.sweep();
    if (due.raised !== total / 100) throw new Error(`the burst raised ${due.raised} alerts, not ${total / 100}`);
    clock.advance(60_000);
    return { due, idle: await sweep.sweep(), fillS };
  });
}

export async function benchSweep(sizes = (process.env.SWEEP_SIZES ?? '10000,100000,1000000').split(',').map(Number)): Promise<void> {
  console.log('\nAlert sweep (SweepService.sweep, in-process, real Postgres): running holds of which 1% reach an alert threshold at once');
  const layouts = [
    ['by-start', 'schedule in start order, as a running system writes it'],
    ['scattered', 'worst case: each due row on its own heap page'],
  ] as const;
  for (const [layout, what] of layouts) {
    console.log(`  ${what}:`);
    const perAlert: string[] = [];
    for (const total of sizes) {
      const { due, idle, fillS } = await burst(total, layout);
      perAlert.push(fmt((due.ms / due.raised) * 1000, 1) + ' µs');
      console.log(
        `  ${fmt(total).padStart(11)} holds: sweep raising ${fmt(due.raised).padStart(6)} alerts ${fmt(due.ms, 1).padStart(7)} ms;` +
          ` next sweep (nothing due) ${fmt(idle.ms, 1).padStart(5)} ms   (filled in ${fmt(fillS, 1)} s)`,
      );
    }
    console.log(`    per alert raised: ${perAlert.join(', ')}   (target: flat; < 100 ms per sweep at 1,000,000)`);
  }
}
