import { boundSql, type PeriodBound } from '../common/period-bound.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ComplaintRow, ComplaintState } from './complaint.entity.js';

/** Data access of complaints: the rows, counsel's grants, and the counts reports read. */
@Injectable()
export class ComplaintsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(m: EntityManager, c: ComplaintRow): Promise<void> {
    await m.query(
      `INSERT INTO complaints (id, facility_id, booking_id, person_id, log_booking_id, category, received_via, narrative, state, finding, response, received_at,
         acknowledged_at, investigating_at, closed_at, acknowledge_due_at, close_due_at, filed_by_key_id, filed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        c.id,
        c.facility_id,
        c.booking_id,
        c.person_id,
        c.log_booking_id,
        c.category,
        c.received_via,
        c.narrative,
        c.state,
        c.finding,
        c.response,
        c.received_at,
        c.acknowledged_at,
        c.investigating_at,
        c.closed_at,
        c.acknowledge_due_at,
        c.close_due_at,
        c.filed_by_key_id,
        c.filed_by,
      ],
    );
  }

  /** The row, locked for the transaction (a transition reads and writes it under one lock). */
  async lock(m: EntityManager, id: string): Promise<ComplaintRow | null> {
    const [row] = await m.query(`SELECT * FROM complaints WHERE id = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  async transition(m: EntityManager, id: string, to: ComplaintState, at: Date, finding: string | null, response: string | null): Promise<void> {
    const column = { received: null, acknowledged: 'acknowledged_at', investigating: 'investigating_at', closed: 'closed_at' }[to];
    await m.query(`UPDATE complaints SET state = $2, ${column} = $3, finding = COALESCE($4, finding), response = COALESCE($5, response) WHERE id = $1`, [id, to, at, finding, response]);
  }

  async find(id: string): Promise<ComplaintRow | null> {
    const [row] = await this.ds.query(`SELECT * FROM complaints WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Newest first. `grantedTo`: only complaints about a booking or person granted to this counsel key. */
  list(f: { facilityId?: string; bookingId?: string; personId?: string; state?: string; grantedTo: string | null; limit: number }): Promise<ComplaintRow[]> {
    return this.ds.query(
      `SELECT c.* FROM complaints c
        WHERE ($1::text IS NULL OR c.facility_id = $1) AND ($2::text IS NULL OR c.booking_id = $2) AND ($3::text IS NULL OR c.person_id = $3)
          AND ($4::text IS NULL OR c.state = $4)
          AND ($5::uuid IS NULL OR ${GRANTED('c.facility_id', 'c.booking_id', 'c.person_id', '$5')})
        ORDER BY c.received_at DESC, c.id DESC LIMIT $6`,
      [f.facilityId ?? null, f.bookingId ?? null, f.personId ?? null, f.state ?? null, f.grantedTo, f.limit],
    );
  }

  /** Whether a counsel key holds a grant on this booking or person of the facility (a booking's person's grant counts for it). */
  async granted(keyId: string, facilityId: string, bookingId: string | null, personId: string | null): Promise<boolean> {
    const [row] = await this.ds.query(`SELECT ${GRANTED('$2::text', '$3::text', '$4::text', '$1::uuid')} AS ok`, [keyId, facilityId, bookingId, personId]);
    return row.ok === true;
  }

  async bookingExists(facilityId: string, bookingId: string): Promise<{ person_id: string | null } | null> {
    const [row] = await this.ds.query(`SELECT person_id FROM bookings WHERE facility_id = $1 AND booking_id = $2`, [facilityId, bookingId]);
    return row ?? null;
  }

  /** Complaints received in the period (dates: each facility's own midnights), by category, state and finding, and those past their due dates as of `now`. */
  async counts(
    facilityId: string | null,
    from: PeriodBound,
    to: PeriodBound,
    now: Date,
  ): Promise<Array<{ category: string; state: string; finding: string | null; complaints: number; acknowledged_late: number; closed_late: number }>> {
    const params: unknown[] = [facilityId, now];
    const p = (v: unknown) => `$${params.push(v)}`;
    return this.ds.query(
      `SELECT c.category, c.state, c.finding, count(*)::int AS complaints,
              count(*) FILTER (WHERE COALESCE(c.acknowledged_at, c.closed_at, $2) > c.acknowledge_due_at)::int AS acknowledged_late,
              count(*) FILTER (WHERE COALESCE(c.closed_at, $2) > c.close_due_at)::int AS closed_late
         FROM complaints c JOIN facilities f ON f.id = c.facility_id
        WHERE ($1::text IS NULL OR c.facility_id = $1) AND c.received_at >= ${boundSql(from, p, 'f.time_zone')} AND c.received_at < ${boundSql(to, p, 'f.time_zone')}
        GROUP BY c.category, c.state, c.finding ORDER BY c.category, c.state, c.finding NULLS FIRST`,
      params,
    );
  }
}

/** SQL: a live grant of counsel key `key` on this booking, or on this person, or on the person of this booking. */
const GRANTED = (facility: string, booking: string, person: string, key: string) => `EXISTS (
  SELECT 1 FROM grants g WHERE g.api_key_id = ${key} AND g.revoked_at IS NULL AND (g.facility_id IS NULL OR g.facility_id = ${facility})
     AND ((${booking} IS NOT NULL AND g.booking_id = ${booking}) OR (${person} IS NOT NULL AND g.person_id = ${person})
          OR (${booking} IS NOT NULL AND g.person_id = (SELECT b.person_id FROM bookings b WHERE b.facility_id = ${facility} AND b.booking_id = ${booking}))))`;
