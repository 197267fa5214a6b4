import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { countedSoFar, type DerivedHold } from '../clock/derive-hold.js';
import { isoUtc } from '../common/instant.js';
import { CopyChunks, copyInto, JsonText, stageCopy } from '../database/copy.js';
import { DatabaseHandle } from '../database/database.module.js';
import { RowsToWrite, type RowsOptions, type WrittenRows } from '../database/rows-to-write.js';
import { emptyFacts } from '../custody/custody-facts.js';
import type { BookingState } from './booking-projection.js';
import { detainerKey, keyOf, type BookingKey } from './booking-key.js';
import { HoldEntity } from './hold.entity.js';

export interface HoldRow {
  id: string;
  key: BookingKey;
  detainerId: string;
  personId: string | null;
  /** The booking's most serious charge level, whether any charge ended in conviction, where custody went. */
  chargeLevel: string;
  convicted: boolean;
  toAgency: string | null;
  policyVersionId: number;
  form: string;
  warrant: string | null;
  agency: string;
  lodgedAt: number;
  derived: DerivedHold;
  /** The booking's custody record, whose status basis the hold shows: open custody's period start and from when it is unauthorised. */
  custodyId: string;
  /** Custody transferred to ICE (by name or the facility's aliases): the detainer was honoured. */
  honoured: boolean | null;
  custodyActiveFrom: number | null;
  custodyDueAt: number | null;
}

/**
 * Booking and detainer rows to upsert, as JSON; those of bookings that have no row yet, as COPY
 * data (null: none); and the arguments of DROP_DETAINERS_SQL for refolded bookings (see `stateRows`).
 */
export interface StateRows {
  bookings: string | null;
  detainers: string | null;
  newBookings: Buffer[] | null;
  newDetainers: Buffer[] | null;
  refolded: string[][] | null;
}

/** Hold rows to write (see `RowsToWrite`). */
export type HoldRows = WrittenRows<HoldChange>;

/** A hold whose phase or deadline may have changed; phase null: the hold is gone (a retraction removed its detainer). */
export interface HoldChange {
  holdId: string;
  facilityId: string;
  bookingId: string;
  detainerId: string;
  phase: 'pending' | 'open' | 'closed' | null;
  deadlineAt: Date | null;
  /** The hold had no row before this write: nothing was planned or raised for it yet. */
  created?: boolean;
  /** A detainer of its custody waits for a supervisor's decision (rule sets). */
  review?: boolean;
}

/** Columns of a booking row as `stateRows` writes them (then updated_at). */
const BOOKING_COLUMNS = [
  'facility_id',
  'booking_id',
  'person_id',
  'person',
  'booked_at',
  'charges',
  'charges_at',
  'release_eligible_at',
  'release_reason',
  'custody_ended_at',
  'custody_end_kind',
  'to_agency',
  'facts',
] as const;
/** Columns of a detainer row. */
const DETAINER_COLUMNS = ['facility_id', 'booking_id', 'detainer_id', 'form', 'agency', 'warrant', 'lodged_at', 'cancelled_at'] as const;
/** Columns of a hold row as `holdRows` writes them (then updated_at). */
const HOLD_COLUMNS = [
  'id',
  'facility_id',
  'booking_id',
  'detainer_id',
  'person_id',
  'form',
  'warrant',
  'agency',
  'policy',
  'hold_hours',
  'policy_version_id',
  'phase',
  'lodged_at',
  'clock_started_at',
  'deadline_at',
  'ended_at',
  'outcome',
  'compliant',
  'overage_ms',
  'counted_ms',
  'charge_level',
  'convicted',
  'to_agency',
  'custody_id',
  'custody_active_from',
  'custody_due_at',
  'honoured',
] as const;

