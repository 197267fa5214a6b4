import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ID_TEXT } from '../database/id-column.js';
import type { DetainerForm, PolicyName } from '../clock/hold-clock.js';
import type { FormAuthority } from '../rules/authority.js';
import type { RuleSet } from '../rules/rule-set.js';

@Entity('facilities')
export class FacilityEntity {
  @PrimaryColumn({ ...ID_TEXT }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', name: 'time_zone' }) timeZone!: string;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** One dated version of a facility's hold policy. */
@Entity('facility_policies')
export class FacilityPolicyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: number;
  @Column({ ...ID_TEXT, name: 'facility_id' }) facilityId!: string;
  /** null: the first version, in force since always. */
  @Column({ type: 'timestamptz', name: 'effective_from', nullable: true }) effectiveFrom!: Date | null;
  @Column({ type: 'text' }) policy!: PolicyName;
  @Column({ type: 'integer', name: 'hold_hours' }) holdHours!: number;
  @Column({ type: 'jsonb', name: 'extra_holidays' }) extraHolidays!: string[];
  @Column({ type: 'boolean', name: 'require_judicial_warrant' }) requireJudicialWarrant!: boolean;
  @Column({ type: 'jsonb', name: 'warn_before_hours' }) warnBeforeHours!: number[];
  @Column({ type: 'integer', name: 'escalate_after_minutes' }) escalateAfterMinutes!: number;
  /** The time zone is dated with the rules: local days of a period are those of its version. */
  @Column({ type: 'text', name: 'time_zone' }) timeZone!: string;
  /** Per-form authority overriding the policy's defaults; null: the defaults. */
  @Column({ type: 'jsonb', nullable: true }) forms!: Partial<Record<DetainerForm, FormAuthority>> | null;
  @Column({ type: 'integer', name: 'release_processing_minutes' }) releaseProcessingMinutes!: number;
  @Column({ type: 'jsonb', name: 'agency_aliases' }) agencyAliases!: string[];
  /** The preset this version starts from (src/rules/presets), null: none. */
  @Column({ type: 'text', nullable: true }) preset!: string | null;
  /** The facility's overrides of its preset, as sent (null: none). */
  @Column({ type: 'jsonb', nullable: true }) overrides!: object | null;
  /** The rule set in force: criteria per form, charge-code table, review triggers, disclosure (null: none). */
  @Column({ type: 'jsonb', name: 'rule_set', nullable: true }) ruleSet!: RuleSet | null;
  @Column({ type: 'timestamptz', name: 'recorded_at' }) recordedAt!: Date;
  /** When custody was last judged with this version in force; null for one recorded to take effect later, until it has (see `applyRulesTakingEffect`). */
  @Column({ type: 'timestamptz', name: 'judged_at', nullable: true }) judgedAt!: Date | null;
}
