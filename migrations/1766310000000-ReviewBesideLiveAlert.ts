import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One live alert per custody record (OneLiveAlert), and beside it at most one live review item
 * (ReviewAlerts: a detainer waiting for a supervisor's decision is not a step of the clock's
 * warnings and is not superseded by them).
 */
export class ReviewBesideLiveAlert1766310000000 implements MigrationInterface {
  name = 'ReviewBesideLiveAlert1766310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_live`);
    await q.query(`CREATE UNIQUE INDEX alerts_live ON alerts (hold_id, (level = 'review')) WHERE state <> 'resolved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE alerts SET state = 'resolved', resolved_at = now(), resolution = 'superseded: one live alert per custody record' WHERE level = 'review' AND state <> 'resolved'`);
    await q.query(`DROP INDEX alerts_live`);
    await q.query(`CREATE UNIQUE INDEX alerts_live ON alerts (hold_id) WHERE state <> 'resolved'`);
  }
}
