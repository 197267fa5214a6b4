import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { rulesInForce } from '../clock/derive-hold.js';
import { explainDeadline } from '../clock/explain.js';
import { holidaysOfYear, localIsoDate } from '../clock/hold-clock.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import type { Principal } from '../auth/roles.decorator.js';
import { lockFacilities } from '../database/locks.js';
import { addCounted, authorityOf, formAuthorities } from '../rules/authority.js';
import type { RuleSet } from '../rules/rule-set.js';
import { isVerified, presetById, type PresetRules } from '../rules/presets/index.js';
import {
  FACILITY_ID,
  type FacilityChangeView,
  type CalendarQuery,
  type CalendarView,
  type DeadlineQuery,
  type DeadlineView,
  type FacilityBody,
  type FacilityView,
  type PolicyVersionView,
} from './facility.dto.js';
import { canonicalJson } from '../common/canonical-json.js';
import { FacilityEntity, FacilityPolicyEntity } from './facility.entity.js';
import { FacilitiesRepository, type FacilityRules } from './facilities.repository.js';

/** Called inside the transaction that changed a facility's time zone or policy. */
export type RulesChangedListener = (m: EntityManager, facilityId: string) => Promise<void>;

// Stored rules come back from jsonb with their keys reordered: compared in canonical form (sorted keys).
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const sameRules = (a: Omit<FacilityPolicyEntity, 'id' | 'recordedAt' | 'effectiveFrom' | 'facilityId' | 'judgedAt'>, b: typeof a) =>
  a.timeZone === b.timeZone &&
  same(a.forms, b.forms) &&
  a.releaseProcessingMinutes === b.releaseProcessingMinutes &&
  same(a.agencyAliases, b.agencyAliases) &&
  a.policy === b.policy &&
  a.holdHours === b.holdHours &&
  a.requireJudicialWarrant === b.requireJudicialWarrant &&
  same(a.extraHolidays, b.extraHolidays) &&
  same(a.warnBeforeHours, b.warnBeforeHours) &&
  a.escalateAfterMinutes === b.escalateAfterMinutes &&
  a.preset === b.preset &&
  same(a.overrides, b.overrides) &&
  same(a.ruleSet, b.ruleSet);

/**
 * A version in force when recorded is judged then (the PUT judges the facility again); one dated
 * later is judged again once it takes effect (`applyRulesTakingEffect`).
 */
const judgedWhenRecorded = (effectiveFrom: Date | null, now: Date): Date | null => (effectiveFrom === null || effectiveFrom <= now ? now : null);

/** A version's preset as a facility shows it: plainly verified or not, and why not. */
function presetOf(id: string | null): FacilityView['preset'] {
  const p = id === null ? undefined : presetById(id);
  if (!p) return null;
  return { id: p.id, name: p.name, verified: isVerified(p), unverified: p.citations.filter((c) => !c.verified).map((c) => `${c.cite}: ${c.note}`) };
}

/** The rule set a body configures (null: none, as before rule sets). */
function ruleSetOf(body: RuleSet): RuleSet | null {
  const out: RuleSet = {};
  if (body.criteria !== undefined && body.criteria !== null) out.criteria = body.criteria;
  if (body.chargeClasses !== undefined) out.chargeClasses = body.chargeClasses;
  if (body.review !== undefined) out.review = [...new Set(body.review)].sort();
  if (body.disclosure !== undefined) out.disclosure = body.disclosure;
  if (body.notices !== undefined) out.notices = body.notices;
  if (body.complaintDeadlines !== undefined) out.complaintDeadlines = body.complaintDeadlines;
  return Object.keys(out).length > 0 ? out : null;
}

@Injectable()
export class FacilitiesService {
  private readonly listeners: RulesChangedListener[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly repo: FacilitiesRepository,
    private readonly clock: Clock,
  ) {}

  onRulesChanged(listener: RulesChangedListener): void {
    this.listeners.push(listener);
  }

  static checkId(id: string): void {
    if (!FACILITY_ID.test(id)) {
      throw DomainError.validation([{ field: 'facilityId', message: 'must be 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit' }]);
    }
  }

