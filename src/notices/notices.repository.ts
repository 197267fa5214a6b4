import { boundSql, type PeriodBound } from '../common/period-bound.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NoticeRow } from './notice.entity.js';

export type NewNotice = Omit<NoticeRow, 'served_at' | 'served_by' | 'language' | 'method' | 'recorded_at' | 'recorded_by'>;

/** Data access of notices to the person. */
@Injectable()
export class NoticesRepository {
  constructor(private readonly ds: DataSource) {}

  /** Notices made due; one made due already (same booking, kind and cause) is left as it is. */
  async insert(m: EntityManager, rows: NewNotice[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO notices (id, facility_id, booking_id, kind, after_event, after_ref, after_at, due_at, recipients, citation, created_at)
       SELECT x.id, x.facility_id, x.booking_id, x.kind, x.after_event, x.after_ref, x.after_at, x.due_at, x.recipients, x.citation, x.created_at
         FROM json_to_recordset($1::json) AS x(id uuid, facility_id text, booking_id text, kind text, after_event text, after_ref text, after_at timestamptz,
              due_at timestamptz, recipients jsonb, citation text, created_at timestamptz)
       ON CONFLICT (facility_id, booking_id, kind, after_ref) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async find(id: string): Promise<NoticeRow | null> {
    const [row] = await this.ds.query(`SELECT * FROM notices WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** `due`: not served yet (late ones too), soonest first; `late`: not served and past due; `served`: newest first. */
  list(f: { status?: string; facilityId?: string; bookingId?: string; now: Date; limit: number }): Promise<NoticeRow[]> {
    const where = { due: 'served_at IS NULL', late: 'served_at IS NULL AND due_at < $3', served: 'served_at IS NOT NULL' }[f.status ?? 'due'] ?? 'true';
    const order = f.status === 'served' ? 'served_at DESC, id DESC' : 'due_at, booking_id, kind, id';
    return this.ds.query(
      `SELECT * FROM notices WHERE ($1::text IS NULL OR facility_id = $1) AND ($2::text IS NULL OR booking_id = $2) AND ($3::timestamptz IS NOT NULL) AND ${where}
        ORDER BY ${order} LIMIT $4`,
      [f.facilityId ?? null, f.bookingId ?? null, f.now, f.limit],
    );
  }

  /** Record service once: false when it was already recorded. */
  async markServed(id: string, s: { servedAt: Date; servedBy: string; language: string; method: string; recordedAt: Date; recordedBy: string }): Promise<boolean> {
    const [, changed] = await this.ds.query(`UPDATE notices SET served_at = $2, served_by = $3, language = $4, method = $5, recorded_at = $6, recorded_by = $7 WHERE id = $1 AND served_at IS NULL`, [
      id,
      s.servedAt,
      s.servedBy,
      s.language,
      s.method,
      s.recordedAt,
      s.recordedBy,
    ]);
    return changed === 1;
  }

  async unmarkServed(id: string): Promise<void> {
    await this.ds.query(`UPDATE notices SET served_at = NULL, served_by = NULL, language = NULL, method = NULL, recorded_at = NULL, recorded_by = NULL WHERE id = $1`, [id]);
  }

  /** Notices made due in the period (dates: each facility's own midnights): served on time, served late, not served and late, not served and not yet due (reports read these). */
  counts(
    facilityId: string | null,
    from: PeriodBound,
    to: PeriodBound,
    now: Date,
  ): Promise<Array<{ kind: string; due: number; served_on_time: number; served_late: number; missing_late: number; pending: number }>> {
    const params: unknown[] = [facilityId, now];
    const p = (v: unknown) => `$${params.push(v)}`;
    return this.ds.query(
      `SELECT n.kind, count(*)::int AS due,
              count(*) FILTER (WHERE n.served_at IS NOT NULL AND n.served_at <= n.due_at)::int AS served_on_time,
              count(*) FILTER (WHERE n.served_at IS NOT NULL AND n.served_at > n.due_at)::int AS served_late,
              count(*) FILTER (WHERE n.served_at IS NULL AND n.due_at < $2)::int AS missing_late,
              count(*) FILTER (WHERE n.served_at IS NULL AND n.due_at >= $2)::int AS pending
         FROM notices n JOIN facilities f ON f.id = n.facility_id
        WHERE ($1::text IS NULL OR n.facility_id = $1) AND n.after_at >= ${boundSql(from, p, 'f.time_zone')} AND n.after_at < ${boundSql(to, p, 'f.time_zone')}
        GROUP BY n.kind ORDER BY n.kind`,
      params,
    );
  }
}
