/**
 * npm run import -- --mapping FILE [--facility ID] [--dry-run] [--url URL] [--key KEY] FILE...
 * Posts through the API (as any JMS client does), with a progress bar on the terminal; the
 * summary is the last line printed. Exit 0 only when every record was imported or kept as a reject.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { ImportEvent } from './engine.js';
import { MappingError, parseMapping } from './mapping.js';
import { runRestore, type RestoreAnswer, type RestoreSink, type RestoreSummary } from './restore.js';
import { runImport, summaryLine, type ImportSink, type ImportSummary, type PostResult, type RejectRow } from './runner.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Show a progress bar (a terminal). */
  tty: boolean;
  now: () => Date;
}

const USAGE =
  'usage: npm run import -- --mapping FILE [--facility ID] [--dry-run] [--url URL] [--key KEY] FILE...\n' +
  '       npm run import -- --ndjson [--dry-run] [--url URL] [--key KEY] FILE...   (restore an export of GET /api/events/export; an admin key)';

/** The sink that restores an export through POST /api/events/restore. */
export function httpRestoreSink(url: string, key: string): RestoreSink {
  return {
    restore: async (ndjson) => {
      const res = await send(new URL('/api/events/restore', url), { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-ndjson' }, body: ndjson });
      const text = await res.text();
      if (!res.ok) throw new Error(`POST /api/events/restore answered ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as RestoreAnswer;
    },
  };
}

function restoreReport(s: RestoreSummary, dryRun: boolean, io: CliIo): void {
  io.out(`${s.file}:`);
  io.out(
    `  ${s.lines} lines: ${
      Object.entries(s.eventsByType)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ') || 'no events'
    }`,
  );
  if (dryRun) io.out('  dry run: nothing was sent');
  else io.out(`  sent: ${s.accepted} accepted, ${s.duplicates} duplicates (already there), ${s.refused.length} refused`);
  for (const r of s.refused) io.out(`  refused ${s.file}:${r.line}${r.eventId ? ` (${r.eventId})` : ''}: ${r.reason}`);
}

/** npm run import -- --ndjson: an export put back, every line accepted or already there, or the exit status says not. */
async function restoreFiles(files: string[], base: string, dryRun: boolean, sink: RestoreSink | null, io: CliIo): Promise<number> {
  const all: RestoreSummary[] = [];
  let failed = false;
  for (const name of files) {
    try {
      const s = await runRestore(createReadStream(resolve(base, name), { highWaterMark: 256 * 1024 }), sink, { file: name, now: io.now().getTime() });
      all.push(s);
      restoreReport(s, dryRun, io);
      if (s.refused.length > 0) failed = true;
    } catch (e) {
      io.err(`${name}: the restore stopped: ${(e as Error).message}`);
      failed = true;
    }
  }
  const sum = (f: (s: RestoreSummary) => number) => all.reduce((n, s) => n + f(s), 0);
  io.out(
    `restore: ${files.length} file${files.length === 1 ? '' : 's'}, ${sum((s) => s.lines)} lines read, ${sum((s) => s.accepted)} accepted, ${sum((s) => s.duplicates)} duplicates, ` +
      `${sum((s) => s.refused.length)} refused${dryRun ? ' (dry run: nothing sent)' : ''}${failed ? ' — NOT everything was restored' : ''}`,
  );
  return failed ? 1 : 0;
}

/**
 * fetch, tried again (three times in all, a second apart) when the connection failed without an
 * answer (reset, closed under it): every request the importer makes is idempotent. The error
 * names the cause, not just "fetch failed".
 */
async function send(url: URL, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const cause = (e as Error & { cause?: Error & { code?: string } }).cause;
      const why = cause ? `${cause.code ? `${cause.code} ` : ''}${cause.message}` : (e as Error).message;
      if (attempt >= 3) throw new Error(`${init.method} ${url.pathname}: no answer from the server (${why})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The sink that posts to a server. */
export function httpSink(url: string, key: string): ImportSink {
  const call = async (path: string, body: unknown) => {
    const res = await send(new URL(path, url), { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  };
  return {
    knownEvents: async (facilityId, idPrefix, bookingIds) => {
      const out: Array<{ bookingId: string; eventId: string }> = [];
      for (let i = 0; i < bookingIds.length; i += 10_000) out.push(...(await call('/api/imports/events-in-force', { facilityId, idPrefix, bookingIds: bookingIds.slice(i, i + 10_000) })).events);
      return out;
    },
    postEvents: (events: ImportEvent[]) => call('/api/events', { events }) as Promise<PostResult>,
    keepRejects: async (facilityId: string, file: string, rejects: RejectRow[]) => {
      for (let i = 0; i < rejects.length; i += 5000) await call('/api/imports/rejects', { facilityId, file, rejects: rejects.slice(i, i + 5000) });
    },
  };
}

/** A dry run sends nothing: each reject is printed as it is found. */
function drySink(io: CliIo): ImportSink {
  return {
    knownEvents: async () => null,
    postEvents: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
    keepRejects: async (_facility, file, rejects) => {
      for (const r of rejects) io.out(`  reject ${file}:${r.line}: ${r.reason}`);
    },
  };
}

function report(s: ImportSummary, dryRun: boolean, io: CliIo): void {
  io.out(`${s.file}:`);
  if (s.refused) io.out(`  REFUSED: ${s.refused}`);
  io.out(`  ${s.rowsRead} records read; ${s.bookings} bookings (${s.bookingsImported} imported, ${s.bookingsSkipped} without a detainer skipped); ${s.detainers} detainers`);
  io.out(
    `  ${s.events} events: ${
      Object.entries(s.eventsByType)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ') || 'none'
    }`,
  );
  if (dryRun) io.out('  dry run: nothing was sent (retractions of corrected bookings are worked out only against a server)');
  else io.out(`  sent: ${s.accepted} accepted, ${s.duplicates} duplicates (already imported), ${s.retracted} retracted, ${s.refusedByServer} refused by the server`);
  for (const r of s.retractions.slice(0, 50)) io.out(`  retracted ${r.eventId} (booking ${r.bookingId}): the corrected file no longer gives it`);
  if (s.retracted > 50) io.out(`  ... and ${s.retracted - 50} more retracted`);
  for (const [note, n] of Object.entries(s.notes)) io.out(`  note (${n} booking${n === 1 ? '' : 's'}): ${note}`);
  if (s.rejectedRows) io.out(`  ${s.rejectedRows} records kept as rejects${dryRun ? ' (listed above)' : ' (GET /api/imports/rejects)'}`);
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        mapping: { type: 'string' },
        ndjson: { type: 'boolean', default: false },
        facility: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        url: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = args.values;
  if (o.help) {
    io.out(USAGE);
    return 0;
  }
  // npm run starts scripts in the package's folder: paths are the caller's.
  const base = env.INIT_CWD ?? process.cwd();
  if (o.ndjson) {
    if (o.mapping || o.facility || args.positionals.length === 0) {
      io.err(`--ndjson restores an export as it is: no --mapping, no --facility\n${USAGE}`);
      return 2;
    }
    const key = o.key ?? env.API_KEY;
    if (!o['dry-run'] && !key) {
      io.err('no API key: give --key KEY or set API_KEY (an admin key)');
      return 2;
    }
    const sink = o['dry-run'] ? null : httpRestoreSink(o.url ?? `http://127.0.0.1:${env.PORT ?? 3000}`, key!);
    return restoreFiles(args.positionals, base, o['dry-run'], sink, io);
  }
  if (!o.mapping || args.positionals.length === 0) {
    io.err(USAGE);
    return 2;
  }
  const mappingPath = resolve(base, o.mapping);
  let mapping;
  try {
    mapping = parseMapping(readFileSync(mappingPath, 'utf8'), o.mapping);
  } catch (e) {
    io.err(e instanceof MappingError ? e.message : `cannot read the mapping ${o.mapping}: ${(e as Error).message}`);
    return 2;
  }
  const facilityId = o.facility ?? mapping.facility;
  if (!facilityId) {
    io.err('no facility: give --facility ID (the mapping names none)');
    return 2;
  }
  const dryRun = o['dry-run'];
  const key = o.key ?? env.API_KEY;
  if (!dryRun && !key) {
    io.err('no API key: give --key KEY or set API_KEY (an ingest or admin key)');
    return 2;
  }
  const url = o.url ?? `http://127.0.0.1:${env.PORT ?? 3000}`;
  const sink = dryRun ? drySink(io) : httpSink(url, key!);
  const summaries: ImportSummary[] = [];
  let failed = false;
  for (const name of args.positionals) {
    const path = resolve(base, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      io.err(`${name}: cannot be read: ${(e as Error).message}`);
      failed = true;
      continue;
    }
    const bar = io.tty
      ? new cliProgress.SingleBar({ format: `${name} [{bar}] {percentage}% | {rows} records | {events} events | {rejects} rejects`, stream: process.stderr }, cliProgress.Presets.shades_classic)
      : null;
    let read = 0;
    bar?.start(size, 0, { rows: 0, events: 0, rejects: 0 });
    async function* counted() {
      for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    try {
      const s = await runImport(counted(), mapping, sink, {
        facilityId,
        file: name,
        now: io.now().toISOString(),
        onProgress: (p) => bar?.update(read, { rows: p.rowsRead, events: p.events, rejects: p.rejectedRows }),
      });
      bar?.stop();
      summaries.push(s);
      report(s, dryRun, io);
      if (s.refused) failed = true;
    } catch (e) {
      bar?.stop();
      io.err(`${name}: the import stopped: ${(e as Error).message}`);
      failed = true;
    }
  }
  io.out(`${summaryLine(summaries)}${dryRun ? ' (dry run: nothing sent)' : ''}${failed ? ' — NOT everything was imported or kept' : ''}`);
  return failed ? 1 : 0;
}
