/** Compliance report for one year over 1,000,000 closed holds; a booking's history. Over HTTP, real Postgres. */
import { fmt, freshDatabase, headers, quantile, startServer, benchClient } from './support.js';

export async function fill(url: string, total: number): Promise<void> {
  const c = await benchClient(url, 'federal-48-business-hours');
  for (let from = 0; from < total; from += 200_000) {
    const to = Math.min(total, from + 200_000) - 1;
    // Bookings with a charge each (levels and dispositions varied); holds closed across 2025, 5% past the deadline.
    await c.query(
      `INSERT INTO bookings (facility_id, booking_id, person_id, booked_at, charges, release_eligible_at, release_reason, custody_ended_at, custody_end_kind, to_agency, updated_at)
       SELECT 'bench', 'b' || g, 'p' || (g % 700000), s - interval '5 days',
              jsonb_build_array(jsonb_build_object('level', (ARRAY['felony','misdemeanor','traffic','infraction','none'])[1 + g % 5],
                                                   'disposition', (ARRAY['pending','convicted','dismissed'])[1 + g % 3])),
              s, 'bail_posted', s + CASE WHEN g % 20 = 0 THEN interval '5 days' ELSE interval '30 hours' END,
              CASE WHEN g % 3 = 0 THEN 'released' ELSE 'transferred' END, CASE WHEN g % 3 = 0 THEN NULL ELSE 'ICE' END, now()
         FROM generate_series($1::int, $2::int) g, LATERAL (SELECT timestamptz '2025-01-01 06:00Z' + ((g::bigint * 7919) % 31536000) * interval '1 second' AS s) x`,
      [from, to],
    );
    await c.query(
      `INSERT INTO holds (id, facility_id, booking_id, detainer_id, person_id, form, warrant, agency, policy, hold_hours, policy_version_id, phase, lodged_at,
                          clock_started_at, deadline_at, ended_at, outcome, compliant, overage_ms, counted_ms, charge_level, convicted, to_agency, updated_at)
       SELECT md5('h' || b.booking_id)::uuid, 'bench', b.booking_id, 'd1', b.person_id, (ARRAY['I-247A','I-247D','I-247N'])[1 + length(b.booking_id) % 3], 'none', 'ICE',
              'federal-48-business-hours', 48, (SELECT max(id) FROM facility_policies WHERE facility_id = 'bench'), 'closed', b.booked_at + interval '1 day', b.release_eligible_at,
              b.release_eligible_at + interval '48 hours', b.custody_ended_at, b.custody_end_kind,
              b.custody_ended_at <= b.release_eligible_at + interval '48 hours',
              GREATEST(0, extract(epoch FROM b.custody_ended_at - b.release_eligible_at - interval '48 hours') * 1000)::bigint,
              LEAST(extract(epoch FROM b.custody_ended_at - b.release_eligible_at), 172800)::bigint * 1000,
              b.charges->0->>'level', b.charges->0->>'disposition' = 'convicted', b.to_agency, now()
         FROM bookings b WHERE b.booking_id = ANY (SELECT 'b' || g FROM generate_series($1::int, $2::int) g)`,
      [from, to],
    );
  }
  await c.query('VACUUM ANALYZE bookings');
  await c.query('VACUUM ANALYZE holds');
  await c.end();
}

async function time(url: string, path: string, runs: number): Promise<{ median: number; p95: number; status: number; bytes: number }> {
  const times: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(url + path, { headers });
    bytes = (await res.arrayBuffer()).byteLength;
    status = res.status;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), status, bytes };
}

export async function benchReports(total = 1_000_000): Promise<void> {
  const db = await freshDatabase('dm_bench_reports');
  const server = await startServer(db.url);
  try {
    const fillStart = performance.now();
    await fill(db.url, total);
    const fillS = (performance.now() - fillStart) / 1000;
    // A booking with a real history, through the API (events, chain, projections).
    const t0 = '2026-03-02T15:00:00Z';
    const events = [
      { type: 'booking.opened', occurredAt: '2026-03-01T10:00:00Z', personId: 'hist-p', charges: [{ level: 'felony', disposition: 'pending' }] },
      { type: 'detainer.lodged', occurredAt: '2026-03-01T12:00:00Z', detainerId: 'd1', form: 'I-247A' },
      { type: 'booking.charges_updated', occurredAt: '2026-03-02T09:00:00Z', charges: [{ level: 'misdemeanor', disposition: 'convicted' }] },
      { type: 'booking.release_eligible', occurredAt: t0, reason: 'bail_posted' },
      { type: 'booking.custody_transferred', occurredAt: '2026-03-04T10:00:00Z' },
    ].map((e, i) => ({ ...e, eventId: `hist-${i}`, facilityId: 'bench', bookingId: 'hist-b' }));
    const ingest = await fetch(`${server.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });
    if (!ingest.ok) throw new Error(`history booking: ${ingest.status} ${await ingest.text()}`);

    const report = await time(server.url, '/api/reports/compliance?facilityId=bench&from=2025-01-01T00:00:00-06:00&to=2026-01-01T00:00:00-06:00', 5);
    const history = await time(server.url, '/api/bookings/hist-b/history', 100);
    const pdf = await time(server.url, '/api/bookings/hist-b/history?format=pdf', 20);
    console.log(`\nReports over ${fmt(total)} closed holds with their bookings (filled in ${fmt(fillS, 1)} s), over HTTP`);
    console.log(`  compliance report, one year, JSON   median ${fmt(report.median, 0).padStart(6)} ms  p95 ${fmt(report.p95, 0)} ms  (HTTP ${report.status}; target < 2,000 ms)`);
    console.log(`  booking history, JSON               median ${fmt(history.median, 1).padStart(6)} ms  p95 ${fmt(history.p95, 1)} ms  (HTTP ${history.status}; target < 50 ms)`);
    console.log(`  booking history, PDF                median ${fmt(pdf.median, 1).padStart(6)} ms  p95 ${fmt(pdf.p95, 1)} ms  (${fmt(pdf.bytes)} bytes)`);
  } finally {
    await server.stop();
    await db.drop();
  }
}
