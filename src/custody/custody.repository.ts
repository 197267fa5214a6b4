import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isoUtc } from '../common/instant.js';
import { boundSql, type PeriodBound } from '../common/period-bound.js';
import { copyInto, JsonText, stageCopy, type CopyValue } from '../database/copy.js';
import { RowsToWrite, type RowsOptions, type WrittenRows } from '../database/rows-to-write.js';
import { keyOf } from '../holds/booking-key.js';
import { DatabaseHandle } from '../database/database.module.js';
import type { DisclosureVerdict } from '../rules/disclosure.js';
import type { CustodyJudgement, CustodyPhase } from './judge.js';
import type { ReviewFacts } from './review-facts.js';

export interface BookingRef {
  facilityId: string;
  bookingId: string;
}

/** A booking's custody record as judged, to store. */
export interface CustodyRow {
  id: string;
  key: BookingRef;
  personId: string | null;
  judgement: StoredJudgement;
  /** What the quarterly review counts (review-facts.ts). */
  review: ReviewFacts;
}

/** A custody record whose phase or authority may have changed; phase null: it is gone (a retraction took its detainers away). */
export interface CustodyChange {
  custodyId: string;
  facilityId: string;
  bookingId: string;
  /** The detainer whose window ends at dueAt ('' when none). */
  detainerId: string;
  phase: CustodyPhase | null;
  /** From when custody is unauthorised for good (open custody), else null. */
  dueAt: Date | null;
  /** No row before this write: nothing was planned or raised for it yet. */
  created?: boolean;
}

/** Custody rows to write (see `RowsToWrite`). */
export type CustodyRows = WrittenRows<CustodyChange>;

/** The verdict of a record, as `verdict_changes` and `rejudged` keep it. */
export interface Verdict {
  phase: CustodyPhase;
  compliant: boolean | null;
  overageSeconds: number | null;
}

export interface CustodySearch {
  facilityId?: string;
  bookingId?: string;
  personId?: string;
  /** A search box's terms (see `findTerms`): any of them may match. */
  find?: { id: string; words: string[]; aNumber: string | null };
  status?: 'pending' | 'running' | 'overdue' | 'closed' | 'active';
  compliant?: boolean;
  /** First detainer received in [start, end) local dates of the facility's own calendar. */
  quarter?: { startDate: string; endDate: string };
  /** Custody that ended in [from, to) (dates in the facility's own calendar, or instants). */
  endedFrom?: PeriodBound;
  endedTo?: PeriodBound;
  /** A violation of this reason. */
  reason?: string;
  authorizedBefore?: number;
  after?: { due: string; id: string };
  limit: number;
  nowMs: number;
}

export interface StoredCustody {
  id: string;
  facilityId: string;
  bookingId: string;
  personId: string | null;
  person: Record<string, unknown> | null;
  phase: CustodyPhase;
  activeFrom: Date | null;
  dueAt: Date | null;
  authorizedUntil: Date | null;
  endedAt: Date | null;
  outcome: string | null;
  compliant: boolean | null;
  overageMs: number | null;
  record: StoredJudgement;
  rejudged: { compliant: boolean | null; overageSeconds: number | null; recordedAt: string } | null;
  timeZone: string;
  dueKey: string;
  updatedAt: Date;
}

/** The judgement as read back (instants as epoch ms): `record` with the columns that hold the rest, and whether a release date may be told to ICE (src/rules/disclosure.ts). */
export type StoredJudgement = CustodyJudgement & { disclosure?: DisclosureVerdict };

/** The judgement's fields kept in columns of their own, not again in `record`. */
type InColumns =
  'phase' | 'endedAt' | 'outcome' | 'toAgency' | 'honoured' | 'activeFrom' | 'dueAt' | 'authorizedUntil' | 'dueDetainerId' | 'compliant' | 'overageMs' | 'unauthorizedMs' | 'processingMs';
