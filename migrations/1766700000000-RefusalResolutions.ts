import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How a refused event was resolved by a supervisor: sent again (corrected, through the normal
 * ingest path, naming the event it stored) or dismissed with a reason; who and when. One per
 * refusal, append-only; the refusal itself is never changed or deleted.
 */
export class RefusalResolutions1766700000000 implements MigrationInterface {
  name = 'RefusalResolutions1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refusal_resolutions (
        rejected_id      bigint PRIMARY KEY REFERENCES rejected_events(id),
        action           text NOT NULL CHECK (action IN ('resent', 'dismissed')),
        reason           text,
        resent_event_id  text COLLATE "C",
        by_key_id        uuid,
        by_name          text NOT NULL,
        at               timestamptz NOT NULL,
        CHECK ((action = 'dismissed') = (reason IS NOT NULL)),
        CHECK ((action = 'resent') = (resent_event_id IS NOT NULL))
      )`);
    await q.query(`CREATE TRIGGER refusal_resolutions_append_only BEFORE UPDATE OR DELETE ON refusal_resolutions FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refusal_resolutions`);
  }
}
