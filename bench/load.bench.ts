/**
 * Sustained mixed load over loopback with autocannon, on 1,000,000 stored holds: board reads
 * (GET /api/holds) at a fixed 200 requests/s while a JMS posts batches of 500 events.
 */
import autocannon from 'autocannon';
import { fillHolds } from './holds-query.bench.js';
import { fmt, freshDatabase, headers, startServer } from './support.js';

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)));
  });
}

export async function benchLoad(total = 1_000_000, seconds = 60): Promise<void> {
  const db = await freshDatabase('dm_bench_load');
  const server = await startServer(db.url);
  try {
    await fillHolds(db.url, total, 0.1);
    let batch = 0;
    const before = new Date(Date.now() + 6 * 3_600_000).toISOString();
    const [reads, writes] = await Promise.all([
      run({
        url: `${server.url}/api/holds?status=running&deadlineBefore=${encodeURIComponent(before)}&limit=100`,
        headers,
        connections: 10,
        overallRate: 200,
        duration: seconds,
      }),
      run({
        url: `${server.url}/api/events`,
        method: 'POST',
        headers,
        connections: 1,
        overallRate: 4,
        duration: seconds,
        requests: [
          {
            setupRequest: (req) => {
              const n = batch++;
              const events = Array.from({ length: 100 }, (_, i) => {
                const b = `load-${n}-${i}`;
                const at = (h: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + (n * 100 + i) * 1000 + h * 3_600_000).toISOString();
                return [
                  { eventId: `${b}-o`, type: 'booking.opened', occurredAt: at(0), facilityId: 'bench', bookingId: b, personId: `p-${b}` },
                  { eventId: `${b}-l`, type: 'detainer.lodged', occurredAt: at(1), facilityId: 'bench', bookingId: b, detainerId: 'd1', form: 'I-247A' },
                  { eventId: `${b}-e`, type: 'booking.release_eligible', occurredAt: at(30), facilityId: 'bench', bookingId: b },
                  { eventId: `${b}-t`, type: 'booking.custody_transferred', occurredAt: at(60), facilityId: 'bench', bookingId: b },
                  { eventId: `${b}-c`, type: 'booking.charges_updated', occurredAt: at(5), facilityId: 'bench', bookingId: b, charges: [{ level: 'felony' }] },
                ];
              }).flat();
              return { ...req, body: JSON.stringify({ events }) };
            },
          },
        ],
      }),
    ]);
    const errors = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
    console.log(`\nSustained mixed load for ${seconds} s over ${fmt(total)} holds (autocannon, loopback)`);
    console.log(
      `  GET /api/holds (board reads)   ${fmt(reads.requests.average, 0).padStart(5)} req/s   p50 ${reads.latency.p50} ms   p99 ${reads.latency.p99} ms   max ${reads.latency.max} ms   errors ${errors(reads)}   (target: p99 < 100 ms at 200 req/s, no errors)`,
    );
    console.log(
      `  POST /api/events (500 events)  ${fmt(writes.requests.average, 1).padStart(5)} req/s   p50 ${writes.latency.p50} ms   p99 ${writes.latency.p99} ms   errors ${errors(writes)}   (${fmt(writes.requests.total * 500)} events)`,
    );
  } finally {
    await server.stop();
    await db.drop();
  }
}