/** What `record` stores: the periods, detainers, stretches and anomalies (every batch writes one a booking: the fewer bytes, the faster). */
type RecordJson = Omit<StoredJudgement, InColumns>;
const recordJson = (j: StoredJudgement): RecordJson => ({
  eligibility: j.eligibility,
  detainers: j.detainers,
  violations: j.violations,
  processing: j.processing,
  authorizedMs: j.authorizedMs,
  anomalies: j.anomalies,
  disclosure: j.disclosure,
});
/** A Postgres array literal of identifiers or numbers (nothing to quote), read the same from COPY text and from JSON. */
const pgArray = (items: ReadonlyArray<string | number>) => `{${items.join(',')}}`;
const msOf = (d: Date | null) => (d === null ? null : d.getTime());
const numberOf = (v: string | number | null) => (v === null ? null : Number(v));
/** The judgement back from a row: its record, and the columns (records stored whole before carry the same values). */
const judgementOf = (r: Record<string, any>): StoredJudgement => ({
  ...(r.record as RecordJson),
  phase: r.phase,
  endedAt: msOf(r.ended_at),
  outcome: r.outcome,
  toAgency: r.to_agency,
  honoured: r.honoured,
  activeFrom: msOf(r.active_from),
  dueAt: msOf(r.due_at),
  authorizedUntil: msOf(r.authorized_until),
  dueDetainerId: r.due_detainer_id,
  compliant: r.compliant,
  overageMs: numberOf(r.overage_ms),
  unauthorizedMs: Number(r.unauthorized_ms),
  processingMs: Number(r.processing_ms),
});

const COLUMNS = [
  'id',
  'facility_id',
  'booking_id',
  'person_id',
  'phase',
  'active_from',
  'eligible_from',
  'due_at',
  'authorized_until',
  'due_detainer_id',
  'ended_at',
  'outcome',
  'to_agency',
  'honoured',
  'compliant',
  'overage_ms',
  'unauthorized_ms',
  'processing_ms',
  'anomaly_count',
  'record',
  'first_lodged_at',
  'authorized_ms',
  'review_outcome',
  'charge_level',
  'charge_disposition',
  'any_conviction',
  'minor_only',
  'victim_or_witness',
  'violation_reasons',
  'review_counts',
] as const;
/** Where `record` is among COLUMNS. */
const RECORD_AT = COLUMNS.indexOf('record');
const RECORDSET = `x(id uuid, facility_id text, booking_id text, person_id text, phase text, active_from timestamptz, eligible_from timestamptz, due_at timestamptz,
  authorized_until timestamptz, due_detainer_id text, ended_at timestamptz, outcome text, to_agency text, honoured boolean, compliant boolean,
  overage_ms bigint, unauthorized_ms bigint, processing_ms bigint, anomaly_count integer, record json,
  first_lodged_at timestamptz, authorized_ms bigint, review_outcome text, charge_level text, charge_disposition text, any_conviction boolean, minor_only boolean,
  victim_or_witness boolean, violation_reasons text[], review_counts integer[])`;
const SET = COLUMNS.slice(3)
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');
// json has no equality: the record compares as its text (written by one JSON.stringify, so the same judgement is the same text).
const asCompared = (c: string) => (c.endsWith('.record') ? `${c}::text` : c);
const DISTINCT = `(${COLUMNS.slice(3)
  .map((c) => asCompared(`custody_records.${c}`))
  .join(', ')}) IS DISTINCT FROM (${COLUMNS.slice(3)
  .map((c) => asCompared(`EXCLUDED.${c}`))
  .join(', ')})`;

/** How a custody row meets the stored one: written only if something differs; the records that changed come back. */
const UPSERT = `ON CONFLICT (facility_id, booking_id) DO UPDATE SET ${SET}, updated_at = EXCLUDED.updated_at
  WHERE ${DISTINCT}`;
/** The records an upsert changed, back (see `replace`). */
const CHANGED = ' RETURNING id, facility_id, booking_id, phase, due_at, due_detainer_id';

/** Delete the custody records of some bookings other than those given ($3), probed by booking. */
const DROP_SQL = `DELETE FROM custody_records c
   WHERE c.ctid = ANY (ARRAY(SELECT x.ctid FROM unnest($1::text[], $2::text[]) AS k(f, b) CROSS JOIN LATERAL (
           SELECT ctid FROM custody_records WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) x))
     AND NOT (c.id = ANY($3::uuid[]))
   RETURNING c.id, c.facility_id, c.booking_id`;

export const CUSTODY_SELECT = `SELECT c.*, b.person, COALESCE(
      (SELECT p.time_zone FROM facility_policies p WHERE p.facility_id = c.facility_id
        AND COALESCE(p.effective_from, '-infinity'::timestamptz) <= COALESCE(c.active_from, c.ended_at, now())
        ORDER BY p.effective_from DESC NULLS LAST LIMIT 1), f.time_zone) AS zone
  FROM custody_records c JOIN facilities f ON f.id = c.facility_id
  LEFT JOIN bookings b ON b.facility_id = c.facility_id AND b.booking_id = c.booking_id`;

