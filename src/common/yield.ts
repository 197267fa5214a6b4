/**
 * Let the event loop serve other requests. Long CPU loops over a batch (validation, hashing,
 * deriving holds) call it every few hundred items, so a 5,000-event batch does not hold board
 * reads for its whole length.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Items between yields in batch loops. */
export const YIELD_EVERY = 250;
