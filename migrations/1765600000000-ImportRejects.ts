import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an import could not map: each record of an export (a CSV row, an XML document) kept with
 * its file, line, content and reason, so nothing a jail's export held is lost. Appended by the
 * importer through the API and listed for admins. `reject_key` (a hash of facility, file, line,
 * content and reason) makes a second import of the same file keep nothing twice.
 */
export class ImportRejects1765600000000 implements MigrationInterface {
  name = 'ImportRejects1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE import_rejects (
      id bigserial PRIMARY KEY,
      facility_id text COLLATE "C" NOT NULL REFERENCES facilities(id),
      file text NOT NULL,
      line integer NOT NULL,
      content text NOT NULL,
      reason text NOT NULL,
      reject_key text COLLATE "C" NOT NULL,
      received_at timestamptz NOT NULL,
      api_key_id uuid
    )`);
    await q.query(`CREATE UNIQUE INDEX import_rejects_key ON import_rejects (facility_id, reject_key)`);
    await q.query(`CREATE INDEX import_rejects_facility ON import_rejects (facility_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_rejects`);
  }
}
