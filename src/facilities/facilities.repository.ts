import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { rulesInForce } from '../clock/derive-hold.js';
import type { HoldRules } from '../clock/hold-clock.js';
import type { AuthorityRules } from '../rules/authority.js';
import { FacilityEntity, FacilityPolicyEntity } from './facility.entity.js';

export interface FacilityRules {
  timeZone: string;
  versions: Array<{ id: number; effectiveFrom: number | null; rules: AuthorityRules; warnBeforeHours: number[] }>;
}

/** The rules in force at an instant (the first version covers all time before it). */
export function rulesAt(f: FacilityRules, instantMs: number): AuthorityRules {
  return rulesInForce(f.versions, instantMs).rules;
}

@Injectable()
export class FacilitiesRepository {
  constructor(private readonly ds: DataSource) {}

  find(id: string, m: EntityManager = this.ds.manager): Promise<FacilityEntity | null> {
    return m.findOneBy(FacilityEntity, { id });
  }

  list(): Promise<FacilityEntity[]> {
    return this.ds.manager.find(FacilityEntity, { order: { id: 'ASC' } });
  }

  /** Policy versions, oldest first (the since-always version leads). */
  versions(facilityId: string, m: EntityManager = this.ds.manager): Promise<FacilityPolicyEntity[]> {
    return m.createQueryBuilder(FacilityPolicyEntity, 'p').where('p.facilityId = :facilityId', { facilityId }).orderBy('p.effectiveFrom', 'ASC', 'NULLS FIRST').getMany();
  }

  async rulesFor(facilityIds: string[], m: EntityManager = this.ds.manager): Promise<Map<string, FacilityRules>> {
    const out = new Map<string, FacilityRules>();
    if (facilityIds.length === 0) return out;
    const rows: Array<{
      id: string;
      facility_zone: string;
      version_id: number;
      time_zone: string;
      effective_from: Date | null;
      policy: HoldRules['policy'];
      hold_hours: number;
      extra_holidays: string[];
      require_judicial_warrant: boolean;
      warn_before_hours: number[];
      forms: AuthorityRules['forms'];
      release_processing_minutes: number;
      agency_aliases: string[];
      rule_set: AuthorityRules['ruleSet'];
    }> = await m.query(
      `SELECT f.id, f.time_zone AS facility_zone, p.id AS version_id, p.time_zone, p.effective_from, p.policy, p.hold_hours, p.extra_holidays, p.require_judicial_warrant, p.warn_before_hours,
              p.forms, p.release_processing_minutes, p.agency_aliases, p.rule_set
         FROM facilities f JOIN facility_policies p ON p.facility_id = f.id
        WHERE f.id = ANY($1::text[])
        ORDER BY f.id, p.effective_from ASC NULLS FIRST`,
      [facilityIds],
    );
    for (const r of rows) {
      let f = out.get(r.id);
      if (!f) out.set(r.id, (f = { timeZone: r.facility_zone, versions: [] }));
      f.versions.push({
        id: r.version_id,
        effectiveFrom: r.effective_from ? r.effective_from.getTime() : null,
        warnBeforeHours: r.warn_before_hours,
        rules: {
          timeZone: r.time_zone,
          policy: r.policy,
          holdHours: r.hold_hours,
          extraHolidays: r.extra_holidays,
          requireJudicialWarrant: r.require_judicial_warrant,
          forms: r.forms,
          releaseProcessingMinutes: r.release_processing_minutes,
          agencyAliases: r.agency_aliases,
          ruleSet: r.rule_set,
        },
      });
    }
    return out;
  }

  async saveFacility(m: EntityManager, f: FacilityEntity): Promise<void> {
    await m.save(FacilityEntity, f);
  }

  /** One facility change, who made it, and the configuration before and after (append-only). */
  async recordChange(m: EntityManager, c: { facilityId: string; at: Date; keyId: string; keyName: string; before: object | null; after: object }): Promise<void> {
    await m.query('INSERT INTO facility_changes (facility_id, changed_at, api_key_id, key_name, before, after) VALUES ($1, $2, $3, $4, $5, $6)', [
      c.facilityId,
      c.at,
      c.keyId,
      c.keyName,
      c.before === null ? null : JSON.stringify(c.before),
      JSON.stringify(c.after),
    ]);
  }

  /** A facility's changes, newest first. */
  async changes(facilityId: string): Promise<Array<{ id: number; changed_at: Date; api_key_id: string; key_name: string; before: object | null; after: object }>> {
    return this.ds.query('SELECT id, changed_at, api_key_id, key_name, before, after FROM facility_changes WHERE facility_id = $1 ORDER BY id DESC', [facilityId]);
  }

  /** The facility whose rules dated for later took effect first of those not yet judged by `now`, or null. */
  async firstTakingEffect(now: Date): Promise<string | null> {
    const [due]: Array<{ facility_id: string }> = await this.ds.query(
      `SELECT facility_id FROM facility_policies WHERE judged_at IS NULL AND effective_from <= $1 ORDER BY effective_from, id LIMIT 1`,
      [now],
    );
    return due?.facility_id ?? null;
  }

  /** The facility's versions in force by `now` and not yet judged, marked judged at `now`; how many. */
  async markJudged(m: EntityManager, facilityId: string, now: Date): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await m.query(
      `WITH marked AS (UPDATE facility_policies SET judged_at = $2 WHERE facility_id = $1 AND judged_at IS NULL AND effective_from <= $2 RETURNING id)
       SELECT count(*)::int AS n FROM marked`,
      [facilityId, now],
    );
    return n;
  }

  /** Insert a policy version, replacing one that takes effect at the same instant. */
  async putVersion(m: EntityManager, v: Omit<FacilityPolicyEntity, 'id'>): Promise<void> {
    await m.query(`DELETE FROM facility_policies WHERE facility_id = $1 AND COALESCE(effective_from, '-infinity'::timestamptz) = COALESCE($2::timestamptz, '-infinity'::timestamptz)`, [
      v.facilityId,
      v.effectiveFrom,
    ]);
    await m.insert(FacilityPolicyEntity, v);
  }
}