/** How a hold row meets the stored one: written only if something differs (then HOLD_CHANGED: the holds that changed come back). */
const HOLD_UPSERT = `ON CONFLICT (id) DO UPDATE SET
    person_id = EXCLUDED.person_id, form = EXCLUDED.form, warrant = EXCLUDED.warrant, agency = EXCLUDED.agency, policy = EXCLUDED.policy,
    hold_hours = EXCLUDED.hold_hours, policy_version_id = EXCLUDED.policy_version_id, phase = EXCLUDED.phase, lodged_at = EXCLUDED.lodged_at,
    clock_started_at = EXCLUDED.clock_started_at, deadline_at = EXCLUDED.deadline_at, ended_at = EXCLUDED.ended_at,
    outcome = EXCLUDED.outcome, compliant = EXCLUDED.compliant, overage_ms = EXCLUDED.overage_ms, counted_ms = EXCLUDED.counted_ms,
    charge_level = EXCLUDED.charge_level, convicted = EXCLUDED.convicted, to_agency = EXCLUDED.to_agency,
    custody_id = EXCLUDED.custody_id, custody_active_from = EXCLUDED.custody_active_from, custody_due_at = EXCLUDED.custody_due_at, honoured = EXCLUDED.honoured, updated_at = EXCLUDED.updated_at
  WHERE (holds.phase, holds.deadline_at, holds.ended_at, holds.outcome, holds.compliant, holds.overage_ms, holds.counted_ms, holds.clock_started_at,
         holds.policy_version_id, holds.person_id, holds.form, holds.warrant, holds.agency, holds.lodged_at, holds.charge_level, holds.convicted, holds.to_agency,
         holds.custody_id, holds.custody_active_from, holds.custody_due_at, holds.honoured)
        IS DISTINCT FROM
        (EXCLUDED.phase, EXCLUDED.deadline_at, EXCLUDED.ended_at, EXCLUDED.outcome, EXCLUDED.compliant, EXCLUDED.overage_ms, EXCLUDED.counted_ms, EXCLUDED.clock_started_at,
         EXCLUDED.policy_version_id, EXCLUDED.person_id, EXCLUDED.form, EXCLUDED.warrant, EXCLUDED.agency, EXCLUDED.lodged_at, EXCLUDED.charge_level, EXCLUDED.convicted, EXCLUDED.to_agency,
         EXCLUDED.custody_id, EXCLUDED.custody_active_from, EXCLUDED.custody_due_at, EXCLUDED.honoured)`;
const HOLD_CHANGED = ' RETURNING id, facility_id, booking_id, detainer_id, phase, deadline_at';

type Value = string | number | boolean | null;
/** A row as an object for json_to_recordset, from values in column order. */
function record(columns: readonly string[], values: readonly Value[]): Record<string, Value> {
  const o: Record<string, Value> = {};
  for (let i = 0; i < columns.length; i++) o[columns[i]] = values[i];
  return o;
}
const copyStatement = (table: string, columns: readonly string[]) => `COPY ${table} (${columns.join(', ')}) FROM STDIN`;

export interface HoldSearch {
  facilityId?: string;
  bookingId?: string;
  personId?: string;
  status?: 'pending' | 'running' | 'overdue' | 'closed' | 'active';
  deadlineBefore?: number;
  after?: { due: string; id: string };
  limit: number;
  nowMs: number;
}

/**
 * Holds with the rules that judge them, rebuilt from their policy version and the facility's
 * zone (kept out of the hold row, which reports scan by the million).
 */
export const HOLD_SELECT = `SELECT h.id, h.facility_id, h.booking_id, h.detainer_id, h.person_id, h.form, h.warrant, h.agency, h.policy, h.hold_hours,
    h.policy_version_id, h.phase, h.lodged_at, h.clock_started_at, h.deadline_at, h.ended_at, h.outcome, h.compliant, h.overage_ms, h.updated_at,
    h.custody_id, h.custody_active_from, h.custody_due_at,
    jsonb_build_object('timeZone', COALESCE(p.time_zone, f.time_zone), 'policy', h.policy, 'holdHours', h.hold_hours,
                       'extraHolidays', COALESCE(p.extra_holidays, '[]'::jsonb), 'requireJudicialWarrant', COALESCE(p.require_judicial_warrant, false)) AS rules
  FROM holds h JOIN facilities f ON f.id = h.facility_id LEFT JOIN facility_policies p ON p.id = h.policy_version_id`;

export function toHold(r: Record<string, any>): HoldEntity {
  return Object.assign(new HoldEntity(), {
    id: r.id,
    facilityId: r.facility_id,
    bookingId: r.booking_id,
    detainerId: r.detainer_id,
    personId: r.person_id,
    form: r.form,
    warrant: r.warrant,
    agency: r.agency,
    policy: r.policy,
    holdHours: r.hold_hours,
    policyVersionId: r.policy_version_id,
    rules: r.rules,
    phase: r.phase,
    lodgedAt: r.lodged_at,
    clockStartedAt: r.clock_started_at,
    deadlineAt: r.deadline_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    compliant: r.compliant,
    overageMs: r.overage_ms,
    updatedAt: r.updated_at,
    custodyId: r.custody_id,
    custodyActiveFrom: r.custody_active_from,
    custodyDueAt: r.custody_due_at,
  });
}

