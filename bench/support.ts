import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { startServerProcess } from '../scripts/server-process.js';

export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ADMIN = `dm_bench_${randomBytes(16).toString('hex')}`;

/**
 * Where set, the benches' databases compare text by this ICU locale (`en-US`, say), as a server
 * set up with a linguistic default collation does; by default they take the server's own.
 */
const ICU_LOCALE = process.env.BENCH_ICU_LOCALE;
if (ICU_LOCALE !== undefined && !/^[A-Za-z0-9-]+$/.test(ICU_LOCALE)) throw new Error(`BENCH_ICU_LOCALE must be a locale name like en-US, got "${ICU_LOCALE}"`);

/** A fresh database on the bench server, dropped by the returned function. */
export const freshDatabase = (prefix: string) => createScratchDatabase(BENCH_SERVER, prefix, ICU_LOCALE ? `TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${ICU_LOCALE}'` : '');

/**
 * The built server as a child process, as in production (no rate limit: the benches measure the
 * server, not the limiter). BENCH_NODE_ARGS are Node's flags for it; with DM_PROFILE its output
 * is passed on too, its errors always.
 */
export async function startServer(databaseUrl: string, build?: Build): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const server = await startServerProcess(
    { DATABASE_URL: databaseUrl, BOOTSTRAP_ADMIN_KEY: ADMIN, RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0' },
    { nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), echoStdout: Boolean(process.env.DM_PROFILE), echoStderr: true, root: build?.root },
  );
  return { url: server.url, child: server.child, stop: () => server.kill('SIGTERM') };
}

/**
 * A build to measure: this checkout, or the baseline named by BENCH_BASELINE (the folder of an
 * earlier commit's checkout, installed and built: see docs/performance.md), so that one run prints
 * the figures before and after a change side by side.
 */
export interface Build {
  label: string;
  root?: string;
}
export const THIS_BUILD: Build = { label: 'this build' };
export const BASELINE: Build | null = process.env.BENCH_BASELINE ? { label: `baseline (${process.env.BENCH_BASELINE})`, root: process.env.BENCH_BASELINE } : null;
/** The builds to measure, baseline first: before, then after. */
export const BUILDS: Build[] = BASELINE ? [BASELINE, THIS_BUILD] : [THIS_BUILD];

export const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A client on a bench database for bulk fills, with the facility 'bench' made when a policy is
 * given. Its errors are ignored: the database is dropped under it at the end.
 */
export async function benchClient(url: string, policy?: 'calendar-48-hours' | 'federal-48-business-hours'): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  if (policy) await insertBenchFacility(c, policy);
  return c;
}

/** The facility 'bench' (America/Chicago) with one policy, written straight into a fresh database for bulk fills. */
async function insertBenchFacility(c: pg.Client, policy: 'calendar-48-hours' | 'federal-48-business-hours'): Promise<void> {
  await c.query(`INSERT INTO facilities (id, name, time_zone, created_at, updated_at) VALUES ('bench', 'Bench County Jail', 'America/Chicago', now(), now()) ON CONFLICT DO NOTHING`);
  await c.query(
    `INSERT INTO facility_policies (facility_id, effective_from, policy, hold_hours, recorded_at, time_zone) VALUES ('bench', NULL, $1, 48, now(), 'America/Chicago') ON CONFLICT DO NOTHING`,
    [policy],
  );
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is no /proc. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: 100 a second on Linux
  } catch {
    return null;
  }
}

/** CPU seconds used so far by the server process and by every process of the Postgres cluster on this machine. */
export function cpuSnapshot(serverPid: number): { server: number; postgres: number } | null {
  const server = cpuSeconds(serverPid);
  if (server === null) return null;
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres')) postgres += cpuSeconds(Number(pid)) ?? 0;
    } catch {
      /* gone meanwhile */
    }
  }
  return { server, postgres };
}
