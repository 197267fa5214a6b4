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

/**
 * A value for COPY's text format: backslash, tab and line breaks escaped, null as \N. Four
 * indexOf scans find nothing to escape faster than one regular expression (a body is ~400 characters).
 */
const needsEscape = (v: string) => v.indexOf('\\') >= 0 || v.indexOf('\t') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
export const copyText = (v: string | null) => (v === null ? '\\N' : !needsEscape(v) ? v : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/**
 * A value known to be JSON text (from JSON.stringify or canonicalJson): JSON writes tabs and line
 * breaks inside strings as escapes, so only its backslashes need escaping, and one scan finds them.
 */
export class JsonText {
  constructor(readonly json: string) {}
}

export type CopyValue = string | number | boolean | null | undefined | JsonText;

/**
 * One line of COPY text: strings escaped, numbers and booleans as Postgres reads them, null (or
 * undefined) as \N, JSON text with its backslashes escaped. A loop of concatenations: a third
 * faster than map and join, with no arrays.
 */
function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += '\t';
    if (v === null || v === undefined) line += '\\N';
    else if (typeof v === 'string') line += copyText(v);
    else if (v instanceof JsonText) line += v.json.indexOf('\\') < 0 ? v.json : v.json.replace(/\\/g, '\\\\');
    else line += String(v);
  }
  return `${line}\n`;
}

/** Bytes per chunk of COPY data: a few large writes, which pg-copy-streams handles far faster than many small ones. */
const CHUNK_BYTES = 512 * 1024;

/**
 * Chunks whose COPY has completed, to be filled again. Fresh memory costs the kernel a page
 * fault per 4 KB on first touch, and on these virtual machines a fault is dear: writing 3.5 MB
 * of rows into fresh chunks took 10–17 ms, into reused ones 0.5 ms. At most 32 are kept (16 MB).
 */
const spare: Buffer[] = [];
const SPARE_MAX = 32;
const chunkOf = (bytes: number) => (bytes === CHUNK_BYTES && spare.length > 0 ? spare.pop()! : Buffer.allocUnsafe(bytes));
function recycle(chunks: readonly Buffer[]): void {
  for (const c of chunks) {
    if (spare.length >= SPARE_MAX) return;
    if (c.buffer.byteLength === CHUNK_BYTES && c.byteOffset === 0) spare.push(Buffer.from(c.buffer, 0, CHUNK_BYTES));
  }
}

/**
 * Lines of COPY text written straight into chunks of bytes as UTF-8. Measured here on 5,000
 * event rows: ~2 ms, against ~20 ms to join the lines into strings and let the stream convert
 * those (a fresh string of hundreds of kilobytes is slow to build and slow to encode).
 */
export class CopyChunks {
  private readonly done: Buffer[] = [];
  /** The chunk being filled (none until the first row). */
  private chunk: Buffer | null = null;
  private used = 0;
  rows = 0;

  /** Add a row; true when a chunk has just been completed (see `take`). */
  add(values: readonly CopyValue[]): boolean {
    const line = copyLine(values);
    let completed = false;
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.chunk === null || this.chunk.length - this.used < line.length * 3) {
      completed = this.close();
      this.chunk = chunkOf(Math.max(CHUNK_BYTES, line.length * 3));
    }
    this.used += this.chunk.write(line, this.used, 'utf8');
    this.rows++;
    return completed;
  }

  /** The completed chunks, and with `all` the one being filled; they are handed over and forgotten here. */
  take(all = false): Buffer[] {
    if (all) this.close();
    return this.done.splice(0);
  }

  /** Complete the chunk being filled, if it holds anything; true if it did. */
  private close(): boolean {
    const closed = this.chunk !== null && this.used > 0;
    if (closed) this.done.push(this.chunk!.subarray(0, this.used));
    this.chunk = null;
    this.used = 0;
    return closed;
  }
}

/** Rows as COPY data, or null for no rows. */
export function copyData(rows: Iterable<readonly CopyValue[]>): Buffer[] | null {
  const chunks = new CopyChunks();
  for (const r of rows) chunks.add(r);
  return chunks.rows > 0 ? chunks.take(true) : null;
}

/**
 * Run `statement` (a COPY ... FROM STDIN) on the transaction's connection, fed from `source`:
 * chunks of whole lines. Once the server has taken them all (the COPY completed), the chunks
 * are kept to be filled again; after a failure they are left to the garbage collector.
 */
export async function copyInto(m: EntityManager, statement: string, source: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
  const client = (m.queryRunner as unknown as { databaseConnection: pg.PoolClient }).databaseConnection;
  const sent: Buffer[] = [];
  async function* tracked(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      sent.push(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(tracked()), client.query(copyFrom(statement)));
  recycle(sent);
}

/**
 * Rows given as COPY data, staged for an upsert: COPYed into a temporary table of `table`'s
 * `columns` (one per connection, made on first use and emptied at every commit), whose name is
 * returned. The upsert that follows takes the rows out as it reads them
 * (`WITH staged AS (DELETE FROM <stage> RETURNING *) INSERT ... SELECT ... FROM staged`), so a
 * stage is empty again for the next use in the same transaction. Far cheaper on both sides than the
 * same rows as one JSON document for json_to_recordset: no objects to build and stringify here, no
 * document to parse there.
 */
export async function stageCopy(m: EntityManager, table: string, columns: readonly string[], source: Iterable<Buffer>): Promise<string> {
  const stage = `${table}_stage`;
  // Made in a transaction that rolled back, it is gone again: asked for every time (a catalog lookup).
  await m.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} ON COMMIT DELETE ROWS AS SELECT ${columns.join(', ')} FROM ${table} WITH NO DATA`);
  await copyInto(m, `COPY ${stage} (${columns.join(', ')}) FROM STDIN`, source);
  return stage;
}
