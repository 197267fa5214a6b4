/** GET /api/holds?status=running&deadlineBefore=... over 1,000,000 stored holds. */
import { fmt, freshDatabase, headers, quantile, startServer, benchClient } from './support.js';

export async function fillHolds(url: string, total: number, openShare: number): Promise<void> {
  const c = await benchClient(url, 'calendar-48-hours');
  // Deadlines spread over the 30 days around now; `openShare` of the holds still in custody.
  for (let from = 0; from < total; from += 200_000) {
    await c.query(
      `INSERT INTO holds (id, facility_id, booking_id, detainer_id, person_id, form, agency, policy, hold_hours, policy_version_id, phase, lodged_at,
                          clock_started_at, deadline_at, ended_at, outcome, compliant, overage_ms, updated_at)
       SELECT md5('h' || g)::uuid, 'bench', 'b' || g, 'd1', 'p' || g, 'I-247A', 'ICE', 'calendar-48-hours', 48, (SELECT max(id) FROM facility_policies WHERE facility_id = 'bench'),
              CASE WHEN (g % 1000) < $3 THEN 'open' ELSE 'closed' END,
              now() - interval '20 days', d - interval '48 hours', d,
              CASE WHEN (g % 1000) < $3 THEN NULL ELSE d END,
              CASE WHEN (g % 1000) < $3 THEN NULL ELSE 'transferred' END,
              CASE WHEN (g % 1000) < $3 THEN NULL ELSE true END,
              CASE WHEN (g % 1000) < $3 THEN NULL ELSE 0 END, now()
         FROM generate_series($1::int, $2::int) g, LATERAL (SELECT now() + ((g::bigint * 7919) % 2592000 - 1296000) * interval '1 second' AS d) x`,
      [from, Math.min(total, from + 200_000) - 1, Math.round(openShare * 1000)],
    );
  }
  await c.query('ANALYZE holds');
  await c.end();
}

export async function benchHoldsQuery(total = 1_000_000): Promise<Record<string, number>> {
  const db = await freshDatabase('dm_bench_query');
  const server = await startServer(db.url);
  try {
    const fillStart = performance.now();
    await fillHolds(db.url, total, 0.1);
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const before = new Date(Date.now() + 6 * 3_600_000).toISOString();
    const path = `/api/holds?status=running&deadlineBefore=${encodeURIComponent(before)}&limit=100`;
    for (let i = 0; i < 20; i++) await fetch(server.url + path, { headers });
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const res = await fetch(server.url + path, { headers });
      items = ((await res.json()) as { items: unknown[] }).items.length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const c = await benchClient(db.url);
    const plan = (await c.query(`EXPLAIN SELECT * FROM holds WHERE phase = 'open' AND due_at >= now() AND due_at < $1 ORDER BY due_at, id LIMIT 101`, [before])).rows
      .map((r) => r['QUERY PLAN'])
      .join(' | ');
    await c.end();
    console.log(`\nDue holds: GET ${path.replace(/deadlineBefore=[^&]+/, 'deadlineBefore=<now+6h>')}`);
    console.log(`  over ${fmt(total)} holds (${fmt(total * 0.1)} in custody; filled in ${fmt(fillSeconds, 1)} s), ${items} items a page, 200 requests over HTTP`);
    console.log(`  median ${fmt(quantile(times, 0.5), 2)} ms   p95 ${fmt(quantile(times, 0.95), 2)} ms   max ${fmt(times[times.length - 1], 2)} ms   (target < 50 ms)`);
    console.log(`  plan: ${plan.slice(0, 160)}`);
    return { median: quantile(times, 0.5), p95: quantile(times, 0.95) };
  } finally {
    await server.stop();
    await db.drop();
  }
}
