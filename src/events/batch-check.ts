/**
 * A batch's validation as it goes, so the log write can start before it ends: the events
 * validated so far are readable in order, and a reader can wait for more. No database work.
 */
import { yieldToEventLoop } from '../common/yield.js';

/**
 * Events checked between turns of the event loop (for the same reason as YIELD_AFTER_MS): the
 * batch's transaction reads while the batch is checked, a round trip per turn, and the log write
 * starts once those reads are done (with 250, ~32 ms a batch of 5,000; with 50, ~22 ms).
 */
export const CHECK_YIELD_EVERY = 50;

export interface CheckSteps<C> {
  /** Judge one event: a candidate, or null when it is refused (the step reports the refusal). */
  check(index: number): C | null;
  idOf(c: C): string;
  /** Whether a later valid event with the id of an earlier one repeats it (else it conflicts). */
  same(first: C, later: C): boolean;
  /** Report a later event that conflicts with the first one with its id. */
  conflict(index: number): void;
}

export class BatchCheck<C> {
  /** The first valid event with each id, by id. */
  readonly byId = new Map<string, C>();
  /** The same, in the order sent. */
  readonly order: C[] = [];
  /** Later valid events with the id (and content) of an earlier one. */
  duplicates = 0;
  /** The events before this index are checked. */
  checkedUpTo = 0;
  private failure: Error | null = null;
  private wake: Array<() => void> = [];
  /** Settles when every event is checked (or the check failed). */
  readonly done: Promise<void>;

  constructor(
    private readonly count: number,
    steps: CheckSteps<C>,
  ) {
    this.done = (async () => {
      try {
        for (let index = 0; index < count; index++) {
          if (index % CHECK_YIELD_EVERY === CHECK_YIELD_EVERY - 1) {
            this.checkedUpTo = index;
            this.notify();
            await yieldToEventLoop();
          }
          const c = steps.check(index);
          if (c === null) continue;
          const id = steps.idOf(c);
          const first = this.byId.get(id);
          if (!first) {
            this.byId.set(id, c);
            this.order.push(c);
          } else if (steps.same(first, c)) this.duplicates++;
          else steps.conflict(index);
        }
        this.checkedUpTo = count;
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(`batch check failed: ${String(err)}`);
      }
      this.notify();
    })();
  }

  get finished(): boolean {
    return this.checkedUpTo >= this.count || this.failure !== null;
  }

  /** Resolves when more is checked than now (or all is); rejects if the check failed. */
  async more(): Promise<void> {
    this.throwIfFailed();
    if (this.finished) return;
    await new Promise<void>((resolve) => this.wake.push(resolve));
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  /**
   * The candidates in order, in runs, as the check goes. Each is handed to `take` (a row, or
   * null to leave it out) once the events before `waitFor(c)` are checked (0: at once), so that
   * `take` sees in `byId` every event sent up to there.
   */
  async *runs<R>(waitFor: (c: C) => number, take: (c: C) => R | null): AsyncGenerator<R[]> {
    const ready = (c: C) => Math.min(waitFor(c), this.count) <= this.checkedUpTo;
    let next = 0;
    for (;;) {
      const run: R[] = [];
      while (next < this.order.length && ready(this.order[next])) {
        const r = take(this.order[next++]);
        if (r !== null) run.push(r);
      }
      if (run.length > 0) yield run;
      // Done once every event is checked and taken; else wait for the check to go on (once it
      // has ended, every candidate is ready), or for its failure.
      if (this.checkedUpTo >= this.count && next === this.order.length) return;
      await this.more();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }
}
