import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A facility's rules dated to take effect later: when they do, its custody is judged again (what
 * depends on the rules in force now, whether a release date may be told to ICE and the warning
 * thresholds, is stale from that instant). `judged_at` says when custody was last judged with
 * this version in force; a version recorded with its effect in the future has none until a timed
 * job judges the facility again once it takes effect. Versions already in force were judged
 * when recorded; those recorded for later and in force by now are left for the job's first run.
 */
export class RulesTakingEffect1767000000000 implements MigrationInterface {
  name = 'RulesTakingEffect1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility_policies ADD COLUMN judged_at timestamptz`);
    await q.query(`UPDATE facility_policies SET judged_at = recorded_at WHERE effective_from IS NULL OR effective_from <= recorded_at`);
    await q.query(`CREATE INDEX facility_policies_taking_effect ON facility_policies (effective_from) WHERE judged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX facility_policies_taking_effect`);
    await q.query(`ALTER TABLE facility_policies DROP COLUMN judged_at`);
  }
}
