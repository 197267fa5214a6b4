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

export type ImportFileStatus = 'importing' | 'imported' | 'refused' | 'failed' | 'duplicate' | 'interrupted';

export interface ImportFileRow {
  id: number;
  source: 'folder' | 'upload';
  facilityId: string | null;
  mapping: string;
  file: string;
  contentSha256: string;
  bytes: number;
  status: ImportFileStatus;
  reason: string | null;
  summary: Record<string, unknown> | null;
  movedTo: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface NewImportFile {
  source: 'folder' | 'upload';
  facilityId: string | null;
  mapping: string;
  file: string;
  contentSha256: string;
  bytes: number;
  startedAt: Date;
  apiKeyId: string | null;
}

/**
 * The events in force of facility $1's bookings $2 whose id starts with $3, probed booking by
 * booking (LATERAL ... OFFSET 0, as ingestion's lookups: see STORED_EVENTS_SQL), so that an
 * import into a log it is still loading (unanalysed) never reads the whole table for a batch.
 */
export const EVENTS_IN_FORCE_SQL = `SELECT e.booking_id, e.event_id FROM unnest($2::text[]) AS k(b) CROSS JOIN LATERAL (
         SELECT booking_id, event_id, seq, retracts_event_id FROM events WHERE facility_id = $1 AND booking_id = k.b OFFSET 0) e
   WHERE e.retracts_event_id IS NULL AND left(e.event_id, length($3)) = $3
     AND e.event_id NOT IN (SELECT r.retracts_event_id FROM events r WHERE r.facility_id = $1 AND r.booking_id = k.b AND r.retracts_event_id IS NOT NULL OFFSET 0)
   ORDER BY e.seq`;

const FILE_COLUMNS = 'id, source, facility_id, mapping, file, content_sha256, bytes, status, reason, summary, moved_to, started_at, finished_at';
const fileRow = (r: Record<string, unknown>): ImportFileRow => ({
  id: Number(r.id),
  source: r.source as ImportFileRow['source'],
  facilityId: r.facility_id as string | null,
  mapping: r.mapping as string,
  file: r.file as string,
  contentSha256: r.content_sha256 as string,
  bytes: Number(r.bytes),
  status: r.status as ImportFileStatus,
  reason: r.reason as string | null,
  summary: r.summary as Record<string, unknown> | null,
  movedTo: r.moved_to as string | null,
  startedAt: r.started_at as Date,
  finishedAt: r.finished_at as Date | null,
});

/** The import rejects and files tables, and what an import needs to know of the event log (read only). */
@Injectable()
export class ImportsRepository {
  constructor(private readonly ds: DataSource) {}

  async facilityExists(facilityId: string): Promise<boolean> {
    return (await this.ds.query(`SELECT 1 FROM facilities WHERE id = $1`, [facilityId])).length > 0;
  }

  /** Keep rejects; one already kept (same facility, file, line, content and reason) is not kept again. Returns how many were new. */
  async keepRejects(facilityId: string, file: string, rows: Array<{ line: number; content: string; reason: string }>, receivedAt: Date, apiKeyId: string | null): Promise<number> {
    if (rows.length === 0) return 0;
    const key = (r: { line: number; content: string; reason: string }) =>
      createHash('sha256')
        .update(JSON.stringify([file, r.line, r.content, r.reason]))
        .digest('hex');
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
    return rows.map((r) => ({
      id: Number(r.id),
      facilityId: r.facility_id as string,
      file: r.file as string,
      line: r.line as number,
      content: r.content as string,
      reason: r.reason as string,
      receivedAt: r.received_at as Date,
    }));
  }

  /**
   * The events of these bookings whose id starts with the prefix, in force: not retractions and not
   * retracted. What an earlier import of the same mapping made, to retract what a corrected file no longer gives.
   */
  async eventsInForce(facilityId: string, idPrefix: string, bookingIds: string[]): Promise<Array<{ bookingId: string; eventId: string }>> {
    const rows: Array<{ booking_id: string; event_id: string }> = await this.ds.query(EVENTS_IN_FORCE_SQL, [facilityId, bookingIds, idPrefix]);
    return rows.map((r) => ({ bookingId: r.booking_id, eventId: r.event_id }));
  }

  /**
   * Claim a file's content for an import with this mapping into this facility: a row 'importing',
   * unless the same content was imported (or is being imported) so already: then null, and the
   * row that holds it.
   */
  async claimFile(f: NewImportFile): Promise<{ claimed: ImportFileRow } | { heldBy: ImportFileRow }> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `INSERT INTO import_files (source, facility_id, mapping, file, content_sha256, bytes, status, started_at, api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, 'importing', $7, $8)
       ON CONFLICT (facility_id, mapping, content_sha256) WHERE status IN ('importing', 'imported') DO NOTHING
       RETURNING ${FILE_COLUMNS}`,
      [f.source, f.facilityId, f.mapping, f.file, f.contentSha256, f.bytes, f.startedAt, f.apiKeyId],
    );
    if (rows.length > 0) return { claimed: fileRow(rows[0]) };
    const held: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${FILE_COLUMNS} FROM import_files WHERE facility_id IS NOT DISTINCT FROM $1 AND mapping = $2 AND content_sha256 = $3 AND status IN ('importing', 'imported') LIMIT 1`,
      [f.facilityId, f.mapping, f.contentSha256],
    );
    // Finished between the two statements (refused or failed): claim it again.
    return held.length > 0 ? { heldBy: fileRow(held[0]) } : this.claimFile(f);
  }

  /** A file's record that ends at once (refused before reading, or a duplicate). */
  async recordFile(f: NewImportFile, status: ImportFileStatus, reason: string | null, movedTo: string | null): Promise<ImportFileRow> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `INSERT INTO import_files (source, facility_id, mapping, file, content_sha256, bytes, status, reason, moved_to, started_at, finished_at, api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING ${FILE_COLUMNS}`,
      [f.source, f.facilityId, f.mapping, f.file, f.contentSha256, f.bytes, status, reason, movedTo, f.startedAt, f.apiKeyId],
    );
    return fileRow(rows[0]);
  }

  async finishFile(id: number, status: ImportFileStatus, reason: string | null, summary: object | null, finishedAt: Date): Promise<void> {
    await this.ds.query(`UPDATE import_files SET status = $2, reason = $3, summary = $4, finished_at = $5 WHERE id = $1`, [
      id,
      status,
      reason,
      summary === null ? null : JSON.stringify(summary),
      finishedAt,
    ]);
  }

  async fileMoved(id: number, movedTo: string): Promise<void> {
    await this.ds.query(`UPDATE import_files SET moved_to = $2 WHERE id = $1`, [id, movedTo]);
  }

  /** Imports a process left unfinished (it stopped): the file is imported again when seen. */
  async interruptUnfinished(at: Date): Promise<number> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, rowCount].
    const [rows]: [Array<{ id: string }>, number] = await this.ds.query(
      `UPDATE import_files SET status = 'interrupted', reason = 'the server stopped during the import; it is imported again when the file is seen', finished_at = $1 WHERE status = 'importing' RETURNING id`,
      [at],
    );
    return rows.length;
  }

  async listFiles(facilityId: string | null, limit: number, before: number | null): Promise<ImportFileRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${FILE_COLUMNS} FROM import_files
        WHERE ($1::text IS NULL OR facility_id = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [facilityId, before, limit],
    );
    return rows.map(fileRow);
  }
}
