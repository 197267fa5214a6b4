import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { yieldToEventLoop } from '../common/yield.js';
import { CopyChunks, copyInto, JsonText } from '../database/copy.js';
import { DatabaseHandle } from '../database/database.module.js';
import { lockConfiguredFacilities } from '../database/locks.js';
import { keyOf, retractionKey, type BookingKey } from '../holds/booking-key.js';
import type { SeqEvent } from '../holds/hold-projector.service.js';
import type { FieldError, JmsEvent } from './event.schema.js';

export interface NewEventRow {
  eventId: string;
  facilityId: string;
  bookingId: string;
  type: string;
  /** ISO 8601 in UTC with milliseconds. */
  occurredAt: string;
  retractsEventId: string | null;
  /** The event as sent, as JSON (canonical key order; jsonb keeps no key order anyway). */
  bodyJson: string;
  contentHash: string;
  prevHash: string;
  chainHash: string;
}

export interface StoredSummary {
  contentHash: string;
  facilityId: string;
  bookingId: string;
  type: string;
}

export interface StoredEventRow {
  seq: number;
  eventId: string;
  facilityId: string;
  bookingId: string;
  type: string;
  occurredAtMs: number;
  receivedAt: Date;
  body: JmsEvent;
}

export interface RejectedRow {
  batchIndex: number | null;
  eventId: string | null;
  body: unknown;
  errors: FieldError[];
}

/**
 * Stored events with the ids $1 (half 1), and the stored retractions of the bookings $2/$3 (half
 * 2): one index probe per id and per booking.
 *
 * Lookups by a list of keys on the ingestion path are written this way: a LATERAL subquery
 * with OFFSET 0 cannot be flattened into a join, so each key is one index probe whatever the
 * statistics say. Written as joins (or as an OR of two = ANY lists), they were planned as
 * sorts or scans of the whole table when the statistics were stale, as they are while a jail
 * loads its history: 30–60 ms a batch at 40,000 bookings, growing with the table.
 */
export const STORED_EVENTS_SQL = `SELECT 1 AS half, e.* FROM unnest($1::text[]) AS i(id) CROSS JOIN LATERAL (
         SELECT event_id, content_hash, facility_id, booking_id, type, retracts_event_id FROM events WHERE event_id = i.id OFFSET 0) e
       UNION ALL
       SELECT 2, e.* FROM unnest($2::text[], $3::text[]) AS k(f, b) CROSS JOIN LATERAL (
         SELECT event_id, content_hash, facility_id, booking_id, type, retracts_event_id FROM events
          WHERE facility_id = k.f AND booking_id = k.b AND retracts_event_id IS NOT NULL OFFSET 0) e`;

/** The whole log of some bookings, probed by booking (see STORED_EVENTS_SQL), in (occurredAt, seq) order. */
export const BOOKING_LOGS_SQL = `SELECT e.seq, e.event_id, e.facility_id, e.booking_id, e.type, e.occurred_at, e.received_at, e.body
           FROM unnest($1::text[], $2::text[]) AS k(facility_id, booking_id) CROSS JOIN LATERAL (
                SELECT * FROM events WHERE facility_id = k.facility_id AND booking_id = k.booking_id OFFSET 0) e
          ORDER BY e.occurred_at, e.seq`;

export interface RefusalResolution {
  action: 'resent' | 'dismissed';
  reason: string | null;
  resentEventId: string | null;
  by: string;
  at: Date;
}

export interface RejectedListed {
  id: number;
  receivedAt: Date;
  batchIndex: number | null;
  eventId: string | null;
  body: unknown;
  errors: FieldError[];
  resolution: RefusalResolution | null;
}

interface RejectedSqlRow {
  id: number;
  received_at: Date;
  batch_index: number | null;
  event_id: string | null;
  body: unknown;
  errors: FieldError[];
  action: 'resent' | 'dismissed' | null;
  reason: string | null;
  resent_event_id: string | null;
  by_name: string | null;
  at: Date | null;
}

