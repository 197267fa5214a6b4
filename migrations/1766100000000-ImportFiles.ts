import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The files an import took from the watched folder (IMPORT_DIR) or an upload: which file (its
 * SHA-256), with which mapping, for which facility, how it ended and where it was moved. A file
 * whose content was imported (or is being imported) with a mapping for a facility is not imported
 * again with it: the partial unique index is the claim.
 */
export class ImportFiles1766100000000 implements MigrationInterface {
  name = 'ImportFiles1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE import_files (
      id bigserial PRIMARY KEY,
      source text NOT NULL CHECK (source IN ('folder', 'upload')),
      facility_id text COLLATE "C",
      mapping text NOT NULL,
      file text NOT NULL,
      content_sha256 text COLLATE "C" NOT NULL,
      bytes bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('importing', 'imported', 'refused', 'failed', 'duplicate', 'interrupted')),
      reason text,
      summary jsonb,
      moved_to text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      api_key_id uuid
    )`);
    await q.query(`CREATE UNIQUE INDEX import_files_once ON import_files (facility_id, mapping, content_sha256) WHERE status IN ('importing', 'imported')`);
    await q.query(`CREATE INDEX import_files_facility ON import_files (facility_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_files`);
  }
}
