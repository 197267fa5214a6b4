import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rule sets (issue 28): an alert of level `review` when a detainer of running custody waits for a supervisor's decision. */
export class ReviewAlerts1766210000000 implements MigrationInterface {
  name = 'ReviewAlerts1766210000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['alert_schedule', 'alerts']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_level_check`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_level_check CHECK (level IN ('approaching', 'overdue', 'escalated', 'review'))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_schedule WHERE level = 'review'`);
    await q.query(`DELETE FROM alerts WHERE level = 'review'`);
    for (const table of ['alert_schedule', 'alerts']) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_level_check`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_level_check CHECK (level IN ('approaching', 'overdue', 'escalated'))`);
    }
  }
}
