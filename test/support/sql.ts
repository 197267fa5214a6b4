import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { sqlState } from '../../src/common/sql-state.js';

/** The SQLSTATE a statement fails with, or 'ok'. */
export async function sqlOutcome(ds: DataSource, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await ds.query(sql, params);
    return 'ok';
  } catch (err) {
    return sqlState(err) ?? String(err);
  }
}

/** COPY lines (tab-separated values, without their line break) on a connection of its own: a real server only. */
export async function copyLines(url: string, statement: string, lines: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await pipeline(Readable.from([lines.map((l) => `${l}\n`).join('')]), client.query(copyFrom(statement)));
  } finally {
    await client.end();
  }
}

/**
 * Whether `request` is seen waiting for an advisory lock (the one `holder` holds) before it
 * answers: 'waiting', or 'done' if it answered first. Polls pg_locks on `holder`'s connection.
 */
export async function waitsForLock(holder: pg.Client, request: Promise<unknown>): Promise<'waiting' | 'done'> {
  const waiting = async (): Promise<'waiting' | 'done'> => {
    for (let i = 0; i < 10_000; i++) {
      const { rows } = await holder.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
      if (rows[0].n > 0) return 'waiting';
    }
    return 'done';
  };
  return Promise.race([request.then(() => 'done' as const), waiting()]);
}
