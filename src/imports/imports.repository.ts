import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ImportRejectRow {
  id: number;
  facilityId: string;
  file: string;
  line: number;
  content: string;
  reason: string;
  receivedAt: Date;
}

/** The import rejects table, and what an import needs to know of the event log (read only). */
@Injectable()
export class ImportsRepository {
  constructor(private readonly ds: DataSource) {}

  async facilityExists(facilityId: string): Promise<boolean> {
    return (await this.ds.query(`SELECT 1 FROM facilities WHERE id = $1`, [facilityId])).length > 0;
  }

  /** Keep rejects; one already kept (same facility, file, line, content and reason) is not kept again. Returns how many were new. */
  async keepRejects(facilityId: string, file: string, rows: Array<{ line: number; content: string; reason: string }>, receivedAt: Date, apiKeyId: string | null): Promise<number> {
    if (rows.length === 0) return 0;
    const key = (r: { line: number; content: string; reason: string }) => createHash('sha256').update(JSON.stringify([file, r.line, r.content, r.reason])).digest('hex');
    const result: Array<{ id: number }> = await this.ds.query(
      `INSERT INTO import_rejects (facility_id, file, line, content, reason, reject_key, received_at, api_key_id)
       SELECT $1, $2, r.line, r.content, r.reason, r.reject_key, $3, $4
         FROM unnest($5::int[], $6::text[], $7::text[], $8::text[]) AS r(line, content, reason, reject_key)
       ON CONFLICT (facility_id, reject_key) DO NOTHING
       RETURNING id`,
      [facilityId, file, receivedAt, apiKeyId, rows.map((r) => r.line), rows.map((r) => r.content), rows.map((r) => r.reason), rows.map(key)],
    );
    return result.length;
  }

  async listRejects(facilityId: string | null, limit: number, before: number | null): Promise<ImportRejectRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT id, facility_id, file, line, content, reason, received_at FROM import_rejects
        WHERE ($1::text IS NULL OR facility_id = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [facilityId, before, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), facilityId: r.facility_id as string, file: r.file as string, line: r.line as number, content: r.content as string, reason: r.reason as string, receivedAt: r.received_at as Date }));
  }

  /**
   * The events of these bookings whose id starts with the prefix, in force: not retractions and not
   * retracted. What an earlier import of the same mapping made, to retract what a corrected file no longer gives.
   */
  async eventsInForce(facilityId: string, idPrefix: string, bookingIds: string[]): Promise<Array<{ bookingId: string; eventId: string }>> {
    const rows: Array<{ booking_id: string; event_id: string }> = await this.ds.query(
      `SELECT e.booking_id, e.event_id FROM events e
        WHERE e.facility_id = $1 AND e.booking_id = ANY($2::text[]) AND e.retracts_event_id IS NULL
          AND left(e.event_id, length($3)) = $3
          AND NOT EXISTS (SELECT 1 FROM events r WHERE r.facility_id = e.facility_id AND r.booking_id = e.booking_id AND r.retracts_event_id = e.event_id)
        ORDER BY e.seq`,
      [facilityId, bookingIds, idPrefix],
    );
    return rows.map((r) => ({ bookingId: r.booking_id, eventId: r.event_id }));
  }
}