  /**
   * Create or reconfigure a facility. A changed policy becomes a new dated version; holds are
   * recomputed. Every change is recorded with the key that made it and the configuration before
   * and after (`changes`).
   */
  async put(id: string, body: FacilityBody, by: Principal): Promise<FacilityView> {
    FacilitiesService.checkId(id);
    const now = new Date(this.clock.now());
    await this.ds.transaction(async (m) => {
      // Serialise configuration changes of one facility, and with its batches (see locks.ts).
      await lockFacilities(m, [id]);
      const existing = await this.repo.find(id, m);
      // The preset's rules, then the body's own, then its `rules` overrides.
      const preset = body.preset !== undefined ? presetById(body.preset)!.rules : undefined;
      const o = body.rules ?? {};
      const pick = <K extends keyof PresetRules & keyof FacilityBody>(k: K) => (o as Partial<PresetRules>)[k] ?? body[k] ?? preset?.[k];
      const rules = {
        timeZone: body.timeZone,
        forms: (pick('forms') as FacilityPolicyEntity['forms']) ?? null,
        releaseProcessingMinutes: body.releaseProcessingMinutes,
        agencyAliases: body.agencyAliases,
        policy: pick('policy')!,
        holdHours: pick('holdHours') ?? 48,
        extraHolidays: body.extraHolidays,
        requireJudicialWarrant: pick('requireJudicialWarrant') ?? false,
        warnBeforeHours: body.warnBeforeHours,
        escalateAfterMinutes: body.escalateAfterMinutes,
        preset: body.preset ?? null,
        overrides: body.rules ?? null,
        ruleSet: ruleSetOf({
          criteria: pick('criteria'),
          chargeClasses: pick('chargeClasses'),
          review: pick('review'),
          disclosure: pick('disclosure'),
          notices: pick('notices'),
          complaintDeadlines: pick('complaintDeadlines'),
        }),
      };
      const record = async (before: FacilityView | null) =>
        this.repo.recordChange(m, { facilityId: id, at: now, keyId: by.keyId, keyName: by.name, before, after: this.view((await this.repo.find(id, m))!, await this.repo.versions(id, m)) });
      if (!existing) {
        await this.repo.saveFacility(m, Object.assign(new FacilityEntity(), { id, name: body.name, timeZone: body.timeZone, createdAt: now, updatedAt: now }));
        const from = body.effectiveFrom !== undefined ? new Date(body.effectiveFrom) : null;
        await this.repo.putVersion(m, { facilityId: id, effectiveFrom: from, ...rules, recordedAt: now, judgedAt: judgedWhenRecorded(from, now) });
        await record(null);
        return;
      }
      const effectiveFrom = new Date(body.effectiveFrom ?? now.getTime());
      const versions = await this.repo.versions(id, m);
      const before = this.view(existing, versions);
      const inForce = [...versions].reverse().find((v) => v.effectiveFrom === null || v.effectiveFrom <= effectiveFrom) ?? versions[0];
      // The time zone is dated with the rules: a new zone is a new version from effectiveFrom.
      const rulesChanged = !sameRules(inForce, rules);
      const zoneChanged = existing.timeZone !== body.timeZone;
      if (rulesChanged) await this.repo.putVersion(m, { facilityId: id, effectiveFrom, ...rules, recordedAt: now, judgedAt: judgedWhenRecorded(effectiveFrom, now) });
      if (rulesChanged || zoneChanged || existing.name !== body.name) {
        await this.repo.saveFacility(m, Object.assign(existing, { name: body.name, timeZone: body.timeZone, updatedAt: now }));
        await record(before);
      }
      if (rulesChanged || zoneChanged) for (const l of this.listeners) await l(m, id);
    });
    return this.get(id);
  }

  /**
   * Rules recorded to take effect later that have taken effect by `now`: each such facility's
   * custody is judged again, in its own transaction under its lock, as a change of rules judges it
   * (the listeners), and its versions due are marked judged. The facility's lock comes first, as
   * every writer of its rules takes it (a PUT replacing a version waits, and no row is locked
   * before it); an instance that finds the versions judged meanwhile by another goes on to the
   * next. The facilities judged, in order.
   */
  async applyRulesTakingEffect(now = new Date(this.clock.now())): Promise<string[]> {
    const judged: string[] = [];
    for (;;) {
      const facilityId = await this.repo.firstTakingEffect(now);
      if (facilityId === null) return judged;
      await this.ds.transaction(async (m) => {
        await lockFacilities(m, [facilityId]);
        // Marked first: in the same transaction, undone if judging fails.
        if ((await this.repo.markJudged(m, facilityId, now)) === 0) return;
        for (const l of this.listeners) await l(m, facilityId);
        judged.push(facilityId);
      });
    }
  }

  /** Who changed the facility's configuration, when, and from what to what; newest first. */
  async changes(id: string): Promise<{ items: FacilityChangeView[] }> {
    if (!(await this.repo.find(id))) throw DomainError.notFound(`facility "${id}"`);
    const rows = await this.repo.changes(id);
    return {
      items: rows.map((r) => ({ id: String(r.id), changedAt: isoUtc(r.changed_at)!, by: { keyId: r.api_key_id, name: r.key_name }, before: r.before, after: r.after })),
    };
  }

  async get(id: string): Promise<FacilityView> {
    const f = await this.repo.find(id);
    if (!f) throw DomainError.notFound(`facility "${id}"`);
    return this.view(f, await this.repo.versions(id));
  }

