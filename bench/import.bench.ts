/**
 * A CSV export imported with `npm run import` (the CLI as its own process, through the API) against
 * posting the same events directly (POST /api/events, batches of 5,000 read from a file), each into
 * a fresh database, side by side, with the importer's and the server's peak memory (VmHWM).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseMapping } from '../src/imports/mapping.js';
import { runImport } from '../src/imports/runner.js';
import { ADMIN, fmt, freshDatabase, headers, startServer } from './support.js';

const HEADER =
  'booking_number,person_id,last_name,first_name,date_of_birth,booked_at,top_charge,top_charge_class,detainer_received_at,detainer_form,detainer_agency,detainer_cancelled_at,release_eligible_at,release_reason,released_at,released_to\n';
const CLASSES = ['Felony', 'Misdemeanor', 'Gross misdemeanor', 'Traffic'];
const REASONS = ['Bail posted', 'Charges dismissed', 'Time served', 'Court order'];

/**
 * Node's flags for the importer, as package.json's `import` script runs it (its heap bounded):
 * those of the `node` that runs dist/scripts/import.js (the script first runs the build check,
 * `node scripts/build-if-stale.mjs && node --max-old-space-size=192 dist/scripts/import.js`).
 */
export const importNodeArgs = (script: string): string[] => (/node ((?:--\S+ )*)dist\/scripts\/import\.js/.exec(script)?.[1] ?? '').split(' ').filter(Boolean);
const IMPORT_NODE_ARGS = importNodeArgs(JSON.parse(readFileSync('package.json', 'utf8')).scripts.import);

/** `yyyy-MM-dd HH:mm:ss` of a wall-clock time (written as UTC fields: the mapping reads them in the jail's zone). */
const local = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * One row per booking (mappings/booking-per-row.yaml), every row importable: booked between 10:00
 * and 18:19 local (never in a DST gap), 500 bookings a day from 2019-01-01, so all in the past;
 * a detainer on each, 1 in 20 cancelled; eligible 3 days on; 2 in 3 gone 4 days on, half to ICE.
 */