/** Booking rows by key, one index probe each (see STORED_EVENTS_SQL in the event log). */
export const LOAD_BOOKINGS_SQL = `SELECT b.* FROM unnest($1::text[], $2::text[]) AS k(f, b) CROSS JOIN LATERAL (SELECT * FROM bookings WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) b`;

/** Detainer rows of some bookings, probed by booking (as above). */
export const LOAD_DETAINERS_SQL = `SELECT d.* FROM unnest($1::text[], $2::text[]) AS k(f, b) CROSS JOIN LATERAL (SELECT * FROM detainers WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) d`;

/** Delete the detainers of some bookings that are not among those kept ($3–$5), probed by booking (as above). */
export const DROP_DETAINERS_SQL = `DELETE FROM detainers d
        WHERE d.ctid = ANY (ARRAY(SELECT x.ctid FROM unnest($1::text[], $2::text[]) AS k(f, b) CROSS JOIN LATERAL (
                SELECT ctid FROM detainers WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) x))
          AND (d.facility_id, d.booking_id, d.detainer_id) NOT IN (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]))`;

/** Delete the holds of some bookings other than those given ($3), probed by booking (as above). */
export const DROP_HOLDS_SQL = `DELETE FROM holds h
        WHERE h.ctid = ANY (ARRAY(SELECT x.ctid FROM unnest($1::text[], $2::text[]) AS k(f, b) CROSS JOIN LATERAL (
                SELECT ctid FROM holds WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) x))
          AND NOT (h.id = ANY($3::uuid[]))
        RETURNING h.id, h.facility_id, h.booking_id, h.detainer_id`;

