/**
 * The quarterly review (GET /api/reports/quarterly) over 1,000,000 custody records, over HTTP, real
 * Postgres: half received in 2025-Q1 and half in 2024-Q4 (Chicago calendar), so that the review of
 * 2025-Q1 with the quarter before beside it reads every record.
 */
import { fmt, freshDatabase, headers, quantile, startServer, benchClient } from './support.js';

export async function fillCustody(url: string, total: number): Promise<void> {
  const c = await benchClient(url, 'federal-48-business-hours');
  const step = 200_000;
  for (let from = 0; from < total; from += step) {
    const to = Math.min(total, from + step) - 1;
    // Outcomes, charges, flags, reasons and times varied by the record's number; 1 in 20 with a violation.
    await c.query(
      `INSERT INTO custody_records (id, facility_id, booking_id, person_id, phase, eligible_from, ended_at, outcome, honoured, compliant, overage_ms, unauthorized_ms,
                                    processing_ms, anomaly_count, record, updated_at, first_lodged_at, authorized_ms, review_outcome, charge_level, charge_disposition,
                                    any_conviction, minor_only, victim_or_witness, violation_reasons, review_counts)
       SELECT md5('c' || g)::uuid, 'bench', 'b' || g, 'p' || (g % 700000), CASE WHEN g % 10 = 0 THEN 'open' ELSE 'closed' END, s + interval '1 day',
              CASE WHEN g % 10 = 0 THEN NULL ELSE s + interval '2 days' END, CASE WHEN g % 10 = 0 THEN NULL WHEN g % 3 = 0 THEN 'released' ELSE 'transferred' END,
              g % 3 <> 0, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 20 <> 1 END, CASE WHEN g % 20 = 1 THEN (g % 97) * 60000 ELSE 0 END,
              CASE WHEN g % 20 = 1 THEN (g % 97) * 60000 ELSE 0 END, 0, 0, '{}'::json, now(), s, (g % 172800) * 1000,
              (ARRAY['in_custody','transferred','cancelled','notify_only','released'])[1 + g % 5], (ARRAY['felony','misdemeanor','traffic','infraction','none'])[1 + g % 5],
              (ARRAY['convicted','charged_only'])[1 + g % 2], g % 2 = 0, g % 5 IN (2, 3) AND g % 2 = 1, g % 50 = 0,
              CASE WHEN g % 20 = 1 THEN ARRAY[(ARRAY['no_detainer','not_authorized','limit_reached','cancelled'])[1 + g % 4]] ELSE '{}'::text[] END,
              ARRAY[(g % 100 = 0)::int, 0, (g % 200 = 0)::int, 0]
         FROM generate_series($1::int, $2::int) g,
              LATERAL (SELECT timestamptz '2024-10-01 06:00Z' + ((g::bigint * 7919) % 15638400) * interval '1 second' AS s) x`,
      [from, to],
    );
  }
  await c.query('VACUUM ANALYZE custody_records');
  await c.end();
}

export async function benchQuarterly(total = 1_000_000): Promise<void> {
  const db = await freshDatabase('dm_bench_quarterly');
  const server = await startServer(db.url);
  try {
    const fillStart = performance.now();
    await fillCustody(db.url, total);
    const fillS = (performance.now() - fillStart) / 1000;
    const run = async (path: string, runs: number) => {
      const times: number[] = [];
      let status = 0;
      let body = '';
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const res = await fetch(server.url + path, { headers });
        body = await res.text();
        status = res.status;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return { median: quantile(times, 0.5), max: times[times.length - 1], status, body };
    };
    const one = await run('/api/reports/quarterly?facilityId=bench&quarter=2025-Q1', 5);
    const all = await run('/api/reports/quarterly?quarter=2025-Q1', 5);
    const r = JSON.parse(one.body) as { people: number; previous: { people: number } };
    console.log(`\nQuarterly review over ${fmt(total)} custody records (filled in ${fmt(fillS, 1)} s), over HTTP`);
    console.log(
      `  2025-Q1 with 2024-Q4 beside it, one facility   median ${fmt(one.median, 0).padStart(6)} ms  max ${fmt(one.max, 0)} ms  (HTTP ${one.status}; ${fmt(r.people)} + ${fmt(r.previous.people)} people; target < 2,000 ms)`,
    );
    console.log(`  the same, all facilities                      median ${fmt(all.median, 0).padStart(6)} ms  max ${fmt(all.max, 0)} ms  (HTTP ${all.status})`);
  } finally {
    await server.stop();
    await db.drop();
  }
}
