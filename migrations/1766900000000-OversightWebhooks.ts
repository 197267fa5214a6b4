import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A facility's webhooks receive its oversight alerts (a complaint or a notice past due) as they
 * receive its custody alerts: a delivery names one or the other, queued once when it is raised.
 */
export class OversightWebhooks1766900000000 implements MigrationInterface {
  name = 'OversightWebhooks1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries ALTER COLUMN alert_id DROP NOT NULL`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN oversight_alert_id uuid REFERENCES oversight_alerts(id)`);
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_one_subject CHECK ((alert_id IS NULL) <> (oversight_alert_id IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX webhook_deliveries_oversight ON webhook_deliveries (webhook_id, oversight_alert_id) WHERE oversight_alert_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM webhook_deliveries WHERE oversight_alert_id IS NOT NULL`);
    await q.query(`DROP INDEX webhook_deliveries_oversight`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_subject`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN oversight_alert_id`);
    await q.query(`ALTER TABLE webhook_deliveries ALTER COLUMN alert_id SET NOT NULL`);
  }
}
