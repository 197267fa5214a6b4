import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security hardening (issue 25):
 * - `api_keys.key_prefix` goes: it held the first 8 characters of each secret, the whole of a
 *   short bootstrap key; listings name keys by a short id taken from the key's id instead.
 * - `api_keys.facility_ids`: an ingest key may be limited to these facilities (null: any).
 * - `access_log.status`: the HTTP status each logged request was answered with (null for rows
 *   written before; their `outcome` says `ok` or the error code).
 */
export class SecurityHardening1765500000000 implements MigrationInterface {
  name = 'SecurityHardening1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN key_prefix`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN facility_ids text[] COLLATE "C"`);
    await q.query(`ALTER TABLE access_log ADD COLUMN status smallint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP COLUMN IF EXISTS status`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN IF EXISTS facility_ids`);
    // The secrets are not kept: what was their prefix cannot be restored.
    await q.query(`ALTER TABLE api_keys ADD COLUMN key_prefix text NOT NULL DEFAULT ''`);
  }
}
