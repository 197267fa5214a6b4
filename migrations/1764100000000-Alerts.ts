import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts. `alert_schedule` holds the alerts still ahead of each open hold (re-planned when
 * its deadline changes); the sweep turns the due rows into `alerts` (deleting the rows), which are unique per
 * hold, level, threshold and deadline: raised once, whatever runs the sweep. Webhook
 * deliveries are an outbox retried with backoff.
 */
export class Alerts1764100000000 implements MigrationInterface {
  name = 'Alerts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility_policies ADD COLUMN escalate_after_minutes integer NOT NULL DEFAULT 60 CHECK (escalate_after_minutes BETWEEN 1 AND 10080)`);
    await q.query(`
      CREATE TABLE alert_schedule (
        hold_id          uuid NOT NULL,
        facility_id      text NOT NULL,
        -- copied from the hold: the sweep raises alerts without reading holds (an unfired row
        -- exists only while its hold runs with that deadline: both change in one transaction)
        booking_id       text NOT NULL,
        detainer_id      text NOT NULL,
        level            text NOT NULL CHECK (level IN ('approaching', 'overdue', 'escalated')),
        -- hours before the deadline for 'approaching'; 0 otherwise
        threshold_hours  numeric NOT NULL,
        deadline_at      timestamptz NOT NULL,
        fire_at          timestamptz NOT NULL,
        -- when the row was planned: an alert planned after it was due is not late by the sweep's fault
        planned_at       timestamptz NOT NULL,
        PRIMARY KEY (hold_id, level, threshold_hours, deadline_at)
      )`);
    // The sweep deletes the rows it fires; re-planning one that already fired is harmless (alerts are unique).
    await q.query(`CREATE INDEX alert_schedule_due ON alert_schedule (fire_at)`);
    await q.query(`
      CREATE TABLE alerts (
        id                   uuid PRIMARY KEY,
        hold_id              uuid NOT NULL,
        facility_id          text NOT NULL,
        booking_id           text NOT NULL,
        detainer_id          text NOT NULL,
        level                text NOT NULL CHECK (level IN ('approaching', 'overdue', 'escalated')),
        threshold_hours      numeric NOT NULL,
        deadline_at          timestamptz NOT NULL,
        -- when the alert was due, and when a sweep raised it
        due_at               timestamptz NOT NULL,
        raised_at            timestamptz NOT NULL,
        late                 boolean NOT NULL,
        state                text NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
        acknowledged_at      timestamptz,
        acknowledged_by      text,
        acknowledged_key_id  uuid,
        note                 text,
        resolved_at          timestamptz,
        resolution           text,
        UNIQUE (hold_id, level, threshold_hours, deadline_at)
      )`);
    // Lookups by hold use the unique key, which leads with hold_id.
    await q.query(`CREATE INDEX alerts_list ON alerts (raised_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE webhooks (
        id           uuid PRIMARY KEY,
        facility_id  text NOT NULL REFERENCES facilities(id),
        url          text NOT NULL,
        -- the shared HMAC key; needed in clear to sign, so it cannot be hashed (never returned after creation)
        secret       text NOT NULL,
        created_at   timestamptz NOT NULL,
        disabled_at  timestamptz
      )`);
    await q.query(`CREATE INDEX webhooks_facility ON webhooks (facility_id) WHERE disabled_at IS NULL`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id       uuid NOT NULL REFERENCES webhooks(id),
        alert_id         uuid NOT NULL REFERENCES alerts(id),
        state            text NOT NULL CHECK (state IN ('pending', 'delivered')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL,
        last_attempt_at  timestamptz,
        last_status      integer,
        last_error       text,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL,
        UNIQUE (webhook_id, alert_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_deliveries', 'webhooks', 'alerts', 'alert_schedule']) await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`ALTER TABLE facility_policies DROP COLUMN IF EXISTS escalate_after_minutes`);
  }
}
