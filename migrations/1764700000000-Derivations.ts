import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which code derived the stored bookings and holds (src/holds/derivation.ts). A start whose
 * fingerprint differs derives every booking again from its log, then records its own. No row
 * means derived by a release before this table: such a database is derived again once.
 */
export class Derivations1764700000000 implements MigrationInterface {
  name = 'Derivations1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE derivations (
        what         text PRIMARY KEY,
        fingerprint  text NOT NULL,
        derived_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE derivations`);
  }
}