const REJECTED_SELECT = `SELECT r.id, r.received_at, r.batch_index, r.event_id, r.body, r.errors, x.action, x.reason, x.resent_event_id, x.by_name, x.at
  FROM rejected_events r LEFT JOIN refusal_resolutions x ON x.rejected_id = r.id`;

const rejectedListed = (r: RejectedSqlRow): RejectedListed => ({
  id: r.id,
  receivedAt: r.received_at,
  batchIndex: r.batch_index,
  eventId: r.event_id,
  body: r.body,
  errors: r.errors,
  resolution: r.action === null ? null : { action: r.action, reason: r.reason, resentEventId: r.resent_event_id, by: r.by_name!, at: r.at! },
});

/** Data access for the append-only event log and the rejected-event store. */
@Injectable()
export class EventLogRepository {
  /**
   * Whether `insert` COPYs, storing every row or failing, rather than INSERTing and skipping ids
   * stored meanwhile. COPY is several times faster, but the embedded server's socket cannot carry it.
   */
  readonly storesAllOrFails: boolean;

  constructor(
    private readonly ds: DataSource,
    db: DatabaseHandle,
  ) {
    this.storesAllOrFails = db.copies;
  }

  /**
   * Stored events with the ids `ids` (to tell duplicates, conflicts and retraction targets apart),
   * and the stored retractions of the bookings `bookings`, by `retractionKey` (an event may arrive
   * after its retraction; a retraction counts only in its own booking).
   */
  async findByIds(m: EntityManager, ids: string[], bookings: BookingKey[] = []): Promise<{ events: Map<string, StoredSummary>; retracted: Set<string> }> {
    const events = new Map<string, StoredSummary>();
    const retracted = new Set<string>();
    if (ids.length === 0 && bookings.length === 0) return { events, retracted };
    const rows: Array<{ half: number; event_id: string; content_hash: string; facility_id: string; booking_id: string; type: string; retracts_event_id: string | null }> = await m.query(
      STORED_EVENTS_SQL,
      [ids, bookings.map((b) => b.facilityId), bookings.map((b) => b.bookingId)],
    );
    for (const r of rows) {
      if (r.half === 1) events.set(r.event_id, { contentHash: r.content_hash, facilityId: r.facility_id, bookingId: r.booking_id, type: r.type });
      else retracted.add(retractionKey(r.facility_id, r.booking_id, r.retracts_event_id!));
    }
    return { events, retracted };
  }

  /**
   * Insert events, drawn from `source` in runs; returns the ids inserted. On the COPY path an id
   * already stored fails the transaction with a unique violation (the caller retries); on the
   * INSERT path it is skipped and left out of the set.
   */
  async insert(m: EntityManager, source: AsyncIterable<NewEventRow[]>, receivedAt: Date, apiKeyId: string | null): Promise<Set<string>> {
    if (this.storesAllOrFails) return this.copy(m, source, receivedAt, apiKeyId);
    const rows: NewEventRow[] = [];
    for await (const run of source) rows.push(...run);
    if (rows.length === 0) return new Set();
    const payload = JSON.stringify(
      rows.map((r) => ({
        event_id: r.eventId,
        facility_id: r.facilityId,
        booking_id: r.bookingId,
        type: r.type,
        occurred_at: r.occurredAt,
        retracts_event_id: r.retractsEventId,
        body: r.bodyJson,
        content_hash: r.contentHash,
        prev_hash: r.prevHash,
        chain_hash: r.chainHash,
      })),
    );
    // One JSON parameter expanded in SQL: one round trip; seq follows the order sent.
    const result: Array<{ event_id: string }> = await m.query(
      `INSERT INTO events (event_id, facility_id, booking_id, type, occurred_at, received_at, retracts_event_id, body, content_hash, api_key_id, prev_hash, chain_hash)
       SELECT x.event_id, x.facility_id, x.booking_id, x.type, x.occurred_at, $2, x.retracts_event_id, x.body::jsonb, x.content_hash, $3, x.prev_hash, x.chain_hash
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, n),
              jsonb_to_record(e.doc) AS x(event_id text, facility_id text, booking_id text, type text,
              occurred_at timestamptz, retracts_event_id text, body text, content_hash text, prev_hash text, chain_hash text)
        ORDER BY e.n
       ON CONFLICT (event_id) DO NOTHING
       RETURNING event_id`,
      [payload, receivedAt, apiKeyId],
    );
    return new Set(result.map((r) => r.event_id));
  }

