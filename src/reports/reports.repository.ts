import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { boundSql, type PeriodBound } from '../common/period-bound.js';
import { HOLD_SELECT } from '../holds/holds.repository.js';

export interface Period {
  facilityId: string | null;
  /** Dates are each facility's own midnight (period-bound.ts); instants the same for all. */
  from: PeriodBound;
  to: PeriodBound;
  /**
   * The report's own time (its generatedAt): a clock start known ahead (a release-eligible
   * instant sent before it came) counts as a start only once it has come.
   */
  asOf: Date;
}

/** A facility's period as instants. */
export interface FacilityBounds {
  fid: string;
  zone: string;
  lo: Date;
  hi: Date;
}

/** The period resolved for each facility in scope, and the report's time. */
export interface Resolved {
  facilities: FacilityBounds[];
  asOf: Date;
}

/** Lower bounds, in hours, of the overage bands counted by the compliance report. */
export const OVERAGE_BANDS_H = [0, 1, 4, 12, 24, 48] as const;

/**
 * Each facility's period as `bounds` resolved it, as CTE `fb` (fid, lo, hi, zone): facility ids $1,
 * bounds $2 and $3, zones $5, the report's time $4. Every statement of the report reads its bounds
 * from here, so all of them count the same period; as parameters, not expressions, the bounds are
 * worked out once, not for every row, and the scans can run in parallel.
 */
const BOUNDS = `fb AS (SELECT *, $4::timestamptz AS as_of FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $5::text[]) AS fb(fid, lo, hi, zone))`;

/** The holds touching each facility's period, as CTE `h` with its bounds (lo, hi), as of $4 (a clock start still ahead is none yet). */
const PERIOD_HOLDS = `WITH ${BOUNDS}, h AS (
  SELECT fb.lo, fb.hi, h.lodged_at, CASE WHEN h.clock_started_at <= $4 THEN h.clock_started_at END AS clock_started_at, h.ended_at, h.deadline_at, h.phase, h.outcome,
         h.compliant, h.agency, h.to_agency, h.honoured, h.overage_ms, h.counted_ms, (h.ended_at >= fb.lo AND h.ended_at < fb.hi) AS closed_in, (h.clock_started_at <= $4) IS TRUE AS ran,
         date_part('epoch', h.ended_at) - date_part('epoch', h.clock_started_at) AS real_s,
         date_part('epoch', h.clock_started_at) - date_part('epoch', h.lodged_at) AS lag_s
    FROM holds h JOIN fb ON fb.fid = h.facility_id
   WHERE ((h.lodged_at >= fb.lo AND h.lodged_at < fb.hi) OR (h.clock_started_at >= fb.lo AND h.clock_started_at < fb.hi)
          OR (h.ended_at >= fb.lo AND h.ended_at < fb.hi) OR (h.clock_started_at < fb.hi AND (h.ended_at IS NULL OR h.ended_at >= fb.hi)))
)`;

/** A hold counts as honoured when custody went to the agency that lodged the detainer (ICE by name or the facility's aliases). */
const HONOURED_SQL = `(h.outcome = 'transferred' AND h.honoured IS TRUE)`;

/**
 * The custody records (people) touching each facility's period, as CTE `c` with its bounds (lo,
 * hi), as of $4: those whose custody needed an authority from the period, ended in it, or ran through it.
 */
const PERIOD_CUSTODY = `WITH ${BOUNDS}, c AS (
  SELECT fb.lo, fb.hi, fb.zone, c.id, c.phase, c.compliant, c.overage_ms, c.processing_ms, c.anomaly_count, c.rejudged IS NOT NULL AS rejudged, c.record, c.review_counts,
         COALESCE(c.charge_level, 'none') AS level, COALESCE(c.any_conviction, false) AS convicted,
         CASE WHEN c.eligible_from <= $4 THEN c.eligible_from END AS eligible_from, c.ended_at,
         (c.ended_at >= fb.lo AND c.ended_at < fb.hi) AS closed_in
    FROM custody_records c JOIN fb ON fb.fid = c.facility_id
   WHERE ((c.ended_at >= fb.lo AND c.ended_at < fb.hi) OR (c.eligible_from >= fb.lo AND c.eligible_from < fb.hi)
          OR (c.eligible_from < fb.hi AND (c.ended_at IS NULL OR c.ended_at >= fb.hi)))
)`;

