/** Sweep time with 10k, 100k and 1M running holds of which 1% are due: it should stay flat. */
import 'reflect-metadata';
import pg from 'pg';
import { SweepService } from '../src/alerts/sweep.service.js';
import { AppConfig } from '../src/app-config.js';
import { createApp } from '../src/app.js';
import { FixedClock } from '../src/common/clock.js';
import { fmt, freshDatabase, insertBenchFacility } from './support.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

export async function fill(url: string, total: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  await insertBenchFacility(c, 'calendar-48-hours');
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
          AND h.deadline_at - l.hours * interval '1 hour' >= $4::timestamptz - interval '1 minute'`,
      [from, to, new Date(NOW - 3 * 86_400_000), new Date(NOW)],
    );
  }
  // Settle after the bulk load (hint bits, visibility map, dirty buffers), as a running system would be.
  await c.query('VACUUM ANALYZE holds');
  await c.query('VACUUM ANALYZE alert_schedule');
  await c.query('CHECKPOINT').catch(() => undefined);
  await c.end();
}

export async function benchSweep(sizes = [10_000, 100_000, 1_000_000]): Promise<void> {
  console.log('\nAlert sweep (SweepService.sweep, in-process, real Postgres), running holds of which 1% have an alert due');
  const first: number[] = [];
  for (const total of sizes) {
    const db = await freshDatabase('dm_bench_sweep');
    const clock = new FixedClock(NOW);
    const app = await createApp(new AppConfig({ databaseUrl: db.url, sweepIntervalMs: 0, deliveryIntervalMs: 0, bootstrapAdminKey: 'dm_bench_sweep_key_0000000000000000' }), { clock, logger: false });
    await app.init();
    try {
      const fillStart = performance.now();
      await fill(db.url, total);
      const fillS = (performance.now() - fillStart) / 1000;
      const sweep = app.get(SweepService);
      const due = await sweep.sweep();
      clock.advance(60_000);
      const idle = await sweep.sweep();
      first.push(due.ms);
      console.log(
        `  ${fmt(total).padStart(9)} holds: sweep raising ${fmt(due.raised).padStart(6)} alerts ${fmt(due.ms, 1).padStart(7)} ms;` +
          ` next sweep (nothing due) ${fmt(idle.ms, 1).padStart(5)} ms   (filled in ${fmt(fillS, 1)} s)`,
      );
    } finally {
      await app.close();
      await db.drop();
    }
  }
  console.log(`  per alert raised: ${first.map((ms, i) => fmt((ms / (sizes[i] / 100)) * 1000, 0) + ' µs').join(', ')}   (target: flat; < 100 ms per sweep at 1,000,000)`);
}
