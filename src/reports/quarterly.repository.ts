import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Per facility in scope, the instants its own calendar gives: start of the quarter before, of the quarter, of the quarter after. */
export interface QuarterScope {
  facilities: Array<{ id: string; previousStart: Date; start: Date; end: Date }>;
}

/**
 * The custody records of the two quarters, as CTE `c`, with `cur` (true: the quarter asked for;
 * false: the one before). A record is in the quarter of its first detainer's receipt, in its
 * facility's calendar (docs/quarterly-review.md): the bounds come worked out per facility.
 */
const SCOPE = `WITH b AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[]) AS b(id, p0, s, e)),
c AS (
  SELECT c.*, c.first_lodged_at >= b.s AS cur
    FROM custody_records c JOIN b ON b.id = c.facility_id
   WHERE c.first_lodged_at >= b.p0 AND c.first_lodged_at < b.e
)`;

/** People with the same groups and violation reasons, with their times and reviews summed. */
export interface ReviewCell {
  cur: boolean;
  review_outcome: string;
  charge_level: string;
  charge_disposition: string;
  any_conviction: boolean;
  minor_only: boolean;
  victim_or_witness: boolean;
  violation_reasons: string[];
  n: number;
  authorized_people: number;
  authorized_ms: number;
  unauthorized_people: number;
  unauthorized_ms: number;
  processing_people: number;
  processing_ms: number;
  reviews: number[];
}

/** Data access of the quarterly review: aggregated in SQL over the columns review-facts.ts fills, no JSON read. */
@Injectable()
export class QuarterlyRepository {
  constructor(private readonly ds: DataSource) {}

  private params(s: QuarterScope) {
    return [s.facilities.map((f) => f.id), s.facilities.map((f) => f.previousStart), s.facilities.map((f) => f.start), s.facilities.map((f) => f.end)];
  }

  /**
   * Every count and sum in one pass: people grouped by all the review's groups at once (a few
   * hundred cells at most, one hash aggregate), summed into each table by the service.
   */
  cells(s: QuarterScope): Promise<ReviewCell[]> {
    return this.ds.query(
      `${SCOPE}
       SELECT cur, review_outcome, charge_level, charge_disposition, any_conviction, minor_only, victim_or_witness, violation_reasons,
              count(*)::int AS n,
              count(*) FILTER (WHERE authorized_ms > 0)::int AS authorized_people, COALESCE(sum(authorized_ms), 0)::float8 AS authorized_ms,
              count(*) FILTER (WHERE unauthorized_ms > 0)::int AS unauthorized_people, COALESCE(sum(unauthorized_ms), 0)::float8 AS unauthorized_ms,
              count(*) FILTER (WHERE processing_ms > 0)::int AS processing_people, COALESCE(sum(processing_ms), 0)::float8 AS processing_ms,
              ARRAY[COALESCE(sum(review_counts[1]), 0), COALESCE(sum(review_counts[2]), 0), COALESCE(sum(review_counts[3]), 0), COALESCE(sum(review_counts[4]), 0)]::int[] AS reviews
         FROM c GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      this.params(s),
    );
  }

  /**
   * Median and p90 of authorised and unauthorised time, of the people with such time, per quarter
   * (ms): exact, one sort per measure, in memory (the sorts are of up to a million numbers).
   */
  async percentiles(s: QuarterScope): Promise<{ auth_cur: number[] | null; auth_prev: number[] | null; unauth_cur: number[] | null; unauth_prev: number[] | null }> {
    return this.ds.transaction(async (m) => {
      await m.query(`SET LOCAL work_mem = '64MB'`);
      const [row] = await m.query(
        `${SCOPE}
         SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY authorized_ms) FILTER (WHERE cur AND authorized_ms > 0) AS auth_cur,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY authorized_ms) FILTER (WHERE NOT cur AND authorized_ms > 0) AS auth_prev,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY unauthorized_ms) FILTER (WHERE cur AND unauthorized_ms > 0) AS unauth_cur,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY unauthorized_ms) FILTER (WHERE NOT cur AND unauthorized_ms > 0) AS unauth_prev
           FROM c WHERE authorized_ms > 0 OR unauthorized_ms > 0`,
        this.params(s),
      );
      return row;
    });
  }

  /** ICE contacts logged in each quarter (facility calendar), and those the disclosure rule did not allow. */
  contacts(s: QuarterScope): Promise<Array<{ cur: boolean; total: number; disallowed: number }>> {
    return this.ds.query(
      `WITH b AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[]) AS b(id, p0, s, e))
       SELECT k.at >= b.s AS cur, count(*)::int AS total, count(*) FILTER (WHERE NOT k.allowed)::int AS disallowed
         FROM ice_contacts k JOIN b ON b.id = k.facility_id
        WHERE k.at >= b.p0 AND k.at < b.e
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
              c.minor_only, c.victim_or_witness, c.compliant, c.authorized_ms, c.unauthorized_ms, c.processing_ms, c.violation_reasons, c.review_counts, c.ended_at, bk.person
         FROM c JOIN facilities f ON f.id = c.facility_id LEFT JOIN bookings bk ON bk.facility_id = c.facility_id AND bk.booking_id = c.booking_id
        WHERE c.cur ORDER BY c.facility_id, c.first_lodged_at, c.booking_id`,
      this.params(s),
    );
  }
}
