/**
 * The judge's one hook into rule sets: for one detainer, what it authorises at an instant under
 * some rules, given what the jail knew of the person then (screening-facts.ts, criteria.ts), and
 * the instants at which that knowledge changes. Pure: no framework or database imports.
 */
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { Authority, AuthorityRules } from '../rules/authority.js';
import { screenedAuthority, screens } from '../rules/criteria.js';
import { screeningAt, screeningInstants, type ScreeningFacts, type ScreeningSnapshot } from './screening-facts.js';

export type AuthorityAt = (rules: AuthorityRules, form: DetainerForm, warrant: WarrantKind | null, at: number) => Authority;

/** `asOf`: the instant a conviction's lookback counts back from (the booking's opening, else the detainer's receipt). */
export function detainerAuthority(screening: ScreeningFacts | undefined, detainerId: string, asOf: number): { authorityAt: AuthorityAt; screenChanges: readonly number[] } {
  const known = new Map<number, ScreeningSnapshot>();
  const knownAt = (t: number) => {
    let k = known.get(t);
    if (!k) known.set(t, (k = screeningAt(screening, t)));
    return k;
  };
  return {
    authorityAt: (rules, form, warrant, at) => screenedAuthority(rules, form, warrant, screens(rules, form) ? knownAt(at) : EMPTY, detainerId, asOf),
    screenChanges: screeningInstants(screening),
  };
}

const EMPTY: ScreeningSnapshot = { charges: [], convictions: null, flags: [], decisions: new Map() };

/** Why a window closed where the screen took the authority away (null: not the screen). */
export function screenEnd(a: Authority): 'criteria_not_met' | 'needs_review' | null {
  if (a.kind === 'needs_review') return 'needs_review';
  return a.reasons.includes('criteria_not_met') || a.reasons.includes('review_declined') ? 'criteria_not_met' : null;
}
