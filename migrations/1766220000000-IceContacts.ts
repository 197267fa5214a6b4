import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rule sets (issue 28): the ICE-contact log. Every contact with ICE about a custody record (a
 * release date shared, a notification sent, an interview requested or held, a records request),
 * who recorded it and when, and whether the disclosure rule allowed it then. Append-only.
 */
export class IceContacts1766220000000 implements MigrationInterface {
  name = 'IceContacts1766220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ice_contacts (
        id            uuid PRIMARY KEY,
        custody_id    uuid NOT NULL,
        facility_id   text COLLATE "C" NOT NULL,
        booking_id    text COLLATE "C" NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('release_date_shared', 'notification_sent', 'interview_requested', 'interview_held', 'records_request', 'other')),
        at            timestamptz NOT NULL,
        note          text,
        recorded_at   timestamptz NOT NULL,
        api_key_id    uuid,
        key_name      text NOT NULL,
        -- the disclosure rule's verdict when it was recorded: a contact it did not allow is flagged
        allowed       boolean NOT NULL,
        basis         text NOT NULL
      )`);
    await q.query(`CREATE INDEX ice_contacts_custody ON ice_contacts (custody_id, at)`);
    await q.query(`CREATE INDEX ice_contacts_facility ON ice_contacts (facility_id, at)`);
    await q.query(`CREATE TRIGGER ice_contacts_append_only BEFORE UPDATE OR DELETE ON ice_contacts FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ice_contacts`);
  }
}
