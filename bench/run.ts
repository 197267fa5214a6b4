/**
 * npm run bench: speed figures against the real Postgres (BENCH_DATABASE_URL, default the
 * machine's 127.0.0.1:5432/test; each bench makes and drops its own database).
 * BENCH=ingest,query,sweep,reports,load,rederive picks benches; BENCH_BOOKINGS sizes each ingestion round, BENCH_ROUNDS counts
 * them (default 3), BENCH_HISTORY sizes the log already there for the last configuration, BENCH_HOLDS the
 * query, report and load runs, SWEEP_SIZES (comma-separated) the sweep runs, BENCH_REDERIVE_BOOKINGS the start that
 * derives a database again (default 100,000 bookings).
 */
import { benchHoldsQuery } from './holds-query.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchLoad } from './load.bench.js';
import { benchRederive } from './rederive.bench.js';
import { benchReports } from './reports.bench.js';
import { benchSweep } from './sweep.bench.js';

const only = (process.env.BENCH ?? 'ingest,query,sweep,reports,load,rederive').split(',');
console.log(`Detainer Monitor benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
if (only.includes('ingest')) {
  const bookings = Number(process.env.BENCH_BOOKINGS ?? 40_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  await benchIngest(bookings, 1, 0, rounds);
  await benchIngest(bookings, 2, 0, rounds);
  await benchIngest(bookings, 1, Number(process.env.BENCH_HISTORY ?? 1_000_000), rounds);
}
if (only.includes('query')) await benchHoldsQuery(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('sweep')) await benchSweep();
if (only.includes('reports')) await benchReports(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('rederive')) await benchRederive(Number(process.env.BENCH_REDERIVE_BOOKINGS ?? 100_000));
if (only.includes('load')) await benchLoad(Number(process.env.BENCH_HOLDS ?? 1_000_000), Number(process.env.BENCH_LOAD_SECONDS ?? 60));
process.exit(0);
