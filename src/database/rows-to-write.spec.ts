import { describe, expect, it } from '@jest/globals';
import type { CopyValue } from './copy.js';
import { RowsToWrite, type RowsOptions } from './rows-to-write.js';

interface Item {
  id: string;
  booking: string;
  n: number;
}

class Rows extends RowsToWrite<Item, string> {
  constructor(copies: boolean, options: RowsOptions) {
    super(copies, options);
  }
  protected idOf(i: Item) {
    return i.id;
  }
  protected bookingKeyOf(i: Item) {
    return i.booking;
  }
  protected valuesOf(i: Item, copies: boolean): CopyValue[] {
    return [i.id, i.booking, copies ? `n${i.n}` : i.n];
  }
  protected objectOf(i: Item, values: readonly CopyValue[]) {
    return { id: values[0], booking: values[1], n: values[2] };
  }
  protected createdOf(i: Item) {
    return `created ${i.id}`;
  }
}

const now = new Date('2026-12-06T12:00:00.000Z');
const items: Item[] = [
  { id: 'a', booking: 'new', n: 1 },
  { id: 'b', booking: 'refolded', n: 2 },
  { id: 'c', booking: 'other', n: 3 },
];
const text = (chunks: Buffer[] | null) => (chunks === null ? null : Buffer.concat(chunks).toString('utf8'));

describe('RowsToWrite', () => {
  it('writes new bookings as COPY rows and tells of them, stages the others, and keeps the ids of refolded bookings', () => {
    const rows = new Rows(true, { created: new Set(['new']), pruned: new Set(['refolded']), now }).addAll(items);
    expect(text(rows.copy)).toBe('a\tnew\tn1\t2026-12-06T12:00:00.000Z\n');
    expect(text(rows.upserts)).toBe('b\trefolded\tn2\t2026-12-06T12:00:00.000Z\nc\tother\tn3\t2026-12-06T12:00:00.000Z\n');
    expect(rows.json).toBeNull();
    expect(rows.kept).toEqual(['b']);
    expect(rows.created).toEqual(['created a']);
  });

  it('without COPY, writes every row as one JSON document (its updated_at set by the statement), telling of none', () => {
    const rows = new Rows(false, { created: new Set(['new']), pruned: new Set(['refolded']), now }).addAll(items);
    expect(rows.json).toBe('[{"id":"a","booking":"new","n":1},{"id":"b","booking":"refolded","n":2},{"id":"c","booking":"other","n":3}]');
    expect(rows.copy).toBeNull();
    expect(rows.upserts).toBeNull();
    expect(rows.kept).toEqual(['b']);
    expect(rows.created).toEqual([]);
  });

  it('with no bookings named (a change of rules), stages every row', () => {
    const rows = new Rows(true, { now }).addAll(items);
    expect(rows.copy).toBeNull();
    expect(text(rows.upserts)?.split('\n').length).toBe(4);
    expect(rows.kept).toEqual([]);
  });
});
