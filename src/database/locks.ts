import type { DataSource, EntityManager } from 'typeorm';

/**
 * The transaction-scoped advisory locks writers take, in this order: a facility's lock, then
 * its bookings' locks, each set sorted, so two writers never deadlock.
 *
 * - A facility's lock: whoever appends to its event chain (an ingesting batch), changes its
 *   rules or time zone, or derives its holds again. A rule change therefore waits for batches
 *   already under way and the next batch reads the new rules: no hold is written under rules
 *   that are no longer in force.
 * - A booking's lock: whoever projects its events.
 */
const FACILITY = 2;
const BOOKING = 1;

const LOCK_SORTED = (namespace: number) =>
  `SELECT count(pg_advisory_xact_lock(${namespace}, hashtext(k))) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) s`;

/** Lock these facilities until the transaction ends. */
export async function lockFacilities(m: EntityManager, facilityIds: readonly string[]): Promise<void> {
  if (facilityIds.length > 0) await m.query(LOCK_SORTED(FACILITY), [[...new Set(facilityIds)]]);
}

/** Lock these bookings (by `keyOf`) until the transaction ends; after their facilities' locks. */
export async function lockBookings(m: EntityManager, bookingKeys: readonly string[]): Promise<void> {
  if (bookingKeys.length > 0) await m.query(LOCK_SORTED(BOOKING), [[...new Set(bookingKeys)]]);
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
