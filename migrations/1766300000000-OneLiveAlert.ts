import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts as one live item per person's custody. A warning is superseded by the next, and by the
 * overdue alert; an escalation is the overdue alert itself rising (level `escalated`, from
 * `escalated_at`), not a second alert beside it. So at most one alert of a custody record is
 * live (not resolved), which the unique index `alerts_live` now says: exactly-once raising
 * across instances rests on it.
 *
 * Existing live alerts: the most urgent of each custody record stays (escalated, then overdue,
 * then the warning nearest its deadline); the others are resolved as superseded. A live
 * escalation's `escalated_at` is when it was raised.
 */
export class OneLiveAlert1766300000000 implements MigrationInterface {
  name = 'OneLiveAlert1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN escalated_at timestamptz`);
    await q.query(`
      WITH ranked AS (
        SELECT id, row_number() OVER (PARTITION BY hold_id
                 ORDER BY CASE level WHEN 'escalated' THEN 2 WHEN 'overdue' THEN 1 ELSE -threshold_hours END DESC, raised_at DESC, id) AS n
          FROM alerts WHERE state <> 'resolved')
      UPDATE alerts a SET state = 'resolved', resolved_at = now(), resolution = 'superseded: one live alert per custody record'
        FROM ranked r WHERE a.id = r.id AND r.n > 1`);
    await q.query(`UPDATE alerts SET escalated_at = raised_at WHERE level = 'escalated' AND state <> 'resolved'`);
    await q.query(`DROP INDEX alerts_live`);
    await q.query(`CREATE UNIQUE INDEX alerts_live ON alerts (hold_id) WHERE state <> 'resolved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_live`);
    await q.query(`CREATE UNIQUE INDEX alerts_live ON alerts (hold_id, level, threshold_hours, deadline_at) WHERE state <> 'resolved'`);
    await q.query(`ALTER TABLE alerts DROP COLUMN escalated_at`);
  }
}
