/**
 * Whether a detainer may hold this person here: the facility's per-form authority (authority.ts)
 * screened by the jurisdiction's rule set (rule-set.ts). Criteria not met make the detainer
 * authorise nothing (`criteria_not_met`, naming which); criteria that depend on facts the jail
 * has not sent, and the discretion cases the rules send to a supervisor, make it `needs_review`
 * until a supervisor decides (honour or decline). What is known is read as of the instant judged.
 * Pure: plain TypeScript only.
 */
import { DateTime } from 'luxon';
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { ConvictionFact, Decision, ScreeningSnapshot } from '../custody/screening-facts.js';
import { authorityOf, type Authority, type AuthorityRules } from './authority.js';
import { classesOfCharge, type ChargeClassRow, type ChargeFact } from './classes.js';

/**
 * A charge's classes under a facility's code table, remembered per table and charge: the judge asks
 * at every instant it evaluates, for every criterion, and each answer scans the whole table.
 */
const classesByTable = new WeakMap<readonly ChargeClassRow[], WeakMap<ChargeFact, string[]>>();
function classesOf(charge: ChargeFact, table: readonly ChargeClassRow[]): string[] {
  let byCharge = classesByTable.get(table);
  if (!byCharge) classesByTable.set(table, (byCharge = new WeakMap()));
  let classes = byCharge.get(charge);
  if (!classes) byCharge.set(charge, (classes = classesOfCharge(charge, table)));
  return classes;
}
const NO_TABLE: readonly ChargeClassRow[] = [];
import type { Criterion, FormCriteria, ReviewTrigger } from './rule-set.js';

export type CriterionResult = 'met' | 'not_met' | 'unknown';

/** Why a detainer holds, holds nothing, or waits for a supervisor: the criteria by name, the discretion cases, the decision. */
export interface Screen {
  /** Criteria by name (see `criterionName`), as evaluated. */
  met: string[];
  notMet: string[];
  /** Criteria that depend on facts the jail has not sent (no criminal history on file). */
  unknown: string[];
  /** Discretion cases that send the detainer to a supervisor. */
  review: ReviewTrigger[];
  decision: { decision: Decision; basis: string; by: string | null; at: number; eventId: string } | null;
}

/** A criterion's name as records and messages show it. */
export function criterionName(c: Criterion): string {
  switch (c.kind) {
    case 'judicial_warrant':
    case 'final_order':
      return c.kind;
    case 'charge':
      return `charge:${c.classes.join('|')}`;
    case 'conviction':
      return `conviction:${c.classes.join('|')}${c.withinYears !== undefined ? ` within ${c.withinYears} years` : ''}`;
    case 'flag':
      return `flag:${c.flag}`;
  }
}

const CURRENT = (c: ChargeFact) => c.disposition === undefined || c.disposition === 'pending';
const intersects = (a: readonly string[], b: readonly string[]) => a.some((x) => b.includes(x));

/** The local date `years` before an instant (29 February back to 28 February). */
const yearsBefore = (asOf: number, years: number, zone: string): string => DateTime.fromMillis(asOf, { zone }).minus({ years }).toISODate()!;

/**
 * One criterion against what is known. `asOf`: the instant a lookback counts back from (the
 * booking's arrest, or the detainer's receipt).
 */
export function evaluateCriterion(c: Criterion, warrant: WarrantKind | null, known: ScreeningSnapshot, table: readonly ChargeClassRow[], asOf: number, zone = 'UTC'): CriterionResult {
  switch (c.kind) {
    case 'judicial_warrant':
      return warrant === 'judicial' ? 'met' : 'not_met';
    case 'final_order':
      return known.flags.includes('final_order_of_removal') ? 'met' : 'not_met';
    case 'flag':
      return known.flags.includes(c.flag) ? 'met' : 'not_met';
    case 'charge':
      return known.charges.some((ch) => CURRENT(ch) && intersects(classesOf(ch, table), c.classes)) ? 'met' : 'not_met';
    case 'conviction': {
      const since = c.withinYears !== undefined ? yearsBefore(asOf, c.withinYears, zone) : null;
      const prior = (known.convictions ?? []).some((v: ConvictionFact) => (since === null || v.convictedAt >= since) && intersects(v.classes, c.classes));
      // A conviction on this booking's own charges is recent whatever the lookback.
      const here = known.charges.some((ch) => ch.disposition === 'convicted' && intersects(classesOf(ch, table), c.classes));
      if (prior || here) return 'met';
      return known.convictions === null ? 'unknown' : 'not_met';
    }
  }
}

