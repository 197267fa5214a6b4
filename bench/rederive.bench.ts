/**
 * A start on a database whose bookings and holds were derived by other code (src/holds/derivation.ts):
 * every booking is derived again from its log before the server answers. Timed next to a start
 * with nothing to derive, on the same database.
 */
import { performance } from 'node:perf_hooks';
import { derivationFingerprint } from '../src/holds/derivation.js';
import { makeEvents } from './ingest.bench.js';
import { benchClient, fmt, freshDatabase, headers, startServer } from './support.js';

export async function benchRederive(bookings = 100_000): Promise<Record<string, number>> {
  const db = await freshDatabase('dm_bench_rederive');
  // Null while stopped: stopping a stopped server would wait for an exit that never comes.
  let server: Awaited<ReturnType<typeof startServer>> | null = await startServer(db.url);
  const client = await benchClient(db.url);
  try {
    await fetch(`${server.url}/api/facilities/bench-0`, { method: 'PUT', headers, body: JSON.stringify({ name: 'bench', timeZone: 'America/Chicago', policy: 'federal-48-business-hours' }) });
    const events = makeEvents(bookings).flat();
    for (let i = 0; i < events.length; i += 5000) {
      const res = await fetch(`${server.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events: events.slice(i, i + 5000) }) });
      if (!res.ok) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
    }
    await server.stop();
    server = null;
    await client.query('VACUUM ANALYZE');

    const timedStart = async () => {
      const t0 = performance.now();
      server = await startServer(db.url);
      const seconds = (performance.now() - t0) / 1000;
      await server.stop();
      server = null;
      return seconds;
    };
    const plain = await timedStart();
    await client.query(`UPDATE derivations SET fingerprint = 'derivation 0, tzdata bench'`);
    const rederiving = await timedStart();
    const [{ fingerprint }] = (await client.query(`SELECT fingerprint FROM derivations`)).rows;
    if (fingerprint !== derivationFingerprint()) throw new Error(`the start did not record its fingerprint: ${fingerprint}`);
    const [{ holds }] = (await client.query('SELECT count(*)::int AS holds FROM holds')).rows;

    console.log(`\nStart on a database derived by other code (${fmt(bookings)} bookings, ${fmt(events.length)} events, ${fmt(holds)} holds; every booking derived again from its log)`);
    console.log(`  start, nothing to derive      ${fmt(plain, 1).padStart(6)} s`);
    console.log(`  start, deriving again         ${fmt(rederiving, 1).padStart(6)} s   (${fmt(bookings / Math.max(0.001, rederiving - plain))} bookings/s beyond the plain start)`);
    return { bookings, events: events.length, plain, rederiving };
  } finally {
    await client.end();
    await server?.stop();
    await db.drop();
  }
}
