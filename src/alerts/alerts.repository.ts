import { Injectable } from '@nestjs/common';
import { OVERSIGHT_ALERT_ROWS, type OversightAlertViewRow } from '../notices/oversight-alert-view.js';
import { DataSource, EntityManager } from 'typeorm';
import { isoUtc } from '../common/instant.js';
import { copyData, copyInto, stageCopy } from '../database/copy.js';
import { DatabaseHandle } from '../database/database.module.js';
import type { HoldChange } from '../holds/holds.repository.js';

export interface ScheduleRow {
  holdId: string;
  facilityId: string;
  bookingId: string;
  detainerId: string;
  level: 'approaching' | 'overdue' | 'review';
  thresholdHours: number;
  deadlineAt: Date;
  fireAt: Date;
}

/** An alert row; instants are Dates from a plain SELECT, ISO strings when it came through JSON. */
export interface AlertRow {
  id: string;
  hold_id: string;
  facility_id: string;
  booking_id: string;
  detainer_id: string;
  level: 'approaching' | 'overdue' | 'escalated' | 'review';
  threshold_hours: string | number;
  deadline_at: Date | string;
  due_at: Date | string;
  raised_at: Date | string;
  late: boolean;
  state: 'open' | 'acknowledged' | 'resolved';
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  note: string | null;
  resolved_at: Date | string | null;
  resolution: string | null;
  time_zone?: string;
  /** The booking's person id and person as sent, when read with them. */
  person_id?: string | null;
  person?: Record<string, unknown> | null;
  escalated_at?: Date | string | null;
  /** The custody record's phase and end, when read with them (null: the record is gone). */
  custody_phase?: string | null;
  custody_ended_at?: Date | string | null;
}

export interface DeliveryClaim {
  id: number;
  attempts: number;
  url: string;
  secret: string;
  /** The custody alert delivered, or null for an oversight alert. */
  alert: AlertRow | null;
  /** The oversight alert delivered (a complaint or a notice past due), or null. */
  oversight: OversightAlertViewRow | null;
}

/** The schedule's columns, in the order of `scheduleData`. */
const SCHEDULE_COLUMNS = ['hold_id', 'facility_id', 'booking_id', 'detainer_id', 'level', 'threshold_hours', 'deadline_at', 'fire_at', 'planned_at'] as const;

/** Drop the schedule rows of holds ($1) that no longer run ($2) or whose deadline moved ($3), probed by hold (see STORED_EVENTS_SQL in the event log). */
export const UNPLAN_SQL = `DELETE FROM alert_schedule s
        WHERE s.ctid = ANY (ARRAY(SELECT p.ctid FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS x(id, phase, deadline_at) CROSS JOIN LATERAL (
                SELECT ctid FROM alert_schedule WHERE hold_id = x.id AND (x.phase IS DISTINCT FROM 'open' OR deadline_at IS DISTINCT FROM x.deadline_at) OFFSET 0) p))`;

/**
 * Resolve the live alerts of custody records ($1) that no longer run ($2) or whose deadline moved
 * ($3), at $4, and review items of those with no detainer waiting for a decision any more ($5), probed by record (see STORED_EVENTS_SQL in the event log). An overdue (or escalated)
 * alert nobody has acknowledged outlives the custody's end: it stays open until acknowledged, and is
 * resolved then (see `acknowledge`); one acknowledged is resolved when the custody ends.
 */