/** allOf: every criterion; anyOf: at least one (none asked: met). Not met wins over unknown. */
export function evaluateCriteria(
  fc: FormCriteria,
  warrant: WarrantKind | null,
  known: ScreeningSnapshot,
  table: readonly ChargeClassRow[],
  asOf: number,
  zone = 'UTC',
): { result: CriterionResult; met: string[]; notMet: string[]; unknown: string[] } {
  const met: string[] = [];
  const notMet: string[] = [];
  const unknown: string[] = [];
  const sort = (r: CriterionResult, c: Criterion) => (r === 'met' ? met : r === 'not_met' ? notMet : unknown).push(criterionName(c));
  const all = fc.allOf.map((c) => evaluateCriterion(c, warrant, known, table, asOf, zone));
  const any = fc.anyOf.map((c) => evaluateCriterion(c, warrant, known, table, asOf, zone));
  fc.allOf.forEach((c, i) => sort(all[i], c));
  fc.anyOf.forEach((c, i) => sort(any[i], c));
  const allResult: CriterionResult = all.includes('not_met') ? 'not_met' : all.includes('unknown') ? 'unknown' : 'met';
  const anyResult: CriterionResult = any.length === 0 || any.includes('met') ? 'met' : any.includes('unknown') ? 'unknown' : 'not_met';
  const result: CriterionResult = allResult === 'not_met' || anyResult === 'not_met' ? 'not_met' : allResult === 'unknown' || anyResult === 'unknown' ? 'unknown' : 'met';
  return { result, met, notMet, unknown };
}

/** The discretion cases (2011 Secure Communities reforms) that apply, of those the rules send to review. */
export function reviewCases(triggers: readonly ReviewTrigger[], known: ScreeningSnapshot, table: readonly ChargeClassRow[]): ReviewTrigger[] {
  const out: ReviewTrigger[] = [];
  for (const t of triggers) {
    if (t === 'minor_traffic_only') {
      // Charged only with traffic offences or infractions, and not convicted of any of them.
      const minor =
        known.charges.length > 0 &&
        known.charges.every((c) => {
          const cls = classesOf(c, table);
          return cls.length > 0 && cls.every((x) => x === 'traffic' || x === 'infraction') && c.disposition !== 'convicted';
        });
      if (minor) out.push(t);
    }
    if (t === 'victim_or_witness' && (known.flags.includes('victim') || known.flags.includes('witness') || known.flags.includes('u_visa_or_t_visa'))) out.push(t);
    if (t === 'claims_us_citizenship' && known.flags.includes('claims_us_citizenship')) out.push(t);
  }
  return out;
}

/** Whether these rules screen this form at all (criteria or review): without, the authority is authorityOf's. */
export const screens = (rules: AuthorityRules, form: DetainerForm): boolean => !!rules.ruleSet && (!!rules.ruleSet.criteria?.[form] || (rules.ruleSet.review?.length ?? 0) > 0);

/**
 * What a detainer of this form and warrant authorises under these rules, given what is known of
 * the person. A detainer that may not hold by its form or the policy is left as it is; otherwise
 * criteria not met → `none` (`criteria_not_met`); unknown criteria or a discretion case →
 * `needs_review`, until the detainer's latest decision: honour → the hold, decline → `none`.
 */
export function screenedAuthority(rules: AuthorityRules, form: DetainerForm, warrant: WarrantKind | null, known: ScreeningSnapshot, detainerId: string, asOf: number): Authority {
  const base = authorityOf(rules, form, warrant);
  if (base.kind !== 'hold' || !screens(rules, form)) return base;
  const table = rules.ruleSet?.chargeClasses ?? NO_TABLE;
  const fc = rules.ruleSet?.criteria?.[form];
  const evaluated = fc ? evaluateCriteria(fc, warrant, known, table, asOf, rules.timeZone) : { result: 'met' as const, met: [], notMet: [], unknown: [] };
  const review = evaluated.result === 'not_met' ? [] : reviewCases(rules.ruleSet?.review ?? [], known, table);
  const d = known.decisions.get(detainerId);
  const screen: Screen = {
    met: evaluated.met,
    notMet: evaluated.notMet,
    unknown: evaluated.unknown,
    review,
    decision: d ? { decision: d.decision, basis: d.basis, by: d.by, at: d.at, eventId: d.eventId } : null,
  };
  const none = (kind: Authority['kind'], reasons: Authority['reasons']): Authority => ({ kind, limitMs: 0, counting: 'calendar', reasons, screen });
  if (evaluated.result === 'not_met') return none('none', ['criteria_not_met']);
  if (evaluated.result === 'met' && review.length === 0) return { ...base, screen };
  // Facts missing, or ICE's own discretion applies: a supervisor decides; until then nothing holds.
  if (d?.decision === 'honour') return { ...base, screen };
  if (d?.decision === 'decline') return none('none', ['review_declined']);
  return none('needs_review', ['needs_review']);
}
