import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A quarter and the one before, as local wall-clock dates: each facility's own midnight is applied in SQL. */
export interface QuarterScope {
  facilityId: string | null;
  /** First local day of the quarter before, of the quarter, and of the quarter after. */
  previousStart: string;
  start: string;
  end: string;
}

/**
 * The custody records of the two quarters, as CTE `c`, with `cur` (true: the quarter asked for;
 * false: the one before). A record is in the quarter of its first detainer's receipt, in its
 * facility's calendar (docs/quarterly-review.md).
 */
const SCOPE = `WITH c AS (
  SELECT c.*, c.first_lodged_at >= ($3::timestamp AT TIME ZONE f.time_zone) AS cur
    FROM custody_records c JOIN facilities f ON f.id = c.facility_id
   WHERE ($1::text IS NULL OR c.facility_id = $1)
     AND c.first_lodged_at >= ($2::timestamp AT TIME ZONE f.time_zone) AND c.first_lodged_at < ($4::timestamp AT TIME ZONE f.time_zone)
)`;

export interface GroupCount {
  cur: boolean;
  dim: 'outcome' | 'charge' | 'conviction' | 'minor_only' | 'victim_or_witness';
  key: string;
  n: number;
}

/** Data access of the quarterly review: aggregated in SQL over the columns review-facts.ts fills, no JSON read. */
@Injectable()
export class QuarterlyRepository {
  constructor(private readonly ds: DataSource) {}

  private params(s: QuarterScope) {
    return [s.facilityId, s.previousStart, s.start, s.end];
  }

  /** People by each grouping, in one pass (grouping sets). */
  groups(s: QuarterScope): Promise<GroupCount[]> {
    return this.ds.query(
      `${SCOPE}
       SELECT cur, CASE WHEN GROUPING(review_outcome) = 0 THEN 'outcome' WHEN GROUPING(charge_level) = 0 THEN 'charge' WHEN GROUPING(any_conviction) = 0 THEN 'conviction'
                        WHEN GROUPING(minor_only) = 0 THEN 'minor_only' ELSE 'victim_or_witness' END AS dim,
              COALESCE(review_outcome, charge_level || '/' || charge_disposition, any_conviction::text, minor_only::text, victim_or_witness::text) AS key,
              count(*)::int AS n
         FROM c
        GROUP BY GROUPING SETS ((cur, review_outcome), (cur, charge_level, charge_disposition), (cur, any_conviction), (cur, minor_only), (cur, victim_or_witness))`,
      this.params(s),
    );
  }

  /** People, time held beyond eligibility (totals, median, p90), reviews and decisions, per quarter. */
  totals(s: QuarterScope): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `${SCOPE}
       SELECT cur, count(*)::int AS people,
              count(*) FILTER (WHERE authorized_ms > 0)::int AS authorized_people,
              COALESCE(sum(authorized_ms), 0)::float8 AS authorized_ms,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY authorized_ms) FILTER (WHERE authorized_ms > 0) AS authorized_q,
              count(*) FILTER (WHERE unauthorized_ms > 0)::int AS unauthorized_people,
              COALESCE(sum(unauthorized_ms), 0)::float8 AS unauthorized_ms,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY unauthorized_ms) FILTER (WHERE unauthorized_ms > 0) AS unauthorized_q,
              count(*) FILTER (WHERE processing_ms > 0)::int AS processing_people,
              COALESCE(sum(processing_ms), 0)::float8 AS processing_ms,
              count(*) FILTER (WHERE cardinality(violation_reasons) > 0)::int AS with_violation,
              COALESCE(sum(review_counts[1]), 0)::int AS reviews_needed, COALESCE(sum(review_counts[2]), 0)::int AS reviews_awaiting,
              COALESCE(sum(review_counts[3]), 0)::int AS decided_honour, COALESCE(sum(review_counts[4]), 0)::int AS decided_decline
         FROM c GROUP BY cur`,
      this.params(s),
    );
  }

  /** People with at least one violation of each reason. */
  violations(s: QuarterScope): Promise<Array<{ cur: boolean; reason: string; n: number }>> {
    return this.ds.query(
      `${SCOPE}
       SELECT cur, r AS reason, count(*)::int AS n FROM c, unnest(c.violation_reasons) r WHERE cardinality(c.violation_reasons) > 0 GROUP BY 1, 2`,
      this.params(s),
    );
  }

  /** ICE contacts logged in each quarter (facility calendar), and those the disclosure rule did not allow. */
  contacts(s: QuarterScope): Promise<Array<{ cur: boolean; total: number; disallowed: number }>> {
    return this.ds.query(
      `SELECT k.at >= ($3::timestamp AT TIME ZONE f.time_zone) AS cur, count(*)::int AS total, count(*) FILTER (WHERE NOT k.allowed)::int AS disallowed
         FROM ice_contacts k JOIN facilities f ON f.id = k.facility_id
        WHERE ($1::text IS NULL OR k.facility_id = $1) AND k.at >= ($2::timestamp AT TIME ZONE f.time_zone) AND k.at < ($4::timestamp AT TIME ZONE f.time_zone)
        GROUP BY 1`,
      this.params(s),
    );
  }

  facilities(facilityId: string | null): Promise<Array<{ id: string; name: string; time_zone: string }>> {
    return this.ds.query('SELECT id, name, time_zone FROM facilities WHERE ($1::text IS NULL OR id = $1) ORDER BY id', [facilityId]);
  }

  /** The quarter's records, one row each, in facility and receipt order (the per-person rows). */
  people(s: QuarterScope): Promise<Array<Record<string, any>>> {
    return this.ds.query(
      `${SCOPE}
       SELECT c.id, c.facility_id, c.booking_id, c.person_id, c.first_lodged_at, f.time_zone, c.review_outcome, c.charge_level, c.charge_disposition, c.any_conviction,
              c.minor_only, c.victim_or_witness, c.compliant, c.authorized_ms, c.unauthorized_ms, c.processing_ms, c.violation_reasons, c.review_counts, c.ended_at, b.person
         FROM c JOIN facilities f ON f.id = c.facility_id LEFT JOIN bookings b ON b.facility_id = c.facility_id AND b.booking_id = c.booking_id
        WHERE c.cur ORDER BY c.facility_id, c.first_lodged_at, c.booking_id`,
      this.params(s),
    );
  }
}