export const RESOLVE_ALERTS_SQL = `UPDATE alerts a SET state = 'resolved', resolved_at = $4,
              resolution = CASE WHEN x.phase IS NULL THEN 'hold removed by a retraction'
                                WHEN x.phase = 'closed' THEN 'hold closed'
                                WHEN x.phase = 'pending' THEN 'hold no longer running'
                                WHEN a.level = 'review' AND NOT x.review THEN 'no detainer waits for a decision any more'
                                ELSE 'deadline changed' END
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $5::boolean[]) AS x(id, phase, deadline_at, review)
        WHERE a.ctid = ANY (ARRAY(SELECT o.ctid FROM unnest($1::uuid[]) AS i(id) CROSS JOIN LATERAL (
                SELECT ctid FROM alerts WHERE hold_id = i.id AND state <> 'resolved' OFFSET 0) o))
          AND a.hold_id = x.id AND a.state <> 'resolved'
          AND (x.phase IS DISTINCT FROM 'open' OR a.deadline_at IS DISTINCT FROM x.deadline_at OR (a.level = 'review' AND NOT x.review))
          AND NOT (x.phase IS NOT DISTINCT FROM 'closed' AND a.level IN ('overdue', 'escalated') AND a.state = 'open')`;

/**
 * The schedule rows a sweep step claimed ($1, JSON), their most urgent alert per custody record:
 * the one a sweep raises (warnings past their deadline dropped); a review item (a detainer waiting
 * for a supervisor's decision) apart, beside the clock's alert.
 */
const FIRED_SQL = `f AS (
         SELECT * FROM json_to_recordset($1::json) AS x(hold_id uuid, facility_id text, booking_id text, detainer_id text, level text,
                threshold_hours numeric, deadline_at timestamptz, fire_at timestamptz, planned_at timestamptz)
       ), cand AS (
         SELECT DISTINCT ON (hold_id, review) * FROM (
           SELECT f.*, CASE f.level WHEN 'approaching' THEN -f.threshold_hours ELSE 1 END AS urgency, f.level = 'review' AS review FROM f
            WHERE f.level IN ('overdue', 'review') OR (f.level = 'approaching' AND f.deadline_at >= $2)) c
          ORDER BY hold_id, review, urgency DESC
       )`;

/** A warning is superseded by the next warning, and by the overdue alert: resolved before the one that supersedes it is raised. */
export const SUPERSEDE_SQL = `WITH ${FIRED_SQL}
       UPDATE alerts a SET state = 'resolved', resolved_at = $2,
              resolution = CASE WHEN c.level = 'overdue' THEN 'superseded: the custody is overdue' ELSE 'superseded by the ' || c.threshold_hours::text || ' h warning' END
         FROM cand c
        WHERE a.hold_id = c.hold_id AND NOT c.review AND a.state <> 'resolved' AND a.level = 'approaching' AND -a.threshold_hours < c.urgency`;

/**
 * Raise what the claimed rows still call for, in one statement: the most urgent alert of each
 * custody record unless one as urgent is live (one live alert per record, and one review item
 * beside it: the unique index makes a second impossible, across instances too); escalate an overdue alert still unacknowledged, in
 * place; plan the escalation of each overdue alert raised; queue a webhook delivery of each alert
 * raised or escalated.
 */
