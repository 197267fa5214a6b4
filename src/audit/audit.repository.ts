import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChainRow {
  seq: number;
  event_id: string;
  facility_id: string;
  booking_id: string;
  type: string;
  occurred_at: Date;
  received_at: Date;
  retracts_event_id: string | null;
  body: unknown;
  content_hash: string;
  prev_hash: string | null;
  chain_hash: string | null;
}

export interface AccessEntry {
  apiKeyId: string | null;
  keyName: string | null;
  role: string | null;
  action: string;
  resource: string;
  outcome: string;
  /** The HTTP status answered. */
  status: number;
  ip: string | null;
  userAgent: string | null;
}

/** Data access of the audit module: the chain walk, grants, the access log. */
@Injectable()
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  chainPage(facilityId: string, afterSeq: number, limit: number): Promise<ChainRow[]> {
    return this.ds.query(
      `SELECT seq, event_id, facility_id, booking_id, type, occurred_at, received_at, retracts_event_id, body, content_hash, prev_hash, chain_hash
         FROM events WHERE facility_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [facilityId, afterSeq, limit],
    );
  }

  async logAccess(e: AccessEntry, at: Date): Promise<void> {
    await this.ds.query(`INSERT INTO access_log (at, api_key_id, key_name, role, action, resource, outcome, status, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      at,
      e.apiKeyId,
      e.keyName,
      e.role,
      e.action,
      e.resource,
      e.outcome,
      e.status,
      e.ip,
      e.userAgent,
    ]);
  }

  accessLog(limit: number, beforeId: number | null): Promise<Array<Record<string, unknown> & { id: number; at: Date }>> {
    return this.ds.query(
      `SELECT id, at, api_key_id, key_name, role, action, resource, outcome, status, ip, user_agent FROM access_log
        WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [beforeId, limit],
    );
  }

  async createGrant(g: { id: string; apiKeyId: string; facilityId: string; bookingId: string | null; personId: string | null; createdAt: Date }): Promise<void> {
    await this.ds.query('INSERT INTO grants (id, api_key_id, facility_id, booking_id, person_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      g.id,
      g.apiKeyId,
      g.facilityId,
      g.bookingId,
      g.personId,
      g.createdAt,
    ]);
  }

  async revokeGrant(id: string, now: Date): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [, n]: [unknown[], number] = await this.ds.query('UPDATE grants SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1', [id, now]);
    return n === 1;
  }

  grants(
    apiKeyId: string | null,
  ): Promise<Array<{ id: string; api_key_id: string; facility_id: string | null; booking_id: string | null; person_id: string | null; created_at: Date; revoked_at: Date | null }>> {
    return this.ds.query('SELECT * FROM grants WHERE ($1::uuid IS NULL OR api_key_id = $1) ORDER BY created_at, id', [apiKeyId]);
  }

  /** Whether the facility has a booking of this id, or of this person. */
  async knows(facilityId: string, bookingId: string | null, personId: string | null): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM bookings WHERE facility_id = $1 AND (booking_id = $2 OR person_id = $3) LIMIT 1`, [facilityId, bookingId, personId]);
    return rows.length > 0;
  }

  async facilityExists(id: string): Promise<boolean> {
    return (await this.ds.query('SELECT 1 FROM facilities WHERE id = $1', [id])).length > 0;
  }

  keyRole(id: string): Promise<Array<{ role: string }>> {
    return this.ds.query('SELECT role FROM api_keys WHERE id = $1', [id]);
  }
}