/**
 * The people figures of the report, each counted one way (the headline and every group of it):
 * custody that first needed an authority in the period; custody that ended in it, within the
 * limit, past it, or without ever needing an authority (the three add up to all that ended).
 */
const PEOPLE = {
  started: 'eligible_from >= lo AND eligible_from < hi',
  closed: 'closed_in',
  compliant: 'closed_in AND eligible_from IS NOT NULL AND compliant',
  past_deadline: 'closed_in AND NOT compliant',
  never_needed: 'closed_in AND NOT (eligible_from IS NOT NULL AND compliant IS TRUE) AND compliant IS DISTINCT FROM false',
} as const;
/** Every PEOPLE figure counted over CTE `c`, as columns named by its key. */
const PEOPLE_FIGURES = Object.entries(PEOPLE)
  .map(([name, where]) => `count(*) FILTER (WHERE ${where})::int AS ${name}`)
  .join(', ');

/** Data access of the reports module: histories and compliance reports, aggregated in SQL. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly ds: DataSource) {}

  // --- histories ---------------------------------------------------------------------------

  /**
   * The bookings of this id or person (in this facility), and with `grantedTo` only those that key
   * holds a live grant for, by booking or by person, in the booking's facility: one statement with
   * the same parameters whether the booking exists or not, so that a refusal cannot tell them apart.
   */
  bookings(where: {
    bookingId?: string;
    personId?: string;
    facilityId?: string;
    grantedTo: string | null;
  }): Promise<Array<Record<string, any> & { facility_id: string; booking_id: string; person_id: string | null }>> {
    return this.ds.query(
      `SELECT b.*, f.name AS facility_name, f.time_zone FROM bookings b JOIN facilities f ON f.id = b.facility_id
        WHERE ($1::text IS NULL OR b.booking_id = $1) AND ($2::text IS NULL OR b.person_id = $2) AND ($3::text IS NULL OR b.facility_id = $3)
          AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM grants g WHERE g.api_key_id = $4 AND g.revoked_at IS NULL AND g.facility_id = b.facility_id
                                                                  AND (g.booking_id = b.booking_id OR g.person_id = b.person_id)))
        ORDER BY b.booked_at NULLS LAST, b.facility_id, b.booking_id LIMIT 500`,
      [where.bookingId ?? null, where.personId ?? null, where.facilityId ?? null, where.grantedTo],
    );
  }

  holdsOfBooking(facilityId: string, bookingId: string): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `SELECT x.*, d.cancelled_at, pv.effective_from AS policy_effective_from, pv.recorded_at AS policy_recorded_at
         FROM (${HOLD_SELECT} WHERE h.facility_id = $1 AND h.booking_id = $2) x
         LEFT JOIN detainers d USING (facility_id, booking_id, detainer_id)
         LEFT JOIN facility_policies pv ON pv.id = x.policy_version_id
        ORDER BY x.lodged_at, x.detainer_id`,
      [facilityId, bookingId],
    );
  }

  eventsOfBooking(facilityId: string, bookingId: string): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `SELECT seq, event_id, type, occurred_at, received_at, body, content_hash, prev_hash, chain_hash, retracts_event_id
         FROM events WHERE facility_id = $1 AND booking_id = $2 ORDER BY occurred_at, seq`,
      [facilityId, bookingId],
    );
  }

  // --- compliance --------------------------------------------------------------------------

  /**
   * Each facility's period as instants (dates are its own midnights: boundSql, as the custody list
   * and the complaint and notice counts read them): what every statement then counts (BOUNDS), and
   * what the report states.
   */
  async bounds(p: Period): Promise<Resolved> {
    const params: unknown[] = [p.facilityId];
    const param = (v: unknown) => `$${params.push(v)}`;
    const rows: FacilityBounds[] = await this.ds.query(
      `SELECT f.id AS fid, f.time_zone AS zone, ${boundSql(p.from, param, 'f.time_zone')} AS lo, ${boundSql(p.to, param, 'f.time_zone')} AS hi
         FROM facilities f WHERE $1::text IS NULL OR f.id = $1 ORDER BY f.id`,
      params,
    );
    return { facilities: rows, asOf: p.asOf };
  }

  /** The parameters every statement of the report takes ($1 to $5: see BOUNDS). */
  private args(r: Resolved): unknown[] {
    const f = r.facilities;
    return [f.map((b) => b.fid), f.map((b) => b.lo), f.map((b) => b.hi), r.asOf, f.map((b) => b.zone)];
  }

  /** Every headline count in one pass over the holds touching the period. */
  async totals(p: Resolved): Promise<Record<string, any>> {
    const [row] = await this.ds.query(
      `${PERIOD_HOLDS}
       SELECT
         count(*) FILTER (WHERE lodged_at >= lo AND lodged_at < hi) AS detainers_received,
         count(*) FILTER (WHERE lodged_at >= lo AND lodged_at < hi AND ${HONOURED_SQL}) AS honoured,
         count(*) FILTER (WHERE lodged_at >= lo AND lodged_at < hi AND outcome = 'cancelled') AS cancelled,
         count(*) FILTER (WHERE lodged_at >= lo AND lodged_at < hi AND phase = 'closed' AND outcome <> 'cancelled' AND NOT ${HONOURED_SQL}) AS not_honoured,
         count(*) FILTER (WHERE closed_in AND outcome = 'released' AND ran AND ended_at >= deadline_at - interval '1 hour') AS released_at_limit,
         count(*) FILTER (WHERE closed_in AND NOT ran) AS never_held
       FROM h`,
      this.args(p),
    );
    return row;
  }

  /**
   * Everything about time held and violations counts people (custody records), not detainers: a
   * person held on two detainers is one person, and their custody without authority counts once.
   */
  async custodyTotals(p: Resolved): Promise<Record<string, any>> {
    const [row] = await this.ds.query(
      `${PERIOD_CUSTODY}
       SELECT ${PEOPLE_FIGURES},
         count(*) FILTER (WHERE eligible_from < hi AND (ended_at IS NULL OR ended_at >= hi))::int AS running_at_end,
         COALESCE(sum(overage_ms) FILTER (WHERE ${PEOPLE.past_deadline}), 0) AS overage_total,
         -- One sort per measure (both fractions at once).
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY overage_ms) FILTER (WHERE ${PEOPLE.past_deadline}) AS overage_q,
         max(overage_ms) FILTER (WHERE ${PEOPLE.past_deadline}) AS overage_max,
         COALESCE(sum(processing_ms) FILTER (WHERE closed_in), 0) AS processing_total,
         count(*) FILTER (WHERE closed_in AND anomaly_count > 0) AS with_anomalies,
         count(*) FILTER (WHERE closed_in AND rejudged) AS rejudged,
         -- How far past the authority, in bands of hours (lower bound inclusive): the board's overage chart.
         ARRAY[${OVERAGE_BANDS_H.map((lo, i) => {
           const hi = OVERAGE_BANDS_H[i + 1];
           return `count(*) FILTER (WHERE ${PEOPLE.past_deadline} AND overage_ms >= ${lo * 3_600_000}${hi === undefined ? '' : ` AND overage_ms < ${hi * 3_600_000}`})::int`;
         }).join(', ')}] AS overage_bands
       FROM c`,
      this.args(p),
    );
    return row;
  }

  /** Rule sets: detainers that needed a supervisor's review, awaiting and decided, and ICE contacts logged in the period, those not allowed. */
  async ruleSetCounts(p: Resolved): Promise<{ needed_review: number; awaiting: number; honoured: number; declined: number; contacts: number; disallowed: number }> {
    const [row] = await this.ds.query(
      // The review figures are the ones each record stored when it was written (review_counts, as the quarterly review reads them).
      `${PERIOD_CUSTODY}, r AS (
         SELECT COALESCE(sum(review_counts[1]), 0)::int AS needed_review, COALESCE(sum(review_counts[2]), 0)::int AS awaiting,
                COALESCE(sum(review_counts[3]), 0)::int AS honoured, COALESCE(sum(review_counts[4]), 0)::int AS declined FROM c
       ), k AS (
         SELECT count(*)::int AS contacts, count(*) FILTER (WHERE NOT x.allowed)::int AS disallowed
           FROM ice_contacts x JOIN fb ON fb.fid = x.facility_id WHERE x.at >= fb.lo AND x.at < fb.hi
       )
       SELECT * FROM r, k`,
      this.args(p),
    );
    return row;
  }

  /** Of the custody closed in the period: unauthorised time by reason, and anomalies by code. */
  async custodyReasons(p: Resolved): Promise<Array<{ kind: 'violation' | 'anomaly'; code: string; n: number; seconds: number }>> {
    return this.ds.query(
      `${PERIOD_CUSTODY}
       SELECT 'violation' AS kind, v->>'reason' AS code, count(DISTINCT c.id)::int AS n,
              COALESCE(sum((v->>'until')::numeric - (v->>'from')::numeric), 0)::float8 / 1000 AS seconds
         FROM c, json_array_elements(c.record->'violations') v WHERE c.closed_in GROUP BY 2
       UNION ALL
       SELECT 'anomaly', a->>'code', count(*)::int, 0 FROM c, json_array_elements(c.record->'anomalies') a WHERE c.closed_in GROUP BY 2
       ORDER BY 1, 2`,
      this.args(p),
    );
  }

  /**
   * Hold lengths: exact percentiles, a sort of up to every hold per measure. A statement of its
   * own so that it runs beside the counts on another connection (and core), not after them.
   */
  async lengths(p: Resolved): Promise<Record<string, any>> {
    const [row] = await this.ds.query(
      `${PERIOD_HOLDS}
       SELECT
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY real_s) FILTER (WHERE closed_in AND ran) AS real_q,
         max(real_s) FILTER (WHERE closed_in AND ran) AS real_max,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY counted_ms) FILTER (WHERE closed_in AND ran) AS counted_q,
         max(counted_ms) FILTER (WHERE closed_in AND ran) AS counted_max,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY lag_s) FILTER (WHERE clock_started_at >= lo AND clock_started_at < hi) AS lag_q,
         max(lag_s) FILTER (WHERE clock_started_at >= lo AND clock_started_at < hi) AS lag_max
       FROM h`,
      this.args(p),
    );
    return row;
  }

  /**
   * Detainers received in the period, in one pass grouped two ways: by form and warrant, and by
   * the booking's most serious charge level and conviction, with how many were honoured.
   */
  breakdowns(p: Resolved): Promise<Array<{ form: string | null; warrant: string | null; level: string | null; convicted: boolean | null; received: number; honoured: number }>> {
    return this.ds.query(
      `WITH ${BOUNDS}
       SELECT h.form, COALESCE(h.warrant, 'none') AS warrant, COALESCE(h.charge_level, 'none') AS level, COALESCE(h.convicted, false) AS convicted,
              count(*)::int AS received, count(*) FILTER (WHERE ${HONOURED_SQL})::int AS honoured
         FROM holds h JOIN fb ON fb.fid = h.facility_id
        WHERE h.lodged_at >= fb.lo AND h.lodged_at < fb.hi
        GROUP BY GROUPING SETS ((h.form, 2), (3, 4))`,
      this.args(p),
    );
  }

  /** The people figures (PEOPLE_FIGURES) by the most serious charge level and conviction: each group counted as the headline is. */
  peopleByCharge(p: Resolved): Promise<Array<{ level: string; convicted: boolean; started: number; closed: number; compliant: number; past_deadline: number; never_needed: number }>> {
    return this.ds.query(`${PERIOD_CUSTODY} SELECT level, convicted, ${PEOPLE_FIGURES} FROM c GROUP BY 1, 2`, this.args(p));
  }

  /**
   * Month by month in the local calendar of the facilities in `zone`: `months` are its local
   * month starts (and the end of the last), and rows are put in months by width_bucket, not by
   * converting every instant. Each figure counted as the headline counts it.
   */
  async monthly(p: Resolved, zone: string, months: Date[]): Promise<Array<{ bucket: number; kind: string; n: number }>> {
    return this.ds.query(
      `${PERIOD_CUSTODY}, r AS (
         SELECT width_bucket(h.lodged_at, $6::timestamptz[]) AS bucket FROM holds h JOIN fb ON fb.fid = h.facility_id
          WHERE fb.zone = $7 AND h.lodged_at >= fb.lo AND h.lodged_at < fb.hi
       )
       SELECT bucket, 'received' AS kind, count(*)::int AS n FROM r GROUP BY 1
       UNION ALL
       SELECT width_bucket(eligible_from, $6::timestamptz[]), 'started', count(*)::int FROM c WHERE zone = $7 AND ${PEOPLE.started} GROUP BY 1
       UNION ALL
       SELECT width_bucket(ended_at, $6::timestamptz[]), 'compliant', count(*)::int FROM c WHERE zone = $7 AND ${PEOPLE.compliant} GROUP BY 1
       UNION ALL
       SELECT width_bucket(ended_at, $6::timestamptz[]), 'past_deadline', count(*)::int FROM c WHERE zone = $7 AND ${PEOPLE.past_deadline} GROUP BY 1`,
      [...this.args(p), months, zone],
    );
  }

  /** Data that contradicts itself, counted rather than hidden. */
  async anomalies(p: Resolved): Promise<{ released_before_eligible: number; events_out_of_order: number }> {
    const [a] = await this.ds.query(
      `WITH ${BOUNDS}
       SELECT count(*)::int AS released_before_eligible FROM bookings b JOIN fb ON fb.fid = b.facility_id
        WHERE b.custody_ended_at >= fb.lo AND b.custody_ended_at < fb.hi AND b.custody_ended_at < b.release_eligible_at`,
      this.args(p),
    );
    const [b] = await this.ds.query(
      `WITH ${BOUNDS}
       SELECT count(*)::int AS events_out_of_order FROM (
         SELECT e.occurred_at < max(e.occurred_at) OVER (PARTITION BY e.facility_id, e.booking_id ORDER BY e.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late
           FROM events e JOIN fb ON fb.fid = e.facility_id WHERE e.received_at >= fb.lo AND e.received_at < fb.hi) x WHERE late`,
      this.args(p),
    );
    return { ...a, ...b };
  }

  policies(facilityId: string | null): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `SELECT f.id, f.name, f.time_zone, p.effective_from, p.policy, p.hold_hours, p.extra_holidays, p.require_judicial_warrant
         FROM facilities f JOIN facility_policies p ON p.facility_id = f.id
        WHERE ($1::text IS NULL OR f.id = $1) ORDER BY f.id, p.effective_from NULLS FIRST`,
      [facilityId],
    );
  }

  /** One row per detainer received in the local year (5 ILCS 805/25), with no personal identifiers. */
  illinois(facilityId: string, year: number): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `SELECT h.lodged_at, h.form, h.warrant, h.agency, h.outcome, h.ended_at, h.phase, b.release_eligible_at, b.release_reason, h.to_agency, f.time_zone
         FROM holds h JOIN facilities f ON f.id = h.facility_id LEFT JOIN bookings b USING (facility_id, booking_id)
        WHERE h.facility_id = $1 AND extract(year FROM h.lodged_at AT TIME ZONE f.time_zone) = $2
        ORDER BY h.lodged_at, h.id`,
      [facilityId, year],
    );
  }
}
