import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jurisdiction rule sets (issue 28): a dated rule version carries the preset it starts from, the
 * facility's overrides of it, and the rule set in force (per-form criteria, the charge-code table,
 * the review triggers and the disclosure rule), resolved from both when it was recorded.
 */
export class RuleSets1766200000000 implements MigrationInterface {
  name = 'RuleSets1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE facility_policies
        ADD COLUMN preset text,
        ADD COLUMN overrides jsonb,
        ADD COLUMN rule_set jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility_policies DROP COLUMN IF EXISTS preset, DROP COLUMN IF EXISTS overrides, DROP COLUMN IF EXISTS rule_set`);
  }
}