export async function writeCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  const day0 = Date.parse('2019-01-01T10:00:00Z');
  const H = 3_600_000;
  let chunk = HEADER;
  for (let i = 0; i < rows; i++) {
    const booked = day0 + Math.floor(i / 500) * 24 * H + (i % 500) * 60_000;
    const gone = i % 3 !== 0;
    chunk +=
      `B${i},P${i % 400_000},Name${i},First${i % 97},1980-0${1 + (i % 9)}-1${i % 10},${local(booked)},CHARGE ${i % 50},${CLASSES[i % 4]},` +
      `${local(booked + 2 * H)},I-247A,ICE,${i % 20 === 0 ? local(booked + 50 * H) : ''},${local(booked + 72 * H)},${REASONS[i % 4]},` +
      `${gone ? local(booked + 96 * H) : ''},${gone && i % 2 ? 'ICE' : ''}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return statSync(path).size;
}

/** The request bodies the import would send, one a line: what a client that has the events posts. */
async function writeBodies(csv: string, path: string): Promise<number> {
  const mapping = parseMapping(readFileSync('mappings/booking-per-row.yaml', 'utf8'));
  const out = createWriteStream(path);
  let events = 0;
  await runImport(
    createReadStream(csv, { highWaterMark: 256 * 1024 }),
    mapping,
    {
      knownEvents: async () => [],
      postEvents: async (batch) => {
        events += batch.length;
        if (!out.write(`${JSON.stringify({ events: batch })}\n`)) await once(out, 'drain');
        return { accepted: batch.length, duplicates: 0, rejected: [] };
      },
      keepRejects: async () => {
        throw new Error('the bench CSV must have no rejects');
      },
    },
    { facilityId: 'bench-import', file: 'bench.csv', now: new Date().toISOString() },
  );
  out.end();
  await once(out, 'finish');
  return events;
}

/** Peak resident memory of a process so far (VmHWM), in MB; null once it is gone. */
function peakMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** A fresh database and server with the facility configured; `run` measured; its peak memory watched. */
async function onFreshServer<T>(run: (url: string, watch: (pid: number) => void) => Promise<T>): Promise<{ result: T; seconds: number; serverMb: number; childMb: number }> {
  const db = await freshDatabase('dm_bench_import');
  const server = await startServer(db.url);
  const peaks = new Map<number, number>();
  const watched: number[] = [server.child.pid!];
  const timer = setInterval(() => {
    for (const pid of watched) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakMb(pid) ?? 0));
  }, 100);
  try {
    const put = await fetch(`${server.url}/api/facilities/bench-import`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ name: 'Bench import', timeZone: 'America/Chicago', policy: 'federal-48-business-hours' }),
    });
    if (!put.ok) throw new Error(`facility: ${put.status} ${await put.text()}`);
    const t0 = performance.now();
    const result = await run(server.url, (pid) => watched.push(pid));
    const seconds = (performance.now() - t0) / 1000;
    for (const pid of watched) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakMb(pid) ?? 0));
    return { result, seconds, serverMb: peaks.get(server.child.pid!) ?? 0, childMb: watched.length > 1 ? (peaks.get(watched[1]) ?? 0) : 0 };
  } finally {
    clearInterval(timer);
    await server.stop();
    await db.drop();
  }
}

export async function benchImport(rows: number): Promise<{ directRate: number; importRate: number; ratio: number; importerMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'dm-bench-import-'));
  try {
    const csv = join(dir, 'export.csv');
    const bodies = join(dir, 'bodies.ndjson');
    const bytes = await writeCsv(csv, rows);
    const events = await writeBodies(csv, bodies);

    // Directly: the same events, batch by batch, one request at a time, as a JMS client that has them would.
    const direct = await onFreshServer(async (url) => {
      let accepted = 0;
      for await (const line of createInterface({ input: createReadStream(bodies), crlfDelay: Infinity })) {
        const res = await fetch(`${url}/api/events`, { method: 'POST', headers, body: line });
        const r = (await res.json()) as { accepted: number; rejected: unknown[] };
        if (!res.ok || r.rejected.length > 0) throw new Error(`POST /api/events: ${res.status} ${JSON.stringify(r).slice(0, 300)}`);
        accepted += r.accepted;
      }
      return accepted;
    });

    // The import: npm run import as its own process (as a jail runs it), its memory watched.
    const imported = await onFreshServer(async (url, watch) => {
      const child = spawn(
        process.execPath,
        [...IMPORT_NODE_ARGS, 'dist/scripts/import.js', '--mapping', 'mappings/booking-per-row.yaml', '--facility', 'bench-import', '--url', url, '--key', ADMIN, csv],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      watch(child.pid!);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const [code] = (await once(child, 'exit')) as [number];
      if (code !== 0) throw new Error(`npm run import exited ${code}: ${err.slice(-500)} ${out.slice(-500)}`);
      return out.trim().split('\n').at(-1)!;
    });

    const directRate = events / direct.seconds;
    const importRate = events / imported.seconds;
    const ratio = importRate / directRate;
    console.log(`\nImport of a ${fmt(rows)}-row CSV (mappings/booking-per-row.yaml, ${fmt(bytes / 1e6, 1)} MB, ${fmt(events)} events), each into a fresh database:`);
    console.log(
      `  POST /api/events directly   ${fmt(direct.seconds, 1).padStart(7)} s  ${fmt(directRate).padStart(8)} events/s   (the same events, batches of 5,000 from a file; server peak ${fmt(direct.serverMb)} MB)`,
    );
    console.log(`  npm run import              ${fmt(imported.seconds, 1).padStart(7)} s  ${fmt(importRate).padStart(8)} events/s   (server peak ${fmt(imported.serverMb)} MB)`);
    console.log(`  ratio import / direct       ${fmt(ratio, 2).padStart(7)}               (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    console.log(
      `  importer peak memory        ${fmt(imported.childMb).padStart(7)} MB              (resident, VmHWM, node ${IMPORT_NODE_ARGS.join(' ')}; target < 300 MB: ${imported.childMb < 300 ? 'met' : 'NOT met'})`,
    );
    console.log(`  importer's last line: ${imported.result}`);
    if (direct.result !== events) throw new Error(`direct: ${direct.result} accepted of ${events}`);
    // The importer's summary must account for every event: a run that imported nothing is not a speed.
    const sent = /(\d+) events \((\d+) accepted/.exec(imported.result);
    if (!sent || Number(sent[1]) !== events || Number(sent[2]) !== events) throw new Error(`the import did not send every event: ${imported.result}`);
    return { directRate, importRate, ratio, importerMb: imported.childMb };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
