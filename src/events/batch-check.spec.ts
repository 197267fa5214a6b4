import { describe, expect, it } from '@jest/globals';
import { BatchCheck, CHECK_YIELD_EVERY } from './batch-check.js';

interface Item {
  index: number;
  id: string;
  content: string;
  /** The index up to which the check must have gone before this item is taken (exclusive). */
  waitFor: number;
}

/** 1,000 items; `sent` overrides some by index. Items with content 'bad' are refused. */
function batch(sent: Record<number, Partial<Item>> = {}) {
  const items: Item[] = Array.from({ length: 1000 }, (_, index) => ({ index, id: `e${index}`, content: 'x', waitFor: 0, ...sent[index] }));
  const refused: number[] = [];
  const conflicts: number[] = [];
  const check = new BatchCheck<Item>(items.length, {
    check: (i) => (items[i].content === 'bad' ? (refused.push(i), null) : items[i]),
    idOf: (c) => c.id,
    same: (a, b) => a.content === b.content,
    conflict: (i) => conflicts.push(i),
  });
  return { items, check, refused, conflicts };
}

async function drain<R>(runs: AsyncGenerator<R[]>): Promise<R[][]> {
  const out: R[][] = [];
  for await (const run of runs) out.push(run);
  return out;
}

describe('BatchCheck', () => {
  it('keeps the first valid event of each id in order, counts repeats, reports conflicts and refusals', async () => {
    const { check, refused, conflicts } = batch({ 3: { content: 'bad' }, 5: { id: 'e1' }, 7: { id: 'e2', content: 'other' }, 9: { id: 'e3' } });
    await check.done;
    expect(check.order.map((c) => c.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i).filter((i) => ![3, 5, 7].includes(i)));
    expect(check.byId.get('e3')?.index).toBe(9); // the first e3 was refused
    expect(check.duplicates).toBe(1);
    expect(conflicts).toEqual([7]);
    expect(refused).toEqual([3]);
    expect(check.finished).toBe(true);
  });

  it('hands out what is checked before the check ends, in runs, in order', async () => {
    const { check } = batch();
    // Only the first stretch is checked synchronously; the rest after turns of the event loop.
    expect(check.checkedUpTo).toBe(CHECK_YIELD_EVERY - 1);
    expect(check.order.length).toBe(CHECK_YIELD_EVERY - 1);
    const runs = await drain(
      check.runs(
        () => 0,
        (c) => c.index,
      ),
    );
    expect(runs.length).toBeGreaterThan(1);
    expect(runs[0]).toEqual(Array.from({ length: CHECK_YIELD_EVERY - 1 }, (_, i) => i));
    expect(runs.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('takes an item only once the check has passed the index it waits for, so it sees later events', async () => {
    // Item 10 names item 900, far past what is checked when the runs start.
    const { check } = batch({ 10: { waitFor: 901 } });
    const seen: Array<[number, boolean]> = [];
    const runs = await drain(
      check.runs(
        (c) => c.waitFor,
        (c) => {
          if (c.index === 10) seen.push([check.checkedUpTo, check.byId.has('e900')]);
          return c.index;
        },
      ),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0][0]).toBeGreaterThanOrEqual(901);
    expect(seen[0][1]).toBe(true);
    expect(runs[0]).toEqual([...Array(10).keys()]);
    expect(runs.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('leaves out what take refuses', async () => {
    const { check } = batch();
    expect(
      (
        await drain(
          check.runs(
            () => 0,
            (c) => (c.index % 2 ? null : c.index),
          ),
        )
      ).flat(),
    ).toEqual(Array.from({ length: 500 }, (_, i) => i * 2));
  });

  it('passes a failure of the check to the reader', async () => {
    const check = new BatchCheck<number>(1000, {
      check: (i) => {
        if (i === 600) throw new Error('boom');
        return i;
      },
      idOf: (c) => String(c),
      same: () => true,
      conflict: () => undefined,
    });
    await expect(
      drain(
        check.runs(
          () => 0,
          (c) => c,
        ),
      ),
    ).rejects.toThrow('boom');
    await check.done;
  });
});
