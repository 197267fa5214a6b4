import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence and access control for histories and reports: each event carries a
 * SHA-256 chained to the facility's previous event; counsel keys see only what an admin
 * granted; every read of a history or report is written to an append-only access log.
 * Holds keep the time counted under their policy, so reports aggregate it in SQL.
 */
export class Audit1764200000000 implements MigrationInterface {
  name = 'Audit1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Nullable only so the migration applies to a log that has rows; every new event gets both.
    await q.query(`ALTER TABLE events ADD COLUMN prev_hash text, ADD COLUMN chain_hash text`);
    await q.query(`CREATE INDEX events_facility_seq ON events (facility_id, seq)`);
    // What reports group by, kept with the hold (re-derived with it whenever its booking changes).
    await q.query(`ALTER TABLE holds ADD COLUMN counted_ms bigint, ADD COLUMN charge_level text, ADD COLUMN convicted boolean, ADD COLUMN to_agency text`);
    // Report passes by period; facility first, and what the monthly series needs included, for index-only scans.
    await q.query(`CREATE INDEX holds_ended ON holds (facility_id, ended_at) INCLUDE (compliant, clock_started_at) WHERE phase = 'closed'`);
    await q.query(`CREATE INDEX holds_started ON holds (facility_id, clock_started_at)`);
    await q.query(`CREATE INDEX holds_lodged ON holds (facility_id, lodged_at)`);
    await q.query(`
      CREATE TABLE grants (
        id           uuid PRIMARY KEY,
        api_key_id   uuid NOT NULL REFERENCES api_keys(id),
        booking_id   text,
        person_id    text,
        created_at   timestamptz NOT NULL,
        revoked_at   timestamptz,
        CHECK ((booking_id IS NULL) <> (person_id IS NULL))
      )`);
    await q.query(`CREATE INDEX grants_key ON grants (api_key_id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE access_log (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          timestamptz NOT NULL,
        api_key_id  uuid,
        key_name    text,
        role        text,
        action      text NOT NULL,
        resource    text NOT NULL,
        outcome     text NOT NULL,
        ip          text,
        user_agent  text
      )`);
    await q.query(`CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS access_log`);
    await q.query(`DROP TABLE IF EXISTS grants`);
    await q.query(`DROP INDEX IF EXISTS holds_lodged`);
    await q.query(`DROP INDEX IF EXISTS holds_started`);
    await q.query(`DROP INDEX IF EXISTS holds_ended`);
    await q.query(`ALTER TABLE holds DROP COLUMN IF EXISTS counted_ms, DROP COLUMN IF EXISTS charge_level, DROP COLUMN IF EXISTS convicted, DROP COLUMN IF EXISTS to_agency`);
    await q.query(`DROP INDEX IF EXISTS events_facility_seq`);
    await q.query(`ALTER TABLE events DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS chain_hash`);
  }
}
