import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who changed a facility's configuration, when, and from what to what: one row per PUT that
 * changed something (or created the facility), each with the whole configuration before and
 * after, policy history included. Policy versions say which rules judge a hold; this says who
 * set them, and keeps a version that a later PUT for the same instant replaced. Append-only.
 */
export class FacilityChanges1764800000000 implements MigrationInterface {
  name = 'FacilityChanges1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE facility_changes (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facility_id  text COLLATE "C" NOT NULL REFERENCES facilities(id),
        changed_at   timestamptz NOT NULL,
        -- the key that made the change, and its name then
        api_key_id   uuid NOT NULL,
        key_name     text NOT NULL,
        -- the facility as GET answered before (null: created) and after
        before       jsonb,
        after        jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX facility_changes_facility ON facility_changes (facility_id, id)`);
    await q.query(`CREATE TRIGGER facility_changes_append_only BEFORE UPDATE OR DELETE ON facility_changes FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await q.query(`CREATE TRIGGER facility_changes_not_truncated BEFORE TRUNCATE ON facility_changes FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE facility_changes`);
  }
}
