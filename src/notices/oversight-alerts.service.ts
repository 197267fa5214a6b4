import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { OVERSIGHT_ALERT_ROWS as SELECT, oversightAlertView as view, type OversightAlertView, type OversightAlertViewRow as Row } from './oversight-alert-view.js';

/** The alerts the oversight sweep raised (a complaint or a notice past due): listed, and acknowledged once, as custody alerts are. */
@Injectable()
export class OversightAlertsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(f: { facilityId?: string; kind?: string; state?: 'open' | 'acknowledged'; limit: number }): Promise<{ items: OversightAlertView[] }> {
    const rows: Row[] = await this.ds.query(
      `${SELECT} WHERE ($1::text IS NULL OR a.facility_id = $1) AND ($2::text IS NULL OR a.kind = $2)
          AND ($3::text IS NULL OR (a.acknowledged_at IS NULL) = ($3 = 'open'))
        ORDER BY a.raised_at DESC, a.kind, a.due_at, a.subject_id LIMIT $4`,
      [f.facilityId ?? null, f.kind ?? null, f.state ?? null, f.limit],
    );
    return { items: rows.map(view) };
  }

  /** Acknowledge an open alert: who (the key's name), when, and a note; once (409 after that). */
  async acknowledge(id: string, by: Principal, note: string | null): Promise<OversightAlertView> {
    if (!z.uuid().safeParse(id).success) throw DomainError.notFound(`oversight alert "${id}"`);
    // An UPDATE comes back as [rows, count].
    const [updated]: [Array<{ id: string }>, number] = await this.ds.query(
      `UPDATE oversight_alerts SET acknowledged_at = $2, acknowledged_by = $3, note = $4 WHERE id = $1 AND acknowledged_at IS NULL RETURNING id`,
      [id, new Date(this.clock.now()), by.name, note],
    );
    const [row]: Row[] = await this.ds.query(`${SELECT} WHERE a.id = $1`, [id]);
    if (!row) throw DomainError.notFound(`oversight alert "${id}"`);
    if (updated.length === 0) throw DomainError.conflict('id', `was already acknowledged by ${row.acknowledged_by} at ${view(row).acknowledgedAt}`);
    return view(row);
  }
}
