/**
 * What a detainer authorises under a facility's rules in force (shared/design/custody-authority.md,
 * "What a detainer authorises"): per form, a `hold` with a limit counted in business or calendar
 * time, `notify_only` (never a hold), or nothing. Pure: Luxon and plain TypeScript only.
 */
import { addBusinessTime, businessTimeBetween, DETAINER_FORMS, type DetainerForm, type HoldRules, type WarrantKind } from '../clock/hold-clock.js';
import type { RuleSet } from './rule-set.js';

export const COUNTINGS = ['business', 'calendar'] as const;
export type Counting = (typeof COUNTINGS)[number];

export const AUTHORITY_KINDS = ['hold', 'notify_only', 'none', 'needs_review'] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/** A facility's setting for one form. */
export type FormAuthority = { authority: 'hold'; limitHours: number; counting: Counting } | { authority: 'notify_only' } | { authority: 'none' };

/** Why a detainer authorises nothing (or less than a hold). */
export const AUTHORITY_REASONS = ['notify_only_form', 'no_hold_policy', 'form_not_authorized', 'judicial_warrant_required', 'criteria_not_met', 'needs_review', 'review_declined'] as const;
export type AuthorityReason = (typeof AUTHORITY_REASONS)[number];

/** The rules of one dated version that judge custody: the hold clock's, and what custody authority adds. */
export interface AuthorityRules extends HoldRules {
  /** Per-form overrides of the policy's defaults (null or absent: the defaults). */
  forms?: Partial<Record<DetainerForm, FormAuthority>> | null;
  /** The first minutes of each unauthorised stretch are release processing, not a violation. */
  releaseProcessingMinutes?: number;
  /** Names of the agency a transfer honours a detainer to, beside the built-in ones. */
  agencyAliases?: readonly string[];
  /** The jurisdiction's rule set (rule-set.ts); absent: none. */
  ruleSet?: RuleSet | null;
}

export interface Authority {
  kind: AuthorityKind;
  /** For a hold: the limit in counted milliseconds, and how time is counted. */
  limitMs: number;
  counting: Counting;
  reasons: AuthorityReason[];
  /** How the rule set's criteria and review screened it (criteria.ts); absent when the rules screen nothing. */
  screen?: import('./criteria.js').Screen;
}

const HOUR_MS = 3_600_000;

/** The policy's own setting for a form: today's behaviour, which facilities without overrides keep. */
export function defaultFormAuthority(rules: Pick<HoldRules, 'policy' | 'holdHours'>, form: DetainerForm): FormAuthority {
  if (form === 'I-247N') return { authority: 'notify_only' };
  switch (rules.policy) {
    case 'federal-48-business-hours':
      return { authority: 'hold', limitHours: rules.holdHours, counting: 'business' };
    case 'calendar-48-hours':
      return { authority: 'hold', limitHours: rules.holdHours, counting: 'calendar' };
    default:
      return { authority: 'none' };
  }
}

/** Every form's setting under these rules: the overrides over the policy's defaults. */
export function formAuthorities(rules: AuthorityRules): Record<DetainerForm, FormAuthority> {
  const out = {} as Record<DetainerForm, FormAuthority>;
  for (const form of DETAINER_FORMS) out[form] = formAuthority(rules, form);
  return out;
}

export function formAuthority(rules: AuthorityRules, form: DetainerForm): FormAuthority {
  return rules.forms?.[form] ?? defaultFormAuthority(rules, form);
}

/**
 * What a detainer of this form and warrant authorises under these rules. `no-hold` and a
 * missing judicial warrant where one is required authorise nothing, whatever the form's setting;
 * an I-247N never authorises a hold.
 */
export function authorityOf(rules: AuthorityRules, form: DetainerForm, warrant: WarrantKind | null): Authority {
  const none = (kind: AuthorityKind, reason: AuthorityReason): Authority => ({ kind, limitMs: 0, counting: 'calendar', reasons: [reason] });
  if (form === 'I-247N') return none('notify_only', 'notify_only_form');
  const setting = formAuthority(rules, form);
  if (setting.authority === 'notify_only') return none('notify_only', 'notify_only_form');
  if (rules.policy === 'no-hold') return none('none', 'no_hold_policy');
  if (setting.authority === 'none') return none('none', 'form_not_authorized');
  if (rules.requireJudicialWarrant && warrant !== 'judicial') return none('none', 'judicial_warrant_required');
  return { kind: 'hold', limitMs: setting.limitHours * HOUR_MS, counting: setting.counting, reasons: [] };
}

/** Time counted between two instants under a counting rule (0 when end <= start). */
export function countedBetween(startMs: number, endMs: number, counting: Counting, rules: HoldRules): number {
  if (endMs <= startMs) return 0;
  return counting === 'business' ? businessTimeBetween(startMs, endMs, rules.timeZone, rules.extraHolidays) : endMs - startMs;
}

/** The earliest instant at which `amountMs` has been counted from `startMs` (startMs itself for none). */
export function addCounted(startMs: number, amountMs: number, counting: Counting, rules: HoldRules): number {
  if (amountMs <= 0) return startMs;
  return counting === 'business' ? addBusinessTime(startMs, amountMs, rules.timeZone, rules.extraHolidays) : startMs + amountMs;
}

/** The agency names that mean ICE, whatever the facility adds. */
export const BUILT_IN_ICE_NAMES = ['ICE', 'U.S. Immigration and Customs Enforcement', 'Immigration and Customs Enforcement', 'DHS', 'ERO'];

const normalAgency = (name: string) => name.toLowerCase().replace(/\s+/g, ' ').trim();

/** Whether a transfer to this agency honours an ICE detainer: ICE by name or by the facility's aliases (case and spacing ignored). */
export function isIce(agency: string | null, aliases: readonly string[] = []): boolean {
  if (agency === null) return false;
  const name = normalAgency(agency);
  return [...BUILT_IN_ICE_NAMES, ...aliases].some((a) => normalAgency(a) === name);
}