function toStored(r: Record<string, any>): StoredCustody {
  return {
    id: r.id,
    facilityId: r.facility_id,
    bookingId: r.booking_id,
    personId: r.person_id,
    person: r.person ?? null,
    phase: r.phase,
    activeFrom: r.active_from,
    dueAt: r.due_at,
    authorizedUntil: r.authorized_until,
    endedAt: r.ended_at,
    outcome: r.outcome,
    compliant: r.compliant,
    overageMs: r.overage_ms === null ? null : Number(r.overage_ms),
    record: judgementOf(r),
    rejudged: r.rejudged,
    timeZone: r.zone, // 'infinity' (closed, pending) comes back as a number or an invalid date: the cursor says so in words.
    dueKey: r.due_key instanceof Date && Number.isFinite(r.due_key.getTime()) ? r.due_key.toISOString() : 'infinity',
    updatedAt: r.updated_at,
  };
}

const changeOf = (r: { id: string; facility_id: string; booking_id: string; phase: CustodyPhase | null; due_at: Date | null; due_detainer_id: string | null }): CustodyChange => ({
  custodyId: r.id,
  facilityId: r.facility_id,
  bookingId: r.booking_id,
  detainerId: r.due_detainer_id ?? '',
  phase: r.phase,
  dueAt: r.due_at,
});

/** What a custody record just judged tells the alert planner (as `changeOf` reads it back stored). */
export const changeOfRecord = (r: CustodyRow): CustodyChange => ({
  custodyId: r.id,
  facilityId: r.key.facilityId,
  bookingId: r.key.bookingId,
  detainerId: r.judgement.dueDetainerId ?? '',
  phase: r.judgement.phase,
  dueAt: r.judgement.dueAt === null ? null : new Date(r.judgement.dueAt),
});

