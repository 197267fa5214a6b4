/**
 * Imports jail exports through a mapping: see docs/imports.md.
 *   npm run import -- --mapping mappings/pierce-county.yaml --key dm_... export.csv
 */
import { runCli } from '../src/imports/cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  tty: Boolean(process.stderr.isTTY),
  now: () => new Date(),
});