export const RAISE_SQL = `WITH ${FIRED_SQL}, raised AS (
         INSERT INTO alerts (id, hold_id, facility_id, booking_id, detainer_id, level, threshold_hours, deadline_at, due_at, raised_at, late, state)
         SELECT gen_random_uuid(), c.hold_id, c.facility_id, c.booking_id, c.detainer_id, c.level, c.threshold_hours, c.deadline_at,
                c.fire_at, $2, ($2 - GREATEST(c.fire_at, c.planned_at)) > $3 * interval '1 millisecond', 'open'
           FROM cand c
         ON CONFLICT (hold_id, (level = 'review')) WHERE state <> 'resolved' DO NOTHING
         RETURNING *
       ), escalated AS (
         UPDATE alerts a SET level = 'escalated', escalated_at = $2
           FROM f WHERE f.level = 'escalated' AND a.hold_id = f.hold_id AND a.level = 'overdue' AND a.state = 'open' AND a.deadline_at = f.deadline_at
         RETURNING a.id, a.facility_id
       ), escalations AS (
         INSERT INTO alert_schedule (hold_id, facility_id, booking_id, detainer_id, level, threshold_hours, deadline_at, fire_at, planned_at)
         SELECT r.hold_id, r.facility_id, r.booking_id, r.detainer_id, 'escalated', 0, r.deadline_at, $2 + p.escalate_after_minutes * interval '1 minute', $2
           FROM raised r CROSS JOIN LATERAL (
                SELECT escalate_after_minutes FROM facility_policies fp
                 WHERE fp.facility_id = r.facility_id AND (fp.effective_from IS NULL OR fp.effective_from <= $2)
                 ORDER BY fp.effective_from DESC NULLS LAST LIMIT 1) p
          WHERE r.level = 'overdue'
         ON CONFLICT DO NOTHING
       ), deliveries AS (
         INSERT INTO webhook_deliveries (webhook_id, alert_id, state, next_attempt_at, created_at)
         SELECT w.id, r.id, 'pending', $2, $2 FROM (SELECT id, facility_id FROM raised UNION ALL SELECT id, facility_id FROM escalated) r
           JOIN webhooks w ON w.facility_id = r.facility_id AND w.disabled_at IS NULL
         -- an escalation is the alert again: sent again, as it is then
         ON CONFLICT (webhook_id, alert_id) DO UPDATE SET state = 'pending', delivered_at = NULL,
                next_attempt_at = LEAST(webhook_deliveries.next_attempt_at, EXCLUDED.next_attempt_at)
       )
       SELECT (SELECT count(*) FROM raised)::int AS raised, (SELECT count(*) FROM raised WHERE late)::int AS late, (SELECT count(*) FROM escalated)::int AS escalated`;

/** Whose sweeps take turns: one custody record's alerts are raised by one sweep at a time (see `sweepStep`). */
const SWEEP_LOCK = 3;

