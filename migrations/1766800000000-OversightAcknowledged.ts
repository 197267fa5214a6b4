import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts on complaints and notices past due are acknowledged as custody alerts are: who, when, and
 * a note, once. An alert stays open (on the alerts page, in the count) until someone does.
 */
export class OversightAcknowledged1766800000000 implements MigrationInterface {
  name = 'OversightAcknowledged1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oversight_alerts ADD COLUMN acknowledged_at timestamptz, ADD COLUMN acknowledged_by text, ADD COLUMN note text`);
    await q.query(`ALTER TABLE oversight_alerts ADD CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))`);
    await q.query(`CREATE INDEX oversight_alerts_open ON oversight_alerts (raised_at DESC) WHERE acknowledged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX oversight_alerts_open`);
    await q.query(`ALTER TABLE oversight_alerts DROP COLUMN note, DROP COLUMN acknowledged_by, DROP COLUMN acknowledged_at`);
  }
}
