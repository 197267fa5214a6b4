import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Every instant is timestamptz (UTC inside). The event log is
 * append-only (a trigger refuses UPDATE and DELETE); bookings, detainers and holds are
 * projections derived from it and may be rebuilt.
 */
export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE facilities (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        time_zone   text NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE facility_policies (
        id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facility_id               text NOT NULL REFERENCES facilities(id),
        -- NULL: the facility's first policy, in force since always
        effective_from            timestamptz,
        policy                    text NOT NULL CHECK (policy IN ('federal-48-business-hours', 'calendar-48-hours', 'no-hold')),
        hold_hours                integer NOT NULL CHECK (hold_hours BETWEEN 1 AND 720),
        extra_holidays            jsonb NOT NULL DEFAULT '[]',
        require_judicial_warrant  boolean NOT NULL DEFAULT false,
        warn_before_hours         jsonb NOT NULL DEFAULT '[12, 4, 1]',
        recorded_at               timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX facility_policies_version ON facility_policies (facility_id, COALESCE(effective_from, '-infinity'::timestamptz))`);

    await q.query(`
      CREATE TABLE api_keys (
        id          uuid PRIMARY KEY,
        name        text NOT NULL,
        role        text NOT NULL CHECK (role IN ('admin', 'ingest', 'supervisor', 'sheriff', 'counsel')),
        key_hash    text NOT NULL UNIQUE,
        key_prefix  text NOT NULL,
        created_at  timestamptz NOT NULL,
        expires_at  timestamptz,
        revoked_at  timestamptz
      )`);

    await q.query(`
      CREATE TABLE events (
        seq                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id           text NOT NULL UNIQUE,
        facility_id        text NOT NULL REFERENCES facilities(id),
        booking_id         text NOT NULL,
        type               text NOT NULL,
        occurred_at        timestamptz NOT NULL,
        received_at        timestamptz NOT NULL,
        retracts_event_id  text,
        -- the event exactly as the sender sent it
        body               jsonb NOT NULL,
        content_hash       text NOT NULL,
        api_key_id         uuid
      )`);
    await q.query(`CREATE INDEX events_booking ON events (facility_id, booking_id, occurred_at, seq)`);
    await q.query(`CREATE INDEX events_retracts ON events (retracts_event_id) WHERE retracts_event_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE rejected_events (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at  timestamptz NOT NULL,
        batch_index  integer,
        event_id     text,
        body         jsonb,
        errors       jsonb NOT NULL,
        api_key_id   uuid
      )`);
    await q.query(`CREATE TRIGGER rejected_events_append_only BEFORE UPDATE OR DELETE ON rejected_events FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await q.query(`
      CREATE TABLE bookings (
        facility_id          text NOT NULL REFERENCES facilities(id),
        booking_id           text NOT NULL,
        person_id            text,
        person               jsonb,
        booked_at            timestamptz,
        charges              jsonb NOT NULL DEFAULT '[]',
        charges_at           timestamptz,
        release_eligible_at  timestamptz,
        release_reason       text,
        custody_ended_at     timestamptz,
        custody_end_kind     text CHECK (custody_end_kind IN ('released', 'transferred')),
        to_agency            text,
        updated_at           timestamptz NOT NULL,
        PRIMARY KEY (facility_id, booking_id)
      )`);
    await q.query(`CREATE INDEX bookings_person ON bookings (person_id)`);

    await q.query(`
      CREATE TABLE detainers (
        facility_id   text NOT NULL,
        booking_id    text NOT NULL,
        detainer_id   text NOT NULL,
        form          text,
        agency        text,
        warrant       text,
        lodged_at     timestamptz,
        cancelled_at  timestamptz,
        PRIMARY KEY (facility_id, booking_id, detainer_id),
        FOREIGN KEY (facility_id, booking_id) REFERENCES bookings (facility_id, booking_id)
      )`);

    await q.query(`
      CREATE TABLE holds (
        id                uuid PRIMARY KEY,
        facility_id       text NOT NULL,
        booking_id        text NOT NULL,
        detainer_id       text NOT NULL,
        person_id         text,
        form              text NOT NULL,
        warrant           text,
        agency            text NOT NULL,
        policy            text NOT NULL,
        hold_hours        integer NOT NULL,
        -- the facility rules that judge this hold (those in force at clock_started_at)
        rules             jsonb NOT NULL,
        phase             text NOT NULL CHECK (phase IN ('pending', 'open', 'closed')),
        lodged_at         timestamptz NOT NULL,
        clock_started_at  timestamptz,
        deadline_at       timestamptz,
        ended_at          timestamptz,
        outcome           text CHECK (outcome IN ('released', 'transferred', 'cancelled')),
        compliant         boolean,
        overage_ms        bigint,
        -- sort key for "time left": holds with no deadline yet come last
        due_at            timestamptz GENERATED ALWAYS AS (COALESCE(deadline_at, 'infinity'::timestamptz)) STORED,
        updated_at        timestamptz NOT NULL,
        UNIQUE (facility_id, booking_id, detainer_id)
      )`);
    await q.query(`CREATE INDEX holds_due ON holds (due_at, id)`);
    await q.query(`CREATE INDEX holds_open_due ON holds (due_at, id) WHERE phase = 'open'`);
    await q.query(`CREATE INDEX holds_facility_due ON holds (facility_id, due_at, id)`);
    await q.query(`CREATE INDEX holds_booking ON holds (booking_id)`);
    await q.query(`CREATE INDEX holds_person ON holds (person_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['holds', 'detainers', 'bookings', 'rejected_events', 'events', 'api_keys', 'facility_policies', 'facilities']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS refuse_change()`);
  }
}
