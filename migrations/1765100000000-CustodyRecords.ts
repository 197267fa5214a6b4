import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custody authority (shared/design/custody-authority.md): one custody record per booking that has
 * or had a detainer, judged from the booking's facts (kept as lists in `bookings.facts`) and the
 * facility's dated rules, which now carry the time zone, per-form authority, the release-processing
 * allowance and the names of ICE. Holds keep their rows and take their status and verdict from the
 * custody record. Every booking is judged again from its log at the first start of this release
 * (DERIVATION_VERSION), and each verdict that changes is listed in `verdict_changes`.
 */
export class CustodyRecords1765100000000 implements MigrationInterface {
  name = 'CustodyRecords1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // json, not jsonb: written with every batch, never queried inside (json's input only checks the text).
    await q.query(`ALTER TABLE bookings ADD COLUMN facts json`);
    await q.query(`
      ALTER TABLE facility_policies
        ADD COLUMN time_zone text,
        ADD COLUMN forms jsonb,
        ADD COLUMN release_processing_minutes integer NOT NULL DEFAULT 0 CHECK (release_processing_minutes BETWEEN 0 AND 1440),
        ADD COLUMN agency_aliases jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`UPDATE facility_policies p SET time_zone = f.time_zone FROM facilities f WHERE f.id = p.facility_id`);
    await q.query(`ALTER TABLE facility_policies ALTER COLUMN time_zone SET NOT NULL`);
    await q.query(`
      CREATE TABLE custody_records (
        id                 uuid PRIMARY KEY,
        facility_id        text COLLATE "C" NOT NULL,
        booking_id         text COLLATE "C" NOT NULL,
        person_id          text COLLATE "C",
        phase              text NOT NULL CHECK (phase IN ('pending', 'open', 'closed')),
        -- open custody: the start of its eligibility period, and from when it is unauthorised for good
        active_from        timestamptz,
        -- the start of its first eligibility period: from when custody needed an authority (reports count people by it)
        eligible_from      timestamptz,
        due_at             timestamptz,
        authorized_until   timestamptz,
        due_detainer_id    text COLLATE "C",
        ended_at           timestamptz,
        outcome            text CHECK (outcome IN ('released', 'transferred')),
        to_agency          text,
        honoured           boolean,
        compliant          boolean,
        overage_ms         bigint,
        unauthorized_ms    bigint NOT NULL,
        processing_ms      bigint NOT NULL,
        anomaly_count      integer NOT NULL,
        -- the whole judgement: periods, detainers and their windows, violations, processing, anomalies
        record             json NOT NULL,
        -- a rule change recorded after custody ended changed the verdict: the verdict before, and when
        rejudged           jsonb,
        -- sort key for "least authority left": open custody by due_at, the rest last
        due_key            timestamptz GENERATED ALWAYS AS (CASE WHEN phase = 'open' THEN COALESCE(due_at, 'infinity'::timestamptz) ELSE 'infinity'::timestamptz END) STORED,
        updated_at         timestamptz NOT NULL,
        UNIQUE (facility_id, booking_id)
      )`);
    // Few indexes: every batch writes a record per booking, and each index costs it. The board and
    // the list read by facility and time left, or by booking or person; reports scan a facility's
    // records (the unique key leads with the facility).
    await q.query(`CREATE INDEX custody_facility_due ON custody_records (facility_id, due_key, id)`);
    await q.query(`CREATE INDEX custody_booking ON custody_records (booking_id)`);
    await q.query(`CREATE INDEX custody_person ON custody_records (person_id)`);
    await q.query(`
      ALTER TABLE holds
        ADD COLUMN custody_id uuid,
        ADD COLUMN honoured boolean,
        ADD COLUMN custody_active_from timestamptz,
        ADD COLUMN custody_due_at timestamptz`);
    await q.query(`
      CREATE TABLE verdict_changes (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facility_id   text COLLATE "C" NOT NULL,
        booking_id    text COLLATE "C" NOT NULL,
        custody_id    uuid NOT NULL,
        changed_at    timestamptz NOT NULL,
        -- 'upgrade': judged again by a new release; 'rules_changed': the facility's rules changed
        cause         text NOT NULL,
        before        jsonb,
        after         jsonb
      )`);
    await q.query(`CREATE INDEX verdict_changes_list ON verdict_changes (id DESC)`);
    // Alerts are raised per custody record from now on: what was planned per hold is dropped, and
    // live alerts about holds are resolved, saying why. Judging every booking again at the first
    // start (DERIVATION_VERSION) plans each custody record's alerts, and the first sweep raises at
    // once, not marked late, those already due (an overdue person's alert included).
    await q.query(`DELETE FROM alert_schedule`);
    await q.query(`UPDATE alerts SET state = 'resolved', resolved_at = now(), resolution = 'replaced: alerts are now raised per custody record' WHERE state <> 'resolved'`);
    await q.query(`CREATE TRIGGER verdict_changes_append_only BEFORE UPDATE OR DELETE ON verdict_changes FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS verdict_changes`);
    await q.query(`ALTER TABLE holds DROP COLUMN IF EXISTS custody_id, DROP COLUMN IF EXISTS honoured, DROP COLUMN IF EXISTS custody_active_from, DROP COLUMN IF EXISTS custody_due_at`);
    await q.query(`DROP TABLE IF EXISTS custody_records`);
    await q.query(`ALTER TABLE facility_policies DROP COLUMN IF EXISTS time_zone, DROP COLUMN IF EXISTS forms, DROP COLUMN IF EXISTS release_processing_minutes, DROP COLUMN IF EXISTS agency_aliases`);
    await q.query(`ALTER TABLE bookings DROP COLUMN IF EXISTS facts`);
  }
}