/** Where custody records are stored and read: the one place a verdict is kept. */
@Injectable()
export class CustodyRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly db: DatabaseHandle,
  ) {}

  /** The rows `replace` writes, serialised ahead (no database work); bookings in `created` have no row yet. */
  rows(records: readonly CustodyRow[], options: RowsOptions): CustodyRows {
    return this.rowsBuilder(options).addAll(records);
  }

  /** `rows` a record at a time, for a caller that serialises each booking as soon as it is judged (its objects then die young). */
  rowsBuilder(options: RowsOptions): CustodyRowsBuilder {
    return new CustodyRowsBuilder(this.db.copies, options);
  }

  /** Store custody rows; for `pruned` (refolded) bookings, delete the records they no longer have. The records that changed. */
  async replace(m: EntityManager, pruned: BookingRef[], rows: CustodyRows, now: Date, { changes: answer = true }: { changes?: boolean } = {}): Promise<CustodyChange[]> {
    const changes = [...rows.created];
    // Without `changes` (a facility judged again tells its listeners itself), none come back.
    const upsert = answer ? UPSERT + CHANGED : UPSERT;
    if (rows.copy !== null) await copyInto(m, `COPY custody_records (${COLUMNS.join(', ')}, updated_at) FROM STDIN`, rows.copy);
    if (rows.upserts !== null) {
      const stage = await stageCopy(m, 'custody_records', [...COLUMNS, 'updated_at'], rows.upserts);
      const changed: Array<Parameters<typeof changeOf>[0]> = await m.query(
        `WITH staged AS (DELETE FROM ${stage} RETURNING *)
         INSERT INTO custody_records (${COLUMNS.join(', ')}, updated_at) SELECT * FROM staged
         ${upsert}`,
      );
      changes.push(...changed.map(changeOf));
    }
    if (rows.json !== null) {
      const changed: Array<Parameters<typeof changeOf>[0]> = await m.query(
        `INSERT INTO custody_records (${COLUMNS.join(', ')}, updated_at)
         SELECT x.*, $2 FROM json_to_recordset($1::json) AS ${RECORDSET}
         ${upsert}`,
        [rows.json, now],
      );
      changes.push(...changed.map(changeOf));
    }
    if (pruned.length === 0) return changes;
    const [deleted]: [Array<{ id: string; facility_id: string; booking_id: string }>, number] = await m.query(DROP_SQL, [pruned.map((k) => k.facilityId), pruned.map((k) => k.bookingId), rows.kept]);
    for (const d of deleted) changes.push({ custodyId: d.id, facilityId: d.facility_id, bookingId: d.booking_id, detainerId: '', phase: null, dueAt: null });
    return changes;
  }

  /** The stored verdicts of some bookings of a facility (before they are judged again), by booking id. */
  async verdictsOf(m: EntityManager, facilityId: string, bookingIds: string[] | null): Promise<Map<string, Verdict & { id: string; rejudged: unknown }>> {
    const rows: Array<{ id: string; booking_id: string; phase: CustodyPhase; compliant: boolean | null; overage_ms: string | null; rejudged: unknown }> = await m.query(
      `SELECT id, booking_id, phase, compliant, overage_ms, rejudged FROM custody_records WHERE facility_id = $1 AND ($2::text[] IS NULL OR booking_id = ANY($2::text[]))`,
      [facilityId, bookingIds],
    );
    return new Map(
      rows.map((r) => [r.booking_id, { id: r.id, phase: r.phase, compliant: r.compliant, overageSeconds: r.overage_ms === null ? null : Number(r.overage_ms) / 1000, rejudged: r.rejudged }]),
    );
  }

  /** Before custody records existed (an upgrade), the verdict the holds of a booking gave: compliant if all were, the largest overage. */
  async holdVerdictsOf(m: EntityManager, facilityId: string, bookingIds: string[]): Promise<Map<string, Verdict>> {
    const rows: Array<{ booking_id: string; open: boolean; closed: boolean; compliant: boolean | null; overage_ms: string | null }> = await m.query(
      `SELECT booking_id, bool_or(phase = 'open') AS open, bool_and(phase = 'closed') AS closed, bool_and(compliant) AS compliant, max(overage_ms) AS overage_ms
         FROM holds WHERE facility_id = $1 AND booking_id = ANY($2::text[]) GROUP BY booking_id`,
      [facilityId, bookingIds],
    );
    return new Map(
      rows.map((r) => [
        r.booking_id,
        {
          phase: r.closed ? 'closed' : r.open ? 'open' : 'pending',
          compliant: r.closed ? r.compliant : null,
          overageSeconds: r.closed && r.overage_ms !== null ? Number(r.overage_ms) / 1000 : null,
        },
      ]),
    );
  }

  async recordVerdictChanges(
    m: EntityManager,
    rows: Array<{ facilityId: string; bookingId: string; custodyId: string; cause: string; before: Verdict | null; after: Verdict | null }>,
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO verdict_changes (facility_id, booking_id, custody_id, changed_at, cause, before, after)
       SELECT x.facility_id, x.booking_id, x.custody_id, $2, x.cause, x.before, x.after
         FROM jsonb_to_recordset($1::jsonb) AS x(facility_id text, booking_id text, custody_id uuid, cause text, before jsonb, after jsonb)`,
      [JSON.stringify(rows.map((r) => ({ facility_id: r.facilityId, booking_id: r.bookingId, custody_id: r.custodyId, cause: r.cause, before: r.before, after: r.after }))), at],
    );
  }

  async setRejudged(m: EntityManager, items: Array<{ id: string; rejudged: object | null }>): Promise<void> {
    if (items.length === 0) return;
    await m.query(`UPDATE custody_records c SET rejudged = x.rejudged FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, rejudged jsonb) WHERE c.id = x.id`, [JSON.stringify(items)]);
  }

  async listVerdictChanges(limit: number, beforeId: number | null): Promise<Array<Record<string, any>>> {
    return this.ds.query(`SELECT id, facility_id, booking_id, custody_id, changed_at, cause, before, after FROM verdict_changes WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`, [
      beforeId,
      limit,
    ]);
  }

  /** Custody records matching the filters, least authority left first (open custody by dueAt, the rest after), keyset-paginated. */
  async search(f: CustodySearch): Promise<StoredCustody[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.facilityId) where.push(`c.facility_id = ${p(f.facilityId)}`);
    if (f.bookingId) where.push(`c.booking_id = ${p(f.bookingId)}`);
    if (f.personId) where.push(`c.person_id = ${p(f.personId)}`);
    if (f.find) {
      const any = [`c.booking_id = ${p(f.find.id)}`, `c.person_id = ${p(f.find.id)}`];
      if (f.find.words.length > 0) {
        // Every word somewhere in the name, as typed (LIKE's wildcards taken literally).
        any.push(`(${f.find.words.map((w) => `b.person->>'name' ILIKE ${p(`%${w.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)}`).join(' AND ')})`);
      }
      if (f.find.aNumber) any.push(`lpad(regexp_replace(b.person->>'aNumber', '\\D', '', 'g'), 9, '0') = ${p(f.find.aNumber)}`);
      where.push(`(${any.join(' OR ')})`);
    }
    const now = new Date(f.nowMs);
    // As custodyStatusAt: open custody is pending before its period starts, overdue after dueAt.
    if (f.status === 'pending') where.push(`(c.phase = 'pending' OR (c.phase = 'open' AND c.active_from > ${p(now)}))`);
    if (f.status === 'closed') where.push(`c.phase = 'closed'`);
    if (f.status === 'running') where.push(`c.phase = 'open'`, `c.active_from <= ${p(now)}`, `c.due_key >= ${p(now)}`);
    if (f.status === 'overdue') where.push(`c.phase = 'open'`, `c.active_from <= ${p(now)}`, `c.due_key < ${p(now)}`);
    if (f.status === 'active') where.push(`c.phase IN ('pending', 'open')`);
    if (f.compliant !== undefined) where.push(`c.compliant = ${p(f.compliant)}`);
    if (f.quarter)
      where.push(`c.first_lodged_at >= (${p(f.quarter.startDate)}::timestamp AT TIME ZONE f.time_zone)`, `c.first_lodged_at < (${p(f.quarter.endDate)}::timestamp AT TIME ZONE f.time_zone)`);
    if (f.endedFrom) where.push(`c.ended_at >= ${boundSql(f.endedFrom, p, 'f.time_zone')}`);
    if (f.endedTo) where.push(`c.ended_at < ${boundSql(f.endedTo, p, 'f.time_zone')}`);
    if (f.reason) where.push(`EXISTS (SELECT 1 FROM json_array_elements(c.record->'violations') v WHERE v->>'reason' = ${p(f.reason)})`);
    if (f.authorizedBefore !== undefined) where.push(`c.due_key < ${p(new Date(f.authorizedBefore))}`);
    if (f.after) where.push(`(c.due_key, c.id) > (${p(f.after.due)}::timestamptz, ${p(f.after.id)}::uuid)`);
    const sql = `${CUSTODY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.due_key, c.id LIMIT ${p(f.limit)}`;
    return (await this.ds.query(sql, params)).map(toStored);
  }

  /** Custody not yet ended with a detainer awaiting a supervisor's decision, least authority left first. */
  async awaitingReview(facilityId: string | null, limit: number): Promise<StoredCustody[]> {
    const rows = await this.ds.query(
      `${CUSTODY_SELECT} WHERE c.phase <> 'closed' AND ($1::text IS NULL OR c.facility_id = $1)
         AND EXISTS (SELECT 1 FROM json_array_elements(c.record->'detainers') d WHERE d->>'authority' = 'needs_review')
       ORDER BY c.due_key, c.id LIMIT $2`,
      [facilityId, limit],
    );
    return rows.map(toStored);
  }

  async find(id: string): Promise<StoredCustody | null> {
    const rows = await this.ds.query(`${CUSTODY_SELECT} WHERE c.id = $1`, [id]);
    return rows.length ? toStored(rows[0]) : null;
  }

  async ofBooking(facilityId: string, bookingId: string): Promise<StoredCustody | null> {
    const rows = await this.ds.query(`${CUSTODY_SELECT} WHERE c.facility_id = $1 AND c.booking_id = $2`, [facilityId, bookingId]);
    return rows.length ? toStored(rows[0]) : null;
  }
}

