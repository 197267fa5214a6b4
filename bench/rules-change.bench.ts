/**
 * A change of a facility's rules judges every custody record of the facility again, in the PUT's
 * own transaction, while the facility's batches wait (README, Facilities): timed on a facility of
 * `bookings` bookings (~5 events each), for each build given (BENCH_BASELINE: before and after).
 */
import { performance } from 'node:perf_hooks';
import { makeEvents } from './ingest.bench.js';
import { cpuSnapshot, fmt, freshDatabase, headers, startServer, THIS_BUILD, type Build } from './support.js';

const FACILITY = { name: 'bench', timeZone: 'America/Chicago' };

export async function benchRulesChange(bookings = 100_000, build: Build = THIS_BUILD): Promise<Record<string, number>> {
  const db = await freshDatabase('dm_bench_rules');
  const server = await startServer(db.url, build);
  try {
    const put = async (policy: string) => {
      const res = await fetch(`${server.url}/api/facilities/bench-0`, { method: 'PUT', headers, body: JSON.stringify({ ...FACILITY, policy }) });
      if (!res.ok) throw new Error(`PUT refused: ${res.status} ${await res.text()}`);
    };
    await put('federal-48-business-hours');
    const events = makeEvents(bookings).flat();
    for (let i = 0; i < events.length; i += 5000) {
      const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events: events.slice(i, i + 5000) }) });
      if (!res.ok) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
    }
    // Two changes (and back), each judging every booking again; the median of the two.
    const times: number[] = [];
    const cpu: string[] = [];
    for (const policy of ['calendar-48-hours', 'federal-48-business-hours']) {
      const before = cpuSnapshot(server.child.pid!);
      const t0 = performance.now();
      await put(policy);
      times.push((performance.now() - t0) / 1000);
      const after = cpuSnapshot(server.child.pid!);
      if (before && after) cpu.push(`server ${fmt(after.server - before.server, 1)} s, Postgres ${fmt(after.postgres - before.postgres, 1)} s`);
    }
    const seconds = [...times].sort((a, b) => a - b)[0];
    console.log(`\nA change of rules judging a facility again (${fmt(bookings)} bookings, ${fmt(events.length)} events): ${build.label}`);
    console.log(
      `  PUT /api/facilities/:id        ${fmt(seconds, 1).padStart(6)} s   (the faster of two changes: ${times.map((s) => fmt(s, 1)).join(' s, ')} s; ${fmt(bookings / seconds)} bookings/s)`,
    );
    if (cpu.length === 2) console.log(`  CPU per change          ${cpu.join(' / ')}   (in order, from /proc; Postgres counts all its processes, the alert sweep's work too)`);
    return { bookings, seconds };
  } finally {
    await server.stop();
    await db.drop();
  }
}
