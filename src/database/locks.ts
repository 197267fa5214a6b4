import type { DataSource, EntityManager } from 'typeorm';

/**
 * The transaction-scoped advisory lock of a facility, taken by whoever appends to its event chain
 * (an ingesting batch), writes its bookings, detainers and holds, changes its rules or time zone,
 * or derives its holds again; several facilities' locks are taken sorted, so two writers never
 * deadlock. A rule change therefore waits for batches already under way and the next batch reads
 * the new rules: no hold is written under rules that are no longer in force.
 *
 * No lock is taken per booking: the facility's lock already serialises every writer of its
 * bookings, and Postgres keeps every lock of every open transaction in one shared table of about
 * max_locks_per_transaction × max_connections entries (6,400 by default), which three batches
 * of 5,000 bookings at once, a lock each, exhausted ("out of shared memory").
 */
const FACILITY = 2;

/**
 * Lock those of these facilities that are configured, until the transaction ends, and return
 * their ids: a batch naming thousands of unknown facilities (whose events are refused) takes no
 * lock for them. One created after this statement is unknown to the caller.
 */
export async function lockConfiguredFacilities(m: EntityManager, facilityIds: readonly string[]): Promise<string[]> {
  if (facilityIds.length === 0) return [];
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM (SELECT id, pg_advisory_xact_lock(${FACILITY}, hashtext(id)) FROM (SELECT id FROM facilities WHERE id = ANY($1::text[]) ORDER BY id) s) l`,
    [[...new Set(facilityIds)]],
  );
  return rows.map((r) => r.id);
}

/** Lock these facilities until the transaction ends. */
export async function lockFacilities(m: EntityManager, facilityIds: readonly string[]): Promise<void> {
  if (facilityIds.length === 0) return;
  await m.query(`SELECT count(pg_advisory_xact_lock(${FACILITY}, hashtext(k))) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) s`, [[...new Set(facilityIds)]]);
}

/**
 * Run `fn` holding a session-level advisory lock, so that instances starting at once take turns
 * (migrations, derivations). None on the embedded database: one process owns it.
 */
export async function oneInstanceAtATime<T>(ds: DataSource, key: number, opts: { embedded: boolean }, fn: () => Promise<T>): Promise<T> {
  if (opts.embedded) return fn();
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
}