/** Custody rows serialised as they are added (see `CustodyRepository.rows`). */
export class CustodyRowsBuilder extends RowsToWrite<CustodyRow, CustodyChange> {
  protected idOf(r: CustodyRow): string {
    return r.id;
  }

  protected bookingKeyOf(r: CustodyRow): string {
    return keyOf(r.key.facilityId, r.key.bookingId);
  }

  protected valuesOf(r: CustodyRow, copies: boolean): CopyValue[] {
    const j = r.judgement;
    const v = r.review;
    return [
      r.id,
      r.key.facilityId,
      r.key.bookingId,
      r.personId,
      j.phase,
      isoUtc(j.activeFrom),
      isoUtc(j.eligibility[0]?.from ?? null),
      isoUtc(j.dueAt),
      isoUtc(j.authorizedUntil),
      j.dueDetainerId,
      isoUtc(j.endedAt),
      j.outcome,
      j.toAgency,
      j.honoured,
      j.compliant,
      j.overageMs,
      j.unauthorizedMs,
      j.processingMs,
      j.anomalies.length,
      copies ? new JsonText(JSON.stringify(recordJson(j))) : null, // the record (an object in objectOf)
      isoUtc(v.firstLodgedAt),
      j.authorizedMs,
      v.outcome,
      v.chargeLevel,
      v.chargeDisposition,
      v.anyConviction,
      v.minorOnly,
      v.victimOrWitness,
      pgArray(v.violationReasons),
      pgArray(v.reviews),
    ];
  }

  protected objectOf(r: CustodyRow, values: readonly CopyValue[]): object {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < COLUMNS.length; i++) o[COLUMNS[i]] = i === RECORD_AT ? recordJson(r.judgement) : values[i];
    return o;
  }

  protected createdOf(r: CustodyRow): CustodyChange {
    return { ...changeOfRecord(r), created: true };
  }
}
