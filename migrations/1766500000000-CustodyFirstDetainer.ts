import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the quarterly review counts of each custody record (src/custody/review-facts.ts), in columns
 * of their own so that the review over a million records reads no JSON: when the first detainer was
 * received (the quarter), the outcome, the charge groups, the flags, violation reasons, reviews,
 * and authorised time. Filled when records are written; records written before are derived again
 * at start (DERIVATION_VERSION 4).
 */
export class CustodyFirstDetainer1766500000000 implements MigrationInterface {
  name = 'CustodyFirstDetainer1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE custody_records
      ADD COLUMN first_lodged_at timestamptz,
      ADD COLUMN authorized_ms bigint,
      ADD COLUMN review_outcome text CHECK (review_outcome IN ('in_custody', 'transferred', 'cancelled', 'notify_only', 'released')),
      ADD COLUMN charge_level text,
      ADD COLUMN charge_disposition text,
      ADD COLUMN any_conviction boolean,
      ADD COLUMN minor_only boolean,
      ADD COLUMN victim_or_witness boolean,
      ADD COLUMN violation_reasons text[],
      ADD COLUMN review_counts integer[]`);
    await q.query(`CREATE INDEX custody_facility_first_lodged ON custody_records (facility_id, first_lodged_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS custody_facility_first_lodged`);
    await q.query(`ALTER TABLE custody_records DROP COLUMN first_lodged_at, DROP COLUMN authorized_ms, DROP COLUMN review_outcome, DROP COLUMN charge_level,
      DROP COLUMN charge_disposition, DROP COLUMN any_conviction, DROP COLUMN minor_only, DROP COLUMN victim_or_witness, DROP COLUMN violation_reasons, DROP COLUMN review_counts`);
  }
}