  /**
   * The deadline of a hold whose clock would start at `releaseEligibleAt` (default now), under the
   * rules in force then: worked out as a hold's is, by deriveHold, and explained.
   */
  async deadline(id: string, q: DeadlineQuery): Promise<DeadlineView> {
    const facility = await this.rulesOf(id);
    const start = q.releaseEligibleAt ?? this.clock.now();
    const version = rulesInForce(facility.versions, start);
    const { rules } = version;
    const warrant = q.warrant ?? null;
    // As the custody judgement counts a detainer's window: the form's authority under the rules in force then.
    const authority = authorityOf(rules, q.form, warrant);
    const deadline = authority.kind === 'hold' ? addCounted(start, authority.limitMs, authority.counting, rules) : start;
    const { sentences, excludedDays } = explainDeadline({ rules, form: q.form, warrant, startMs: start, deadlineMs: deadline });
    return {
      facilityId: id,
      timeZone: rules.timeZone,
      releaseEligibleAt: isoUtc(start)!,
      releaseEligibleLocal: isoLocal(start, rules.timeZone)!,
      form: q.form,
      warrant,
      policy: rules.policy,
      holdHours: rules.holdHours,
      requireJudicialWarrant: rules.requireJudicialWarrant,
      extraHolidays: [...rules.extraHolidays],
      policyEffectiveFrom: isoUtc(version.effectiveFrom),
      authorisesHold: authority.kind === 'hold',
      authority: authority.kind,
      authorityReasons: authority.reasons,
      limitHours: authority.kind === 'hold' ? authority.limitMs / 3_600_000 : null,
      counting: authority.kind === 'hold' ? authority.counting : null,
      deadlineAt: isoUtc(deadline)!,
      deadlineLocal: isoLocal(deadline, rules.timeZone)!,
      holdSeconds: (deadline - start) / 1000,
      excludedDays,
      explanation: sentences,
    };
  }

  /**
   * The weekdays of a year (default this year on the jail's calendar) that a business-hours count
   * skips under the rules in force now: observed federal holidays and the facility's own.
   */
  async calendar(id: string, q: CalendarQuery): Promise<CalendarView> {
    const facility = await this.rulesOf(id);
    const now = this.clock.now();
    const { rules } = rulesInForce(facility.versions, now);
    const year = q.year ?? Number(localIsoDate(now, rules.timeZone).slice(0, 4));
    return {
      facilityId: id,
      timeZone: rules.timeZone,
      year,
      policy: rules.policy,
      holdHours: rules.holdHours,
      skipsThem: rules.policy === 'federal-48-business-hours',
      days: holidaysOfYear(year, rules.extraHolidays),
    };
  }

  private async rulesOf(id: string): Promise<FacilityRules> {
    const facility = (await this.repo.rulesFor([id])).get(id);
    if (!facility) throw DomainError.notFound(`facility "${id}"`);
    return facility;
  }

  async list(): Promise<FacilityView[]> {
    const out: FacilityView[] = [];
    for (const f of await this.repo.list()) out.push(this.view(f, await this.repo.versions(f.id)));
    return out;
  }

  private view(f: FacilityEntity, versions: FacilityPolicyEntity[]): FacilityView {
    const now = this.clock.now();
    const history: PolicyVersionView[] = versions.map((v) => ({
      effectiveFrom: isoUtc(v.effectiveFrom),
      timeZone: v.timeZone,
      forms: formAuthorities(v),
      formOverrides: v.forms,
      releaseProcessingMinutes: v.releaseProcessingMinutes,
      agencyAliases: v.agencyAliases,
      policy: v.policy,
      holdHours: v.holdHours,
      extraHolidays: v.extraHolidays,
      requireJudicialWarrant: v.requireJudicialWarrant,
      warnBeforeHours: v.warnBeforeHours,
      escalateAfterMinutes: v.escalateAfterMinutes,
      ruleSet: v.ruleSet,
    }));
    const current = [...versions].reverse().find((v) => v.effectiveFrom === null || v.effectiveFrom.getTime() <= now) ?? versions[0];
    const cur = history[versions.indexOf(current)];
    return {
      id: f.id,
      name: f.name,
      timeZone: f.timeZone,
      policy: cur.policy,
      holdHours: cur.holdHours,
      extraHolidays: cur.extraHolidays,
      forms: cur.forms,
      formOverrides: cur.formOverrides,
      releaseProcessingMinutes: cur.releaseProcessingMinutes,
      agencyAliases: cur.agencyAliases,
      requireJudicialWarrant: cur.requireJudicialWarrant,
      warnBeforeHours: cur.warnBeforeHours,
      escalateAfterMinutes: cur.escalateAfterMinutes,
      ruleSet: cur.ruleSet,
      effectiveFrom: cur.effectiveFrom,
      policyHistory: history,
      preset: presetOf(current.preset),
      rules: current.overrides,
      createdAt: isoUtc(f.createdAt)!,
      updatedAt: isoUtc(f.updatedAt)!,
    };
  }
}
