/**
 * Bulk writes with COPY ... FROM STDIN in text format, on the connection of a transaction.
 * Only a real Postgres server carries COPY; the embedded one's socket does not (callers ask
 * `DatabaseHandle.copies` and write the same rows with INSERT there).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A value for COPY's text format: backslash, tab and line breaks escaped, null as \N. */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
export const copyText = (v: string | null) =>
  v === null ? '\\N' : !NEEDS_ESCAPE.test(v) ? v : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One line of COPY text: strings escaped, numbers and booleans as Postgres reads them, null (or undefined) as \N. */
export function copyLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += '\t';
    line += v === null || v === undefined ? '\\N' : typeof v === 'string' ? copyText(v) : String(v);
  }
  return line + '\n';
}

/**
 * Run `statement` (a COPY ... FROM STDIN) on the transaction's connection, fed from `source`:
 * chunks of whole lines. A few large chunks: pg-copy-streams handles them far faster than
 * many small ones; a chunk joined from an array of lines, not grown line by line (a deep rope
 * of a string is two to three times slower to turn into bytes).
 */
export async function copyInto(m: EntityManager, statement: string, source: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const client = (m.queryRunner as unknown as { databaseConnection: pg.PoolClient }).databaseConnection;
  await pipeline(Readable.from(source), client.query(copyFrom(statement)));
}