/** Data access of the alerts module: the schedule, alerts, webhooks and their deliveries. */
@Injectable()
export class AlertsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly db: DatabaseHandle,
  ) {}

  /** Schedule rows as COPY data (null for none): for holds just created, whose rows nothing stored can collide with. */
  scheduleData(planned: readonly ScheduleRow[], now: Date): Buffer[] | null {
    const at = now.toISOString();
    // A hold's rows share its deadline (one Date, see planFor): written once for them all.
    let deadline: Date | null = null;
    let deadlineText: string | null = null;
    return copyData(
      planned.map((p) => {
        if (p.deadlineAt !== deadline) {
          deadline = p.deadlineAt;
          deadlineText = isoUtc(deadline);
        }
        return [p.holdId, p.facilityId, p.bookingId, p.detainerId, p.level, p.thresholdHours, deadlineText, isoUtc(p.fireAt), at];
      }),
    );
  }

  /**
   * Bring the schedule of these holds up to date: drop what is ahead for a deadline they no
   * longer have, add what is missing (a row for an alert already raised is swept harmlessly:
   * alerts are unique), and resolve the alerts of holds that closed, went away or changed deadline.
   * `created`: the schedule of holds just created, as COPY data (see `scheduleData`).
   */
  async replan(m: EntityManager, changes: HoldChange[], planned: ScheduleRow[], now: Date, created: Buffer[] | null = null): Promise<void> {
    const ids = changes.map((c) => c.holdId);
    const phases = changes.map((c) => c.phase);
    // Instants as ISO text: pg's own formatting of Dates in arrays costs more than the statements' parse.
    const deadlines = changes.map((c) => isoUtc(c.deadlineAt));
    if (changes.length > 0) await m.query(UNPLAN_SQL, [ids, phases, deadlines]);
    if (created !== null) {
      await copyInto(m, `COPY alert_schedule (${SCHEDULE_COLUMNS.join(', ')}) FROM STDIN`, created);
    }
    if (planned.length > 0 && this.db.copies) {
      // Staged as COPY data (a change of rules replans every hold of a facility: 133,000 rows
      // for 100,000 bookings took 1.3-2.1 s as one JSON document, see stageCopy).
      const stage = await stageCopy(m, 'alert_schedule', SCHEDULE_COLUMNS, this.scheduleData(planned, now)!);
      await m.query(
        `WITH staged AS (DELETE FROM ${stage} RETURNING *)
         INSERT INTO alert_schedule (${SCHEDULE_COLUMNS.join(', ')}) SELECT ${SCHEDULE_COLUMNS.join(', ')} FROM staged ON CONFLICT DO NOTHING`,
      );
    } else if (planned.length > 0) {
      await m.query(
        `INSERT INTO alert_schedule (${SCHEDULE_COLUMNS.join(', ')})
         SELECT x.*, $2 FROM json_to_recordset($1::json) AS x(hold_id uuid, facility_id text, booking_id text, detainer_id text, level text,
                threshold_hours numeric, deadline_at timestamptz, fire_at timestamptz)
         ON CONFLICT DO NOTHING`,
        [
          JSON.stringify(
            planned.map((p) => ({
              hold_id: p.holdId,
              facility_id: p.facilityId,
              booking_id: p.bookingId,
              detainer_id: p.detainerId,
              level: p.level,
              threshold_hours: p.thresholdHours,
              deadline_at: isoUtc(p.deadlineAt),
              fire_at: isoUtc(p.fireAt),
            })),
          ),
          now,
        ],
      );
    }
    if (changes.length > 0) await m.query(RESOLVE_ALERTS_SQL, [ids, phases, deadlines, now, changes.map((c) => c.review === true)]);
  }

  /** Drop the warnings planned for a facility's holds at thresholds other than these hours. */
  async dropWarningsNotAt(m: EntityManager, facilityId: string, thresholdHours: readonly number[]): Promise<void> {
    await m.query(`DELETE FROM alert_schedule WHERE facility_id = $1 AND level = 'approaching' AND NOT (threshold_hours = ANY($2::numeric[]))`, [facilityId, thresholdHours]);
  }

  /**
   * Since when the oldest alert that is due at `now` has been waiting to be raised (its due time,
   * or when it was planned if that was later, as the sweep counts lateness), or null when nothing is
   * due: a sweep removes every row it raises, whichever instance runs it. Bounded work: the 1,000
   * rows due first (an index range), however large a backlog has grown.
   */
  async oldestDue(now: Date): Promise<Date | null> {
    const [row]: Array<{ since: Date | null }> = await this.ds.query(
      `SELECT min(GREATEST(fire_at, planned_at)) AS since
         FROM (SELECT fire_at, planned_at FROM alert_schedule WHERE fire_at <= $1 ORDER BY fire_at LIMIT 1000) d`,
      [now],
    );
    return row?.since ? new Date(row.since) : null;
  }

  /**
   * One sweep step, in one transaction: claim due schedule rows (SKIP LOCKED, so instances
   * sweeping at once take different rows) and delete them; then, holding the sweep lock of their
   * facilities (taken sorted, so sweeps never deadlock; ingestion does not take it), resolve the
   * warnings superseded and raise, escalate, plan and queue what the rows call for (RAISE_SQL).
   * The lock makes one sweep see another's alert of the same custody record before superseding:
   * two sweeps claiming its 12 h and 4 h warnings at once leave the 4 h one live, not the 12 h one.
   */
  async sweepStep(now: Date, lateAfterMs: number, limit: number): Promise<{ claimed: number; raised: number; late: number; escalated: number }> {
    return this.ds.transaction(async (m) => {
      const fired: Array<Record<string, unknown> & { facility_id: string }> = await m.query(
        `WITH due AS (
           SELECT ctid FROM alert_schedule WHERE fire_at <= $1 ORDER BY fire_at LIMIT $2 FOR UPDATE SKIP LOCKED
         ), fired AS (
           -- by row address: the rows just locked, without a second index lookup each
           DELETE FROM alert_schedule s WHERE s.ctid = ANY (ARRAY(SELECT ctid FROM due))
           RETURNING s.hold_id, s.facility_id, s.booking_id, s.detainer_id, s.level, s.threshold_hours, s.deadline_at, s.fire_at, s.planned_at
         )
         SELECT * FROM fired`,
        [now, limit],
      );
      if (fired.length === 0) return { claimed: 0, raised: 0, late: 0, escalated: 0 };
      await m.query(`SELECT count(pg_advisory_xact_lock(${SWEEP_LOCK}, hashtext(k))) FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS k ORDER BY k) s`, [fired.map((f) => f.facility_id)]);
      const rows = JSON.stringify(fired);
      await m.query(SUPERSEDE_SQL, [rows, now]);
      const [r]: Array<{ raised: number; late: number; escalated: number }> = await m.query(RAISE_SQL, [rows, now, lateAfterMs]);
      return { claimed: fired.length, ...r };
    });
  }

  async list(f: { facilityId?: string; holdId?: string; custodyId?: string; level?: string; state?: string; after?: { raisedAt: string; id: string }; limit: number }): Promise<AlertRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (f.facilityId) where.push(`a.facility_id = ${p(f.facilityId)}`);
    // Written as the two partial indexes that hold a hold's alerts, live and resolved, so the planner can use both.
    // Alerts are per custody record (hold_id holds its id): a hold's are those of its booking's custody.
    const subject = f.custodyId ? p(f.custodyId) : f.holdId ? `(SELECT custody_id FROM holds WHERE id = ${p(f.holdId)})` : null;
    if (subject) where.push(`((a.hold_id = ${subject} AND a.state <> 'resolved') OR (a.hold_id = ${subject} AND a.state = 'resolved'))`);
    if (f.level) where.push(`a.level = ${p(f.level)}`);
    if (f.state === 'live') where.push(`a.state <> 'resolved'`);
    else if (f.state) where.push(`a.state = ${p(f.state)}`);
    if (f.after) where.push(`(a.raised_at, a.id) < (${p(f.after.raisedAt)}::timestamptz, ${p(f.after.id)}::uuid)`);
    return this.ds.query(
      `SELECT a.*, f.time_zone, b.person_id, b.person, c.phase AS custody_phase, c.ended_at AS custody_ended_at FROM alerts a JOIN facilities f ON f.id = a.facility_id
         LEFT JOIN bookings b ON b.facility_id = a.facility_id AND b.booking_id = a.booking_id
         LEFT JOIN custody_records c ON c.id = a.hold_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.raised_at DESC, a.id DESC LIMIT ${p(f.limit)}`,
      params,
    );
  }

  async find(id: string): Promise<AlertRow | null> {
    const rows: AlertRow[] = await this.ds.query(
      `SELECT a.*, f.time_zone, b.person_id, b.person, c.phase AS custody_phase, c.ended_at AS custody_ended_at FROM alerts a JOIN facilities f ON f.id = a.facility_id
         LEFT JOIN bookings b ON b.facility_id = a.facility_id AND b.booking_id = a.booking_id
         LEFT JOIN custody_records c ON c.id = a.hold_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Open -> acknowledged, by whom and when, with the note; straight to resolved when its custody has
   * ended (or is gone): an overdue alert lives until acknowledged and the custody ends. Returns false
   * if the alert was not open. The custody record is read with a share lock, so a custody end being
   * written meanwhile is waited for and seen, and resolves the acknowledged alert itself otherwise.
   */
  async acknowledge(id: string, by: { name: string; keyId: string }, note: string | null, now: Date): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const [custody]: Array<{ phase: string | null }> = await m.query(`SELECT (SELECT c.phase FROM custody_records c WHERE c.id = a.hold_id FOR SHARE) AS phase FROM alerts a WHERE a.id = $1`, [id]);
      const ended = !custody || custody.phase !== 'open';
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [, updated]: [unknown[], number] = await m.query(
        `UPDATE alerts SET state = CASE WHEN $6 THEN 'resolved' ELSE 'acknowledged' END, acknowledged_at = $2, acknowledged_by = $3, acknowledged_key_id = $4, note = $5,
                resolved_at = CASE WHEN $6 THEN $2::timestamptz END, resolution = CASE WHEN $6 THEN 'acknowledged after the custody ended' END
          WHERE id = $1 AND state = 'open'`,
        [id, now, by.name, by.keyId, note, ended],
      );
      return updated === 1;
    });
  }

  // --- webhooks -------------------------------------------------------------------------

  async createWebhook(w: { id: string; facilityId: string; url: string; secret: string; createdAt: Date }): Promise<void> {
    await this.ds.query('INSERT INTO webhooks (id, facility_id, url, secret, created_at) VALUES ($1, $2, $3, $4, $5)', [w.id, w.facilityId, w.url, w.secret, w.createdAt]);
  }

  webhooksWithClearSecrets(): Promise<Array<{ id: string; secret: string }>> {
    return this.ds.query(`SELECT id, secret FROM webhooks WHERE secret NOT LIKE 'v1:%'`);
  }

  /** Replace a secret as it was read (another instance may have sealed it meanwhile). */
  async replaceSecret(id: string, was: string, now: string): Promise<void> {
    await this.ds.query('UPDATE webhooks SET secret = $3 WHERE id = $1 AND secret = $2', [id, was, now]);
  }

  listWebhooks(facilityId: string): Promise<Array<{ id: string; facility_id: string; url: string; created_at: Date; disabled_at: Date | null }>> {
    return this.ds.query('SELECT id, facility_id, url, created_at, disabled_at FROM webhooks WHERE facility_id = $1 ORDER BY created_at', [facilityId]);
  }

  async disableWebhook(id: string, now: Date): Promise<boolean> {
    const [, updated]: [unknown[], number] = await this.ds.query('UPDATE webhooks SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1', [id, now]);
    return updated === 1;
  }

  deliveries(webhookId: string, limit: number): Promise<Array<Record<string, unknown>>> {
    return this.ds.query(
      `SELECT id, alert_id, oversight_alert_id, state, attempts, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at, created_at
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`,
      [webhookId, limit],
    );
  }

  /** Claim due deliveries for `leaseMs` (another instance takes them over if this one dies mid-way). */
  async claimDeliveries(now: Date, leaseMs: number, limit: number): Promise<DeliveryClaim[]> {
    return this.ds.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d SET next_attempt_at = $1 + $2 * interval '1 millisecond', attempts = d.attempts + 1, last_attempt_at = $1
           FROM due WHERE d.id = due.id RETURNING d.id, d.attempts, d.webhook_id, d.alert_id, d.oversight_alert_id
       )
       SELECT c.id, c.attempts, w.url, w.secret,
              CASE WHEN a.id IS NOT NULL THEN to_jsonb(a) || jsonb_build_object('time_zone', f.time_zone) END AS alert,
              CASE WHEN o.id IS NOT NULL THEN to_jsonb(o) END AS oversight
         FROM claimed c JOIN webhooks w ON w.id = c.webhook_id
         LEFT JOIN alerts a ON a.id = c.alert_id LEFT JOIN facilities f ON f.id = a.facility_id
         LEFT JOIN (${OVERSIGHT_ALERT_ROWS}) o ON o.id = c.oversight_alert_id`,
      [now, leaseMs, limit],
    );
  }

  async recordDelivery(id: number, outcome: { ok: boolean; status: number | null; error: string | null; nextAttemptAt: Date; now: Date }): Promise<void> {
    await this.ds.query(
      `UPDATE webhook_deliveries SET state = CASE WHEN $2 THEN 'delivered' ELSE 'pending' END, last_status = $3, last_error = $4,
              delivered_at = CASE WHEN $2 THEN $6::timestamptz END, next_attempt_at = $5
        WHERE id = $1`,
      [id, outcome.ok, outcome.status, outcome.error, outcome.nextAttemptAt, outcome.now],
    );
  }
}
