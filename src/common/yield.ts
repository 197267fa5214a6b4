/**
 * Let the event loop serve other requests. Long CPU loops over a batch (validation, hashing,
 * deriving holds) call it every so often, so a 5,000-event batch does not hold board reads for
 * its whole length.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Milliseconds of work between turns of the event loop in the derivation's loop. Short, because
 * the database work it overlaps (a piece's COPY, then its upsert, then the next) moves on only at
 * a turn: when a change of rules at 100,000 bookings yielded every 250 bookings (~15 ms), each of
 * those steps waited up to that long and Postgres sat idle; yielding every ~1.5 ms made the change
 * 30% faster (docs/performance-log.md). A turn with nothing to do costs a few microseconds.
 */
export const YIELD_AFTER_MS = 1;

/** A loop's clock for `yieldToEventLoop`: `due()` is true once YIELD_AFTER_MS have passed since the last turn it counted. */
export function turns(afterMs = YIELD_AFTER_MS, clock: () => number = () => performance.now()): { due(): boolean } {
  let last = clock();
  return {
    due() {
      const now = clock();
      if (now - last < afterMs) return false;
      last = now;
      return true;
    },
  };
}
