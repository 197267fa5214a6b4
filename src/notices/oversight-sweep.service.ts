import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { IngestionService } from '../events/ingestion.service.js';

export interface OversightAlertRow {
  id: string;
  kind: 'complaint_acknowledgement_overdue' | 'complaint_closure_overdue' | 'notice_late';
  subject_id: string;
  facility_id: string;
  booking_id: string | null;
  due_at: Date;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  note: string | null;
}

/**
 * Complaints and notices past due: each raises one alert, the first sweep after its due instant,
 * however many instances sweep at once (alerts are unique per subject and kind; the insert that
 * loses a race inserts nothing), and is queued to the facility's webhooks. A notice found late is also an event in the chain (notice.late).
 * Run by AlertScheduler beside the alert sweep (its timer, one run at a time, health's record).
 */
@Injectable()
export class OversightSweep {
  private readonly log = new Logger('oversight-sweep');

  constructor(
    private readonly ds: DataSource,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  /** Raise what is past due at the clock's now; returns the alerts this sweep raised. */
  async sweep(): Promise<OversightAlertRow[]> {
    const now = new Date(this.clock.now());
    const raised: OversightAlertRow[] = await this.ds.query(
      `WITH due AS (
         SELECT 'complaint_acknowledgement_overdue' AS kind, id, facility_id, booking_id, acknowledge_due_at AS due_at FROM complaints WHERE state = 'received' AND acknowledge_due_at < $1
         UNION ALL SELECT 'complaint_closure_overdue', id, facility_id, booking_id, close_due_at FROM complaints WHERE state <> 'closed' AND close_due_at < $1
         UNION ALL SELECT 'notice_late', id, facility_id, booking_id, due_at FROM notices WHERE served_at IS NULL AND due_at < $1
       ), raised AS (
         INSERT INTO oversight_alerts (id, kind, subject_id, facility_id, booking_id, due_at, raised_at)
         SELECT gen_random_uuid(), d.kind, d.id, d.facility_id, d.booking_id, d.due_at, $1 FROM due d
          WHERE NOT EXISTS (SELECT 1 FROM oversight_alerts a WHERE a.subject_id = d.id AND a.kind = d.kind)
         ON CONFLICT (subject_id, kind) DO NOTHING
         RETURNING *
       ), queued AS (
         -- Each alert raised goes to its facility's webhooks, as custody alerts do.
         INSERT INTO webhook_deliveries (webhook_id, oversight_alert_id, state, next_attempt_at, created_at)
         SELECT w.id, r.id, 'pending', $1, $1 FROM raised r JOIN webhooks w ON w.facility_id = r.facility_id AND w.disabled_at IS NULL
       )
       SELECT * FROM raised`,
      [now],
    );
    raised.sort((a, b) => a.kind.localeCompare(b.kind) || a.due_at.getTime() - b.due_at.getTime() || a.subject_id.localeCompare(b.subject_id));
    const late = raised.filter((a) => a.kind === 'notice_late');
    if (late.length > 0) {
      const kinds = new Map<string, string>(
        (await this.ds.query(`SELECT id, kind FROM notices WHERE id = ANY($1::uuid[])`, [late.map((a) => a.subject_id)])).map((r: { id: string; kind: string }) => [r.id, r.kind]),
      );
      await this.ingestion.ingest(
        late.map((a) => ({
          eventId: `notice-${a.subject_id}-late`,
          type: 'notice.late',
          occurredAt: now.toISOString(),
          facilityId: a.facility_id,
          bookingId: a.booking_id!,
          noticeId: a.subject_id,
          kind: kinds.get(a.subject_id)!,
          dueAt: a.due_at.toISOString(),
        })),
        null,
        null,
        { decisions: true },
      );
    }
    if (raised.length > 0) this.log.log(`raised ${raised.length} oversight alert(s)`);
    return raised;
  }
}
