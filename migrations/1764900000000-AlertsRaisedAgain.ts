import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The repair: plan again each alert of an open hold's deadline that was raised and resolved, none being live. */
export const REPLAN_RESOLVED_SQL = `
  WITH warn AS (
    SELECT DISTINCT ON (facility_id) facility_id, warn_before_hours FROM facility_policies
     WHERE effective_from IS NULL OR effective_from <= now()
     ORDER BY facility_id, effective_from DESC NULLS LAST
  ), planned AS (
    SELECT h.id AS hold_id, h.facility_id, h.booking_id, h.detainer_id, 'overdue' AS level, 0::numeric AS threshold_hours, h.deadline_at,
           h.deadline_at + interval '1 millisecond' AS fire_at
      FROM holds h WHERE h.phase = 'open' AND h.deadline_at IS NOT NULL
    UNION ALL
    SELECT h.id, h.facility_id, h.booking_id, h.detainer_id, 'approaching', t.hours, h.deadline_at, h.deadline_at - t.hours * interval '1 hour'
      FROM holds h JOIN warn w USING (facility_id)
     CROSS JOIN LATERAL (SELECT value::numeric AS hours FROM jsonb_array_elements_text(w.warn_before_hours)) t
     WHERE h.phase = 'open' AND h.deadline_at IS NOT NULL
  )
  INSERT INTO alert_schedule (hold_id, facility_id, booking_id, detainer_id, level, threshold_hours, deadline_at, fire_at, planned_at)
  SELECT p.hold_id, p.facility_id, p.booking_id, p.detainer_id, p.level, p.threshold_hours, p.deadline_at, p.fire_at, now()
    FROM planned p
   WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.hold_id = p.hold_id AND a.level = p.level AND a.threshold_hours = p.threshold_hours
                    AND a.deadline_at = p.deadline_at AND a.state = 'resolved')
     AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.hold_id = p.hold_id AND a.level = p.level AND a.threshold_hours = p.threshold_hours
                        AND a.deadline_at = p.deadline_at AND a.state <> 'resolved')
  ON CONFLICT DO NOTHING`;

/**
 * An alert is unique per hold, level, threshold and deadline among the alerts that are not
 * resolved, no longer among all of them. A hold that closed (its alerts resolved as "hold
 * closed") and is open again with the same deadline, because the release that closed it is
 * retracted as entered in error, or a cancellation that moved its deadline is retracted, could
 * not be alerted again: the resolved alert took the key, and the sweep raised nothing while the
 * person was held past the deadline. Now the sweep raises a new alert; the resolved one stays
 * as it was, so the record shows both.
 *
 * Repair: where an open hold's alert for its deadline (the overdue one, or a warning at one of
 * the facility's thresholds in force now) was raised and resolved, and none is live, it is
 * planned again, so the first sweep after the upgrade raises what was missed. Warnings whose
 * deadline has passed are dropped by that sweep, as always.
 */
export class AlertsRaisedAgain1764900000000 implements MigrationInterface {
  name = 'AlertsRaisedAgain1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_hold_id_level_threshold_hours_deadline_at_key`);
    await q.query(`CREATE UNIQUE INDEX alerts_live ON alerts (hold_id, level, threshold_hours, deadline_at) WHERE state <> 'resolved'`);
    // A hold's resolved alerts, for the alert list filtered by hold (its live ones are in alerts_live).
    // Partial, so the sweep, which raises alerts by the thousand, does not write it: an alert
    // enters it when it is resolved, one hold at a time.
    await q.query(`CREATE INDEX alerts_hold_resolved ON alerts (hold_id) WHERE state = 'resolved'`);
    await q.query(REPLAN_RESOLVED_SQL);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_hold_resolved`);
    await q.query(`DROP INDEX alerts_live`);
    await q.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_hold_id_level_threshold_hours_deadline_at_key UNIQUE (hold_id, level, threshold_hours, deadline_at)`);
  }
}
