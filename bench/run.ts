/**
 * npm run bench: speed figures against the real Postgres (BENCH_DATABASE_URL, default the
 * machine's 127.0.0.1:5432/test; each bench makes and drops its own database).
 * BENCH=judge,ingest,rules,query,sweep,reports,quarterly,load,rederive picks benches (quarterly: the quarterly review over BENCH_CUSTODY custody records, default 1,000,000) (judge: the judgement alone, in process); BENCH_BOOKINGS sizes each ingestion round, BENCH_ROUNDS counts
 * them (default 3), BENCH_HISTORY sizes the log already there for the last configuration, BENCH_HOLDS the
 * query, report and load runs, SWEEP_SIZES (comma-separated) the sweep runs, BENCH_REDERIVE_BOOKINGS the start that
 * derives a database again (default 100,000 bookings), BENCH_RULES_BOOKINGS the facility a change of rules judges
 * again (default 100,000). BENCH_BASELINE: the folder of an earlier build (see docs/performance.md); the
 * one-sender ingestion and the change of rules are then measured on it too, and printed before and after.
 * BENCH=import: a CSV of BENCH_IMPORT_ROWS rows (default 1,000,000) imported with npm run import
 * against posting the same events directly, with the importer's peak memory.
 */
import { benchHoldsQuery } from './holds-query.bench.js';
import { benchImport } from './import.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchJudge } from './judge.bench.js';
import { benchLoad } from './load.bench.js';
import { benchRederive } from './rederive.bench.js';
import { benchQuarterly } from './quarterly.bench.js';
import { benchReports } from './reports.bench.js';
import { benchRulesChange } from './rules-change.bench.js';
import { BASELINE, BUILDS, fmt, type Build } from './support.js';
import { benchSweep } from './sweep.bench.js';

const only = (process.env.BENCH ?? 'judge,ingest,rules,query,sweep,reports,quarterly,load,rederive,import').split(',');
console.log(`Detainer Monitor benchmarks — Node ${process.version}, ${new Date().toISOString()}${BASELINE ? `; before: ${BASELINE.root}, after: this build` : ''}`);

/** Before and after, side by side (with BENCH_BASELINE). */
function sideBySide(what: string, unit: string, results: Array<[Build, number]>, better: 'higher' | 'lower'): void {
  if (results.length < 2) return;
  const [[, before], [, after]] = results;
  const change = better === 'higher' ? after / before : before / after;
  console.log(`
${what}: before ${fmt(before, unit === 's' ? 1 : 0)} ${unit}, after ${fmt(after, unit === 's' ? 1 : 0)} ${unit} (after is ${fmt(change, 2)}x as fast)`);
}

if (only.includes('judge')) benchJudge();
if (only.includes('ingest')) {
  const bookings = Number(process.env.BENCH_BOOKINGS ?? 40_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const oneSender: Array<[Build, number]> = [];
  for (const build of BUILDS) oneSender.push([build, (await benchIngest(bookings, 1, 0, rounds, build)).apiRate]);
  sideBySide('Ingestion, 1 sender, median round', 'events/s', oneSender, 'higher');
  await benchIngest(bookings, 2, 0, rounds);
  await benchIngest(bookings, 1, Number(process.env.BENCH_HISTORY ?? 1_000_000), rounds);
}
if (only.includes('rules')) {
  const rules: Array<[Build, number]> = [];
  for (const build of BUILDS) rules.push([build, (await benchRulesChange(Number(process.env.BENCH_RULES_BOOKINGS ?? 100_000), build)).seconds]);
  sideBySide('A change of rules on a facility of 100,000 bookings', 's', rules, 'lower');
}
if (only.includes('query')) await benchHoldsQuery(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('sweep')) await benchSweep();
if (only.includes('reports')) await benchReports(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('quarterly')) await benchQuarterly(Number(process.env.BENCH_CUSTODY ?? 1_000_000));
if (only.includes('rederive')) await benchRederive(Number(process.env.BENCH_REDERIVE_BOOKINGS ?? 100_000));
if (only.includes('import')) await benchImport(Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000));
if (only.includes('load')) await benchLoad(Number(process.env.BENCH_HOLDS ?? 1_000_000), Number(process.env.BENCH_LOAD_SECONDS ?? 60));
process.exit(0);
