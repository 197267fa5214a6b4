import { isoUtc } from '../common/instant.js';
import { CopyChunks, type CopyValue } from './copy.js';

/** A projection's rows of one table to write (see `RowsToWrite`). */
export interface WrittenRows<C> {
  /** The upserts as one JSON document for json_to_recordset, where the server carries no COPY. */
  json: string | null;
  /** The rows of bookings that had none, as COPY data. */
  copy: Buffer[] | null;
  /** The upserts as COPY data to stage (see `stageCopy`), where the server carries COPY. */
  upserts: Buffer[] | null;
  /** The ids refolded bookings keep (their other rows are deleted). */
  kept: string[];
  /** What the new rows (`copy`) tell the listeners: nothing stored answers for them. */
  created: C[];
}

export interface RowsOptions {
  /** Bookings (by keyOf) with no row yet, the caller holding their facility's lock: their rows are new. */
  created?: ReadonlySet<string>;
  /** Refolded bookings (by keyOf): the ids of their rows given here are kept, the others deleted. */
  pruned?: ReadonlySet<string>;
  /** The rows' updated_at. */
  now: Date;
}

/**
 * A projection's rows of one table, serialised as they are added, so that a caller adding each
 * booking's as soon as it is judged keeps none of its objects alive. New rows go as COPY data,
 * the others as COPY data to stage for an upsert; where the server carries no COPY, all as one
 * JSON document. A table says how an item becomes its values, and what a new row tells listeners.
 */
export abstract class RowsToWrite<T, C> {
  private readonly updatedAt: string;
  private readonly created: ReadonlySet<string>;
  private readonly pruned: ReadonlySet<string>;
  private readonly objects: object[] = [];
  private readonly copy = new CopyChunks();
  private readonly staged = new CopyChunks();
  private readonly changes: C[] = [];
  private readonly kept: string[] = [];

  constructor(
    private readonly copies: boolean,
    { created = new Set(), pruned = new Set(), now }: RowsOptions,
  ) {
    this.updatedAt = isoUtc(now.getTime())!;
    this.created = created;
    this.pruned = pruned;
  }

  /** The item's row id and booking key (keyOf). */
  protected abstract idOf(item: T): string;
  protected abstract bookingKeyOf(item: T): string;
  /** The row's values in column order, without updated_at, as COPY text takes them (`copies`) or as JSON does. */
  protected abstract valuesOf(item: T, copies: boolean): CopyValue[];
  /** The row as an object for json_to_recordset, from its values. */
  protected abstract objectOf(item: T, values: readonly CopyValue[]): object;
  /** What a new row tells the listeners. */
  protected abstract createdOf(item: T): C;

  add(item: T): void {
    const values = this.valuesOf(item, this.copies);
    // The booking's key only where some bookings are named (a change of rules names none).
    const key = this.created.size > 0 || this.pruned.size > 0 ? this.bookingKeyOf(item) : null;
    if (key !== null && this.pruned.has(key)) this.kept.push(this.idOf(item));
    if (!this.copies) {
      this.objects.push(this.objectOf(item, values));
      return;
    }
    values.push(this.updatedAt);
    if (key !== null && this.created.has(key)) {
      this.copy.add(values);
      this.changes.push(this.createdOf(item));
    } else {
      this.staged.add(values);
    }
  }

  /** Add these and finish. */
  addAll(items: Iterable<T>): WrittenRows<C> {
    for (const item of items) this.add(item);
    return this.finish();
  }

  finish(): WrittenRows<C> {
    return {
      json: this.objects.length > 0 ? JSON.stringify(this.objects) : null,
      copy: this.copy.rows > 0 ? this.copy.take(true) : null,
      upserts: this.staged.rows > 0 ? this.staged.take(true) : null,
      kept: this.kept,
      created: this.changes,
    };
  }
}