/** Data access of the holds module: the projections derived from the log (bookings, detainers, holds) and their queries. */
@Injectable()
export class HoldsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly db: DatabaseHandle,
  ) {}

  /** Holds matching the filters, in order of time left (no deadline last), keyset-paginated. */
  async search(f: HoldSearch): Promise<HoldEntity[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.facilityId) where.push(`h.facility_id = ${p(f.facilityId)}`);
    if (f.bookingId) where.push(`h.booking_id = ${p(f.bookingId)}`);
    if (f.personId) where.push(`h.person_id = ${p(f.personId)}`);
    // due_at is deadline_at, or infinity while there is none: the indexed column.
    const now = new Date(f.nowMs);
    // As statusAt: an open hold whose clock starts later (a release-eligible instant known ahead) is pending.
    // A hold's status is its booking's custody status (custodyStatusAt): open custody is pending
    // before its eligibility period starts, running until it is unauthorised for good, overdue after.
    if (f.status === 'pending') where.push(`(h.phase = 'pending' OR (h.phase = 'open' AND h.custody_active_from > ${p(now)}))`);
    if (f.status === 'closed') where.push(`h.phase = 'closed'`);
    if (f.status === 'running') where.push(`h.phase = 'open'`, `COALESCE(h.custody_due_at, 'infinity') >= ${p(now)}`, `h.custody_active_from <= ${p(now)}`);
    if (f.status === 'overdue') where.push(`h.phase = 'open'`, `h.custody_due_at < ${p(now)}`, `h.custody_active_from <= ${p(now)}`);
    if (f.status === 'active') where.push(`h.phase IN ('pending', 'open')`);
    if (f.deadlineBefore !== undefined) where.push(`h.due_at < ${p(new Date(f.deadlineBefore))}`);
    if (f.after) where.push(`(h.due_at, h.id) > (${p(f.after.due)}::timestamptz, ${p(f.after.id)}::uuid)`);
    const sql = `${HOLD_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.due_at, h.id LIMIT ${p(f.limit)}`;
    return (await this.ds.query(sql, params)).map(toHold);
  }

  /** The `person` each of these bookings was opened with (null where none was sent), by facility and booking id. */
  async peopleOf(keys: ReadonlyArray<{ facilityId: string; bookingId: string }>): Promise<Map<string, Record<string, unknown> | null>> {
    const out = new Map<string, Record<string, unknown> | null>();
    if (keys.length === 0) return out;
    const rows: Array<{ facility_id: string; booking_id: string; person: Record<string, unknown> | null }> = await this.ds.query(
      `SELECT b.facility_id, b.booking_id, b.person FROM unnest($1::text[], $2::text[]) AS k(f, b)
         CROSS JOIN LATERAL (SELECT facility_id, booking_id, person FROM bookings WHERE facility_id = k.f AND booking_id = k.b OFFSET 0) b`,
      [keys.map((k) => k.facilityId), keys.map((k) => k.bookingId)],
    );
    for (const r of rows) out.set(keyOf(r.facility_id, r.booking_id), r.person);
    return out;
  }

  async findHold(id: string): Promise<HoldEntity | null> {
    const rows = await this.ds.query(`${HOLD_SELECT} WHERE h.id = $1`, [id]);
    return rows.length ? toHold(rows[0]) : null;
  }

  async loadStates(m: EntityManager, keys: BookingKey[]): Promise<Map<string, BookingState>> {
    if (keys.length === 0) return new Map();
    const bookings: BookingRow[] = await m.query(LOAD_BOOKINGS_SQL, [keys.map((k) => k.facilityId), keys.map((k) => k.bookingId)]);
    // A detainer row exists only under its booking's (ProjectionChecks): those of bookings not
    // found are not looked for. A batch that opens new bookings reads no detainers at all.
    const detainers: DetainerRow[] = bookings.length === 0 ? [] : await m.query(LOAD_DETAINERS_SQL, [bookings.map((b) => b.facility_id), bookings.map((b) => b.booking_id)]);
    return statesOf(bookings, detainers);
  }

  /**
   * The stored state of every booking of a facility (a change of its rules judges them all again),
   * in pages of `size` bookings read through a cursor (one scan, in no particular order). The next
   * page is asked for before this one is handed over, so Postgres reads it while the caller judges
   * this one. The facility's detainers are read first, at once (a few short columns each).
   * Instants come as epoch milliseconds (float8): parsing 100,000 rows' timestamps as Dates cost
   * the server more than reading them. A page's JSON columns come as text, and each booking's are
   * parsed only as the caller reaches it (its objects then die young); `person` is not read (a
   * change of rules writes no booking row): it is null in these states.
   */
  async *facilityStates(m: EntityManager, facilityId: string, size: number): AsyncGenerator<Iterable<{ key: BookingKey; state: BookingState }>> {
    const detainers: DetainerRow[] = await m.query(
      `SELECT facility_id, booking_id, detainer_id, form, agency, warrant, ${epochMs('lodged_at')}, ${epochMs('cancelled_at')} FROM detainers WHERE facility_id = $1`,
      [facilityId],
    );
    const byBooking = grouped(detainers, (d) => d.booking_id);
    await m.query(
      `DECLARE facility_states NO SCROLL CURSOR FOR
         SELECT facility_id, booking_id, person_id, NULL AS person, ${epochMs('booked_at')}, charges::text AS charges, ${epochMs('charges_at')}, ${epochMs('release_eligible_at')},
                release_reason, ${epochMs('custody_ended_at')}, custody_end_kind, to_agency, facts::text AS facts
           FROM bookings WHERE facility_id = $1`,
      [facilityId],
    );
    const fetch = () => {
      const page: Promise<BookingTextRow[]> = m.query(`FETCH ${Math.trunc(size)} FROM facility_states`);
      // Awaited at the next turn; a failure meanwhile is not an unhandled rejection.
      page.catch(() => undefined);
      return page;
    };
    try {
      let next: Promise<BookingTextRow[]> | null = fetch();
      while (next !== null) {
        const bookings: BookingTextRow[] = await next;
        next = bookings.length === size ? fetch() : null;
        if (bookings.length > 0) yield parsedAsReached(bookings, byBooking);
      }
    } finally {
      // In a transaction that failed, the cursor goes with it.
      await m.query('CLOSE facility_states').catch(() => undefined);
    }
  }

  /** The fingerprint of the code that derived the stored bookings and holds (see derivation.ts); null before any was recorded. */
  async derivedBy(m: EntityManager): Promise<string | null> {
    const rows: Array<{ fingerprint: string }> = await m.query(`SELECT fingerprint FROM derivations WHERE what = 'holds'`);
    return rows[0]?.fingerprint ?? null;
  }

  async recordDerivation(m: EntityManager, fingerprint: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO derivations (what, fingerprint, derived_at) VALUES ('holds', $1, $2)
       ON CONFLICT (what) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, derived_at = EXCLUDED.derived_at`,
      [fingerprint, at],
    );
  }

  /**
   * The rows `saveStates` writes, serialised ahead of the write (no database work): the booking
   * states, the `touched` detainers (by detainerKey), and for `refolded` bookings the detainers
   * to keep (the others are deleted: a retraction can take a detainer away). The rows of bookings
   * in `created` (known to have no row: the caller holds their facility's lock) are COPY data where the
   * server carries COPY, written without the upsert's conflict check and JSON parsing.
   */
  stateRows(
    states: Array<{ key: BookingKey; state: BookingState }>,
    { refolded, touched, created = new Set(), now }: { refolded: ReadonlySet<string>; touched: ReadonlySet<string>; created?: ReadonlySet<string>; now: Date },
  ): StateRows {
    const updatedAt = isoUtc(now.getTime());
    const bookings: object[] = [];
    const detainers: object[] = [];
    const newBookings = new CopyChunks();
    const newDetainers = new CopyChunks();
    const kept: Array<{ facilityId: string; bookingId: string; detainerId: string }> = [];
    for (const { key, state: s } of states) {
      const k = keyOf(key.facilityId, key.bookingId);
      const copied = this.db.copies && created.has(k);
      const booking: Value[] = [
        key.facilityId,
        key.bookingId,
        s.personId,
        s.person === null ? null : JSON.stringify(s.person),
        isoUtc(s.bookedAt),
        JSON.stringify(s.charges),
        isoUtc(s.chargesAt),
        isoUtc(s.releaseEligibleAt),
        s.releaseReason,
        isoUtc(s.custodyEndedAt),
        s.custodyEndKind,
        s.toAgency,
      ];
      if (copied) newBookings.add([...booking, new JsonText(JSON.stringify(s.facts)), updatedAt]);
      else bookings.push({ ...record(BOOKING_COLUMNS, booking), facts: s.facts });
      for (const [detainerId, d] of s.detainers) {
        if (!touched.has(detainerKey(k, detainerId))) continue;
        const detainer: Value[] = [key.facilityId, key.bookingId, detainerId, d.form, d.agency, d.warrant, isoUtc(d.lodgedAt), isoUtc(d.cancelledAt)];
        if (copied) newDetainers.add(detainer);
        else detainers.push(record(DETAINER_COLUMNS, detainer));
        if (refolded.has(k)) kept.push({ facilityId: key.facilityId, bookingId: key.bookingId, detainerId });
      }
    }
    const dropped = states.filter((s) => refolded.has(keyOf(s.key.facilityId, s.key.bookingId)));
    return {
      bookings: bookings.length > 0 ? JSON.stringify(bookings) : null,
      detainers: detainers.length > 0 ? JSON.stringify(detainers) : null,
      newBookings: newBookings.rows > 0 ? newBookings.take(true) : null,
      newDetainers: newDetainers.rows > 0 ? newDetainers.take(true) : null,
      refolded:
        dropped.length === 0
          ? null
          : [dropped.map((s) => s.key.facilityId), dropped.map((s) => s.key.bookingId), kept.map((d) => d.facilityId), kept.map((d) => d.bookingId), kept.map((d) => d.detainerId)],
    };
  }

  /** Write booking states and detainers, and delete the detainers refolded bookings no longer have (see `stateRows`). */
  async saveStates(m: EntityManager, rows: StateRows, now: Date): Promise<void> {
    // New bookings first: their detainers refer to them.
    if (rows.newBookings !== null) await copyInto(m, copyStatement('bookings', [...BOOKING_COLUMNS, 'updated_at']), rows.newBookings);
    if (rows.newDetainers !== null) await copyInto(m, copyStatement('detainers', DETAINER_COLUMNS), rows.newDetainers);
    if (rows.bookings !== null) {
      await m.query(
        `INSERT INTO bookings (facility_id, booking_id, person_id, person, booked_at, charges, charges_at, release_eligible_at, release_reason,
                               custody_ended_at, custody_end_kind, to_agency, facts, updated_at)
         SELECT x.facility_id, x.booking_id, x.person_id, x.person::jsonb, x.booked_at, COALESCE(x.charges::jsonb, '[]'), x.charges_at, x.release_eligible_at,
                x.release_reason, x.custody_ended_at, x.custody_end_kind, x.to_agency, x.facts, $2
           FROM json_to_recordset($1::json) AS x(facility_id text, booking_id text, person_id text, person text, booked_at timestamptz,
                charges text, charges_at timestamptz, release_eligible_at timestamptz, release_reason text, custody_ended_at timestamptz,
                custody_end_kind text, to_agency text, facts json)
         ON CONFLICT (facility_id, booking_id) DO UPDATE SET
           person_id = EXCLUDED.person_id, person = EXCLUDED.person, booked_at = EXCLUDED.booked_at, charges = EXCLUDED.charges,
           charges_at = EXCLUDED.charges_at, release_eligible_at = EXCLUDED.release_eligible_at, release_reason = EXCLUDED.release_reason,
           custody_ended_at = EXCLUDED.custody_ended_at, custody_end_kind = EXCLUDED.custody_end_kind, to_agency = EXCLUDED.to_agency, facts = EXCLUDED.facts,
           updated_at = EXCLUDED.updated_at
         WHERE (bookings.person_id, bookings.person, bookings.booked_at, bookings.charges, bookings.charges_at, bookings.release_eligible_at,
                bookings.release_reason, bookings.custody_ended_at, bookings.custody_end_kind, bookings.to_agency, bookings.facts::text)
               IS DISTINCT FROM
               (EXCLUDED.person_id, EXCLUDED.person, EXCLUDED.booked_at, EXCLUDED.charges, EXCLUDED.charges_at, EXCLUDED.release_eligible_at,
                EXCLUDED.release_reason, EXCLUDED.custody_ended_at, EXCLUDED.custody_end_kind, EXCLUDED.to_agency, EXCLUDED.facts::text)`,
        [rows.bookings, now],
      );
    }
    if (rows.detainers !== null) {
      await m.query(
        `INSERT INTO detainers (facility_id, booking_id, detainer_id, form, agency, warrant, lodged_at, cancelled_at)
         SELECT * FROM json_to_recordset($1::json) AS x(facility_id text, booking_id text, detainer_id text, form text, agency text,
                warrant text, lodged_at timestamptz, cancelled_at timestamptz)
         ON CONFLICT (facility_id, booking_id, detainer_id) DO UPDATE SET
           form = EXCLUDED.form, agency = EXCLUDED.agency, warrant = EXCLUDED.warrant, lodged_at = EXCLUDED.lodged_at, cancelled_at = EXCLUDED.cancelled_at
         WHERE (detainers.form, detainers.agency, detainers.warrant, detainers.lodged_at, detainers.cancelled_at)
               IS DISTINCT FROM (EXCLUDED.form, EXCLUDED.agency, EXCLUDED.warrant, EXCLUDED.lodged_at, EXCLUDED.cancelled_at)`,
        [rows.detainers],
      );
    }
    // A refold may have dropped a detainer whose lodging was retracted; nothing else removes one.
    if (rows.refolded !== null) await m.query(DROP_DETAINERS_SQL, rows.refolded);
  }

  /**
   * The rows `replaceHolds` writes, serialised ahead of the write (no database work). The holds
   * of bookings in `created` are new, and COPY data where the server carries COPY (see `stateRows`);
   * those of bookings in `pruned` (refolded) are all the holds those bookings keep.
   */
  holdRows(holds: readonly HoldRow[], options: RowsOptions): HoldRows {
    return this.holdRowsBuilder(options).addAll(holds);
  }

  /** `holdRows` a hold at a time, for a caller that serialises each booking as soon as it is judged (its objects then die young). */
  holdRowsBuilder(options: RowsOptions): HoldRowsBuilder {
    return new HoldRowsBuilder(this.db.copies, options);
  }

  /**
   * Store the holds of these bookings: upsert the given ones and, for the `pruned` bookings
   * (refolded: a retraction can take a detainer away), delete their other holds.
   */
  async replaceHolds(m: EntityManager, pruned: BookingKey[], holds: HoldRows, now: Date, { changes: answer = true }: { changes?: boolean } = {}): Promise<HoldChange[]> {
    const changes: HoldChange[] = [...holds.created];
    // Without `changes` (a facility judged again tells its listeners itself), none come back.
    const upsert = answer ? HOLD_UPSERT + HOLD_CHANGED : HOLD_UPSERT;
    if (holds.copy !== null) await copyInto(m, copyStatement('holds', [...HOLD_COLUMNS, 'updated_at']), holds.copy);
    type Changed = Array<{ id: string; facility_id: string; booking_id: string; detainer_id: string; phase: HoldChange['phase']; deadline_at: Date | null }>;
    const changed: Changed = [];
    if (holds.upserts !== null) {
      const stage = await stageCopy(m, 'holds', [...HOLD_COLUMNS, 'updated_at'], holds.upserts);
      changed.push(...(await m.query<Changed>(`WITH staged AS (DELETE FROM ${stage} RETURNING *) INSERT INTO holds (${HOLD_COLUMNS.join(', ')}, updated_at) SELECT * FROM staged ${upsert}`)));
    }
    if (holds.json !== null) {
      changed.push(
        ...(await m.query<Changed>(
          `INSERT INTO holds (${HOLD_COLUMNS.join(', ')}, updated_at)
         SELECT x.*, $2 FROM json_to_recordset($1::json) AS x(id uuid, facility_id text, booking_id text, detainer_id text, person_id text,
                form text, warrant text, agency text, policy text, hold_hours integer, policy_version_id bigint, phase text, lodged_at timestamptz,
                clock_started_at timestamptz, deadline_at timestamptz, ended_at timestamptz, outcome text, compliant boolean, overage_ms bigint,
                counted_ms bigint, charge_level text, convicted boolean, to_agency text,
                custody_id uuid, custody_active_from timestamptz, custody_due_at timestamptz, honoured boolean)
         ${upsert}`,
          [holds.json, now],
        )),
      );
    }
    for (const c of changed) {
      changes.push({ holdId: c.id, facilityId: c.facility_id, bookingId: c.booking_id, detainerId: c.detainer_id, phase: c.phase, deadlineAt: c.deadline_at });
    }
    if (pruned.length === 0) return changes;
    // TypeORM answers a DELETE with [rows, rowCount].
    const [deleted]: [Array<{ id: string; facility_id: string; booking_id: string; detainer_id: string }>, number] = await m.query(DROP_HOLDS_SQL, [
      pruned.map((k) => k.facilityId),
      pruned.map((k) => k.bookingId),
      holds.kept,
    ]);
    for (const d of deleted) changes.push({ holdId: d.id, facilityId: d.facility_id, bookingId: d.booking_id, detainerId: d.detainer_id, phase: null, deadlineAt: null });
    return changes;
  }
}

/** An instant column as epoch milliseconds (float8, read as a number), under its own name. */
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;

/** An instant as read: a Date, or epoch milliseconds (see `epochMs`). */
type Instant = Date | number | null;
const msOf = (d: Instant) => (d === null || typeof d === 'number' ? d : d.getTime());

/** A bookings row's columns but its JSON ones. */
interface BookingColumns {
  facility_id: string;
  booking_id: string;
  person_id: string | null;
  person: Record<string, unknown> | null;
  booked_at: Instant;
  charges_at: Instant;
  release_eligible_at: Instant;
  release_reason: string | null;
  custody_ended_at: Instant;
  custody_end_kind: BookingState['custodyEndKind'];
  to_agency: string | null;
}

/** A bookings row as `loadStates` reads it. */
interface BookingRow extends BookingColumns {
  charges: unknown[];
  facts: BookingState['facts'] | null;
}

/** A bookings row as `facilityStates` reads it: its JSON columns as text. */
interface BookingTextRow extends BookingColumns {
  charges: string;
  facts: string | null;
}

/** A detainers row as `loadStates` reads it. */
interface DetainerRow {
  facility_id: string;
  booking_id: string;
  detainer_id: string;
  form: never;
  agency: string | null;
  warrant: never;
  lodged_at: Instant;
  cancelled_at: Instant;
}

/** Detainer rows by their booking (`key`): Map.groupBy, which Node 20 lacks. */
function grouped(detainers: readonly DetainerRow[], key: (d: DetainerRow) => string): Map<string, DetainerRow[]> {
  const out = new Map<string, DetainerRow[]>();
  for (const d of detainers) {
    const k = key(d);
    const list = out.get(k);
    if (list) list.push(d);
    else out.set(k, [d]);
  }
  return out;
}

/** Booking states from their rows and their detainers' rows, by booking key. */
function statesOf(bookings: readonly BookingRow[], detainers: readonly DetainerRow[]): Map<string, BookingState> {
  const byBooking = grouped(detainers, (d) => keyOf(d.facility_id, d.booking_id));
  const out = new Map<string, BookingState>();
  for (const b of bookings) {
    const k = keyOf(b.facility_id, b.booking_id);
    out.set(k, stateOf(b, b.charges, b.facts, byBooking.get(k)));
  }
  return out;
}

/** Booking states of one facility's rows, each parsed as it is reached (see `facilityStates`); detainer rows by booking id. */
function* parsedAsReached(bookings: readonly BookingTextRow[], detainers: ReadonlyMap<string, DetainerRow[]>): Generator<{ key: BookingKey; state: BookingState }> {
  for (const b of bookings) {
    const facts = b.facts === null ? null : (JSON.parse(b.facts) as BookingState['facts']);
    yield { key: { facilityId: b.facility_id, bookingId: b.booking_id }, state: stateOf(b, JSON.parse(b.charges) as unknown[], facts, detainers.get(b.booking_id)) };
  }
}

/** A booking's state from its row (JSON columns parsed) and its detainers' rows. */
function stateOf(b: BookingColumns, charges: unknown[], facts: BookingState['facts'] | null, detainers: readonly DetainerRow[] | undefined): BookingState {
  const state: BookingState = {
    // Every field written out (a spread of emptyBooking() cost ~5 µs a booking at 100,000).
    personId: b.person_id,
    person: b.person,
    bookedAt: msOf(b.booked_at),
    charges,
    chargesAt: msOf(b.charges_at),
    releaseEligibleAt: msOf(b.release_eligible_at),
    releaseReason: b.release_reason,
    custodyEndedAt: msOf(b.custody_ended_at),
    custodyEndKind: b.custody_end_kind,
    toAgency: b.to_agency,
    detainers: new Map(),
    facts: facts ?? emptyFacts(),
  };
  for (const d of detainers ?? []) {
    state.detainers.set(d.detainer_id, { form: d.form, agency: d.agency, warrant: d.warrant, lodgedAt: msOf(d.lodged_at), cancelledAt: msOf(d.cancelled_at) });
  }
  return state;
}

/** Hold rows serialised as they are added (see `HoldsRepository.holdRows`). */
export class HoldRowsBuilder extends RowsToWrite<HoldRow, HoldChange> {
  protected idOf(h: HoldRow): string {
    return h.id;
  }

  protected bookingKeyOf(h: HoldRow): string {
    return keyOf(h.key.facilityId, h.key.bookingId);
  }

  protected valuesOf(h: HoldRow): Value[] {
    return [
      h.id,
      h.key.facilityId,
      h.key.bookingId,
      h.detainerId,
      h.personId,
      h.form,
      h.warrant,
      h.agency,
      h.derived.rules.policy,
      h.derived.rules.holdHours,
      h.policyVersionId,
      h.derived.phase,
      isoUtc(h.lodgedAt),
      isoUtc(h.derived.clockStartedAt),
      isoUtc(h.derived.deadlineAt),
      isoUtc(h.derived.endedAt),
      h.derived.outcome,
      h.derived.compliant,
      h.derived.overageMs,
      // Time counted under the policy, fixed once the hold has ended (reports aggregate it).
      h.derived.endedAt !== null && h.derived.clockStartedAt !== null ? countedSoFar(h.derived, h.derived.endedAt) : null,
      h.chargeLevel,
      h.convicted,
      h.toAgency,
      h.custodyId,
      isoUtc(h.custodyActiveFrom),
      isoUtc(h.custodyDueAt),
      h.honoured,
    ];
  }

  protected objectOf(_h: HoldRow, values: readonly Value[]): object {
    return record(HOLD_COLUMNS, values);
  }

  protected createdOf(h: HoldRow): HoldChange {
    return {
      holdId: h.id,
      facilityId: h.key.facilityId,
      bookingId: h.key.bookingId,
      detainerId: h.detainerId,
      phase: h.derived.phase,
      deadlineAt: h.derived.deadlineAt === null ? null : new Date(h.derived.deadlineAt),
      created: true,
    };
  }
}
