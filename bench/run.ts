/**
 * npm run bench: speed figures against the real Postgres (BENCH_DATABASE_URL, default the
 * machine's 127.0.0.1:5432/test; each bench makes and drops its own database).
 * BENCH=ingest,query,sweep,reports,load picks benches; BENCH_BOOKINGS sizes the ingestion run, BENCH_HISTORY the log
 * already there for its last run, BENCH_HOLDS the
 * query, report and load runs, SWEEP_SIZES (comma-separated) the sweep runs.
 */
import { benchHoldsQuery } from './holds-query.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchLoad } from './load.bench.js';
import { benchReports } from './reports.bench.js';
import { benchSweep } from './sweep.bench.js';

const only = (process.env.BENCH ?? 'ingest,query,sweep,reports,load').split(',');
console.log(`Detainer Monitor benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
if (only.includes('ingest')) {
  await benchIngest(Number(process.env.BENCH_BOOKINGS ?? 40_000), 1);
  await benchIngest(Number(process.env.BENCH_BOOKINGS ?? 40_000), 2);
  await benchIngest(Number(process.env.BENCH_BOOKINGS ?? 40_000), 1, Number(process.env.BENCH_HISTORY ?? 1_000_000));
}
if (only.includes('query')) await benchHoldsQuery(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('sweep')) await benchSweep();
if (only.includes('reports')) await benchReports(Number(process.env.BENCH_HOLDS ?? 1_000_000));
if (only.includes('load')) await benchLoad(Number(process.env.BENCH_HOLDS ?? 1_000_000), Number(process.env.BENCH_LOAD_SECONDS ?? 60));
process.exit(0);
