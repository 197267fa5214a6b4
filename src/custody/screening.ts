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

/** Nothing known yet (before the first fact, or a form the rules do not screen). */
const EMPTY: ScreeningSnapshot = { charges: [], convictions: null, flags: [], decisions: new Map() };

/**
 * What the jail knew of the person over time: the instants at which it changed, and the snapshot
 * in force at any instant. Made once per booking (every detainer reads the same facts); a snapshot
 * is made once per instant of change, as one at `t` is the one at the last change at or before `t`.
 */
export interface ScreeningTimeline {
  instants: readonly number[];
  at(t: number): ScreeningSnapshot;
}

export function screeningTimeline(screening: ScreeningFacts | undefined): ScreeningTimeline {
  const instants = screeningInstants(screening);
  const snapshots: Array<ScreeningSnapshot | undefined> = [];
  return {
    instants,
    at(t) {
      // The last instant of change at or before t (binary search); none: nothing was known yet.
      let lo = 0;
      let hi = instants.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (instants[mid] <= t) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      if (i < 0) return EMPTY;
      return (snapshots[i] ??= screeningAt(screening, instants[i]));
    },
  };
}

/** `asOf`: the instant a conviction's lookback counts back from (the booking's opening, else the detainer's receipt). */
export function detainerAuthority(known: ScreeningTimeline, detainerId: string, asOf: number): { authorityAt: AuthorityAt; screenChanges: readonly number[] } {
  return {
    authorityAt: (rules, form, warrant, at) => screenedAuthority(rules, form, warrant, screens(rules, form) ? known.at(at) : EMPTY, detainerId, asOf),
    screenChanges: known.instants,
  };
}

/** Why a window closed where the screen took the authority away (null: not the screen). */
export function screenEnd(a: Authority): 'criteria_not_met' | 'needs_review' | null {
  if (a.kind === 'needs_review') return 'needs_review';
  return a.reasons.includes('criteria_not_met') || a.reasons.includes('review_declined') ? 'criteria_not_met' : null;
}