  /**
   * The rows are drawn from `source` as the COPY goes, in chunks of bytes with a turn of the
   * event loop between them: Postgres parses one chunk while the next is built (the source may
   * compute each row, as the hash chain does, and wait for more, as the batch's check does).
   */
  private async copy(m: EntityManager, source: AsyncIterable<NewEventRow[]>, receivedAt: Date, apiKeyId: string | null): Promise<Set<string>> {
    const received = receivedAt.toISOString();
    const ids = new Set<string>();
    async function* chunks(): AsyncGenerator<Buffer> {
      const data = new CopyChunks();
      for await (const run of source) {
        for (const r of run) {
          ids.add(r.eventId);
          const full = data.add([r.eventId, r.facilityId, r.bookingId, r.type, r.occurredAt, received, r.retractsEventId, new JsonText(r.bodyJson), r.contentHash, apiKeyId, r.prevHash, r.chainHash]);
          if (full) {
            yield* data.take();
            await yieldToEventLoop();
          }
        }
      }
      yield* data.take(true);
    }
    // seq comes from the identity default, row by row in the order sent.
    await copyInto(m, 'COPY events (event_id, facility_id, booking_id, type, occurred_at, received_at, retracts_event_id, body, content_hash, api_key_id, prev_hash, chain_hash) FROM STDIN', chunks());
    return ids;
  }

  /**
   * Lock the chains of those of these facilities that are configured until the transaction ends
   * (sorted: no deadlock) and return each one's last hash: the facilities the batch may write.
   * Events of one facility are appended one request at a time.
   */
  async lockChainHeads(m: EntityManager, facilityIds: string[]): Promise<Map<string, string | null>> {
    const ids = await lockConfiguredFacilities(m, facilityIds);
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; head: string | null }> = await m.query(
      `SELECT f.id, (SELECT chain_hash FROM events e WHERE e.facility_id = f.id ORDER BY e.seq DESC LIMIT 1) AS head FROM unnest($1::text[]) AS f(id)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.head]));
  }

  /**
   * Every booking id of a facility's log, in no order. One statement, linear in the facility's
   * events under any plan: walking the ids in pages (`booking_id > $last ORDER BY ... LIMIT`)
   * was planned, on unanalysed tables (after a restore, say), as an aggregate of every row after
   * the page's start, each page again: quadratic.
   */
  async bookingIdsOf(m: EntityManager, facilityId: string): Promise<string[]> {
    const rows: Array<{ booking_id: string }> = await m.query('SELECT DISTINCT booking_id FROM events WHERE facility_id = $1', [facilityId]);
    return rows.map((r) => r.booking_id);
  }

  /** The whole log of some bookings, in (occurredAt, seq) order. */
  async forBookings(m: EntityManager | undefined, keys: Array<{ facilityId: string; bookingId: string }>): Promise<StoredEventRow[]> {
    if (keys.length === 0) return [];
    const rows: Array<{ seq: number; event_id: string; facility_id: string; booking_id: string; type: string; occurred_at: Date; received_at: Date; body: JmsEvent }> = await (
      m ?? this.ds.manager
    ).query(BOOKING_LOGS_SQL, [keys.map((k) => k.facilityId), keys.map((k) => k.bookingId)]);
    return rows.map((r) => ({
      seq: r.seq,
      eventId: r.event_id,
      facilityId: r.facility_id,
      bookingId: r.booking_id,
      type: r.type,
      occurredAtMs: r.occurred_at.getTime(),
      receivedAt: r.received_at,
      body: r.body,
    }));
  }

  /** The logs of some bookings by `keyOf`, each in (occurredAt, seq) order, every key present: what a refold folds. */
  async logsOf(m: EntityManager, keys: BookingKey[]): Promise<Map<string, SeqEvent[]>> {
    const logs = new Map<string, SeqEvent[]>(keys.map((k) => [keyOf(k.facilityId, k.bookingId), []]));
    for (const e of await this.forBookings(m, keys)) logs.get(keyOf(e.facilityId, e.bookingId))!.push({ seq: e.seq, occurredAtMs: e.occurredAtMs, receivedAtMs: e.receivedAt.getTime(), body: e.body });
    return logs;
  }

  /**
   * Every event of a facility (or of all), in the order stored, in pages of `pageSize` by seq:
   * memory stays flat however long the log. On a real server the pages are read in one
   * REPEATABLE READ snapshot on a connection of their own, so an export is one consistent log
   * even while events arrive. The embedded server has one connection, which a long export must
   * not hold; its transactions run one at a time, so seq order is commit order and the pages
   * still make one consistent log.
   */
  async *inOrder(facilityId: string | null, pageSize = 1000): AsyncGenerator<Array<{ body: unknown; receivedAt: Date }>> {
    const sql = `SELECT seq, body, received_at FROM events WHERE ${facilityId === null ? '$1::text IS NULL' : 'facility_id = $1'} AND seq > $2 ORDER BY seq LIMIT $3`;
    const runner = this.storesAllOrFails ? this.ds.createQueryRunner() : null;
    try {
      if (runner) {
        await runner.connect();
        await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      }
      const query = (params: unknown[]) => (runner ? runner.query(sql, params) : this.ds.query(sql, params)) as Promise<Array<{ seq: string; body: unknown; received_at: Date }>>;
      for (let after = '0'; ;) {
        const rows = await query([facilityId, after, pageSize]);
        if (rows.length > 0) yield rows.map((r) => ({ body: r.body, receivedAt: r.received_at }));
        if (rows.length < pageSize) break;
        after = String(rows[rows.length - 1].seq);
      }
    } finally {
      if (runner) {
        await runner.query('ROLLBACK').catch(() => {});
        await runner.release();
      }
    }
  }

  async insertRejected(m: EntityManager, rows: RejectedRow[], receivedAt: Date, apiKeyId: string | null): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO rejected_events (received_at, batch_index, event_id, body, errors, api_key_id)
       SELECT $2, x.batch_index, x.event_id, x.body, x.errors, $3
         FROM jsonb_to_recordset($1::jsonb) AS x(batch_index integer, event_id text, body jsonb, errors jsonb)`,
      [JSON.stringify(rows.map((r) => ({ batch_index: r.batchIndex, event_id: r.eventId, body: r.body ?? null, errors: r.errors }))), receivedAt, apiKeyId],
    );
  }

  /** Rejected events, newest first, keyset-paginated by id, with how each was resolved; `open`: only those not resolved. */
  async listRejected(limit: number, beforeId: number | null, open = false): Promise<RejectedListed[]> {
    const rows: RejectedSqlRow[] = await this.ds.query(
      `${REJECTED_SELECT}
        WHERE ($1::bigint IS NULL OR r.id < $1) AND (NOT $3::boolean OR x.rejected_id IS NULL) ORDER BY r.id DESC LIMIT $2`,
      [beforeId, limit, open],
    );
    return rows.map(rejectedListed);
  }

  async rejectedById(id: number): Promise<RejectedListed | null> {
    const rows: RejectedSqlRow[] = await this.ds.query(`${REJECTED_SELECT} WHERE r.id = $1`, [id]);
    return rows.length > 0 ? rejectedListed(rows[0]) : null;
  }

  /** Record how a refusal was resolved; false when it already was (the first resolution stands). */
  async insertResolution(r: {
    rejectedId: number;
    action: 'resent' | 'dismissed';
    reason: string | null;
    resentEventId: string | null;
    byKeyId: string | null;
    byName: string;
    at: Date;
  }): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO refusal_resolutions (rejected_id, action, reason, resent_event_id, by_key_id, by_name, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (rejected_id) DO NOTHING RETURNING rejected_id`,
      [r.rejectedId, r.action, r.reason, r.resentEventId, r.byKeyId, r.byName, r.at],
    );
    return rows.length === 1;
  }
}
