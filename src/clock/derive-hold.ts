/**
 * From what is known of a booking and one detainer to the hold's clock and verdict.
 * Pure: instants are epoch milliseconds, the facility's dated rules come in as a function.
 */
import { countedTime, policyDeadline, type DetainerForm, type HoldRules, type WarrantKind } from './hold-clock.js';

export type CustodyEndKind = 'released' | 'transferred';
export type HoldOutcome = CustodyEndKind | 'cancelled';
/** Stored phase; `open` is shown as `running` or `overdue` depending on the time of asking. */
export type HoldPhase = 'pending' | 'open' | 'closed';
export type HoldStatus = 'pending' | 'running' | 'overdue' | 'closed';

export interface BookingFacts {
  releaseEligibleAt: number | null;
  custodyEndedAt: number | null;
  custodyEndKind: CustodyEndKind | null;
}

export interface DetainerFacts {
  lodgedAt: number;
  cancelledAt: number | null;
  form: DetainerForm;
  warrant: WarrantKind | null;
}

export interface DerivedHold {
  phase: HoldPhase;
  /** The rules that judge this hold: those in force at clockStartedAt (or at lodging if it never ran). */
  rules: HoldRules;
  clockStartedAt: number | null;
  deadlineAt: number | null;
  endedAt: number | null;
  outcome: HoldOutcome | null;
  compliant: boolean | null;
  overageMs: number | null;
}

/** Closed without ever holding anyone: the detainer or the custody ended before the clock would start. */
function neverHeld(rules: HoldRules, endedAt: number, outcome: HoldOutcome): DerivedHold {
  return { phase: 'closed', rules, clockStartedAt: null, deadlineAt: null, endedAt, outcome, compliant: true, overageMs: 0 };
}

export function deriveHold(booking: BookingFacts, detainer: DetainerFacts, rulesAt: (instantMs: number) => HoldRules): DerivedHold {
  const { custodyEndedAt, custodyEndKind, releaseEligibleAt } = booking;
  const { cancelledAt } = detainer;
  const endKind: CustodyEndKind = custodyEndKind ?? 'released';

  // A detainer that reaches the jail after the person left never held anyone.
  if (custodyEndedAt !== null && detainer.lodgedAt > custodyEndedAt) {
    return neverHeld(rulesAt(detainer.lodgedAt), custodyEndedAt, endKind);
  }
  // The clock starts at release-eligibility, also when the detainer arrived after it.
  const clockStart = releaseEligibleAt;
  const endsBeforeClock = (t: number | null): t is number => t !== null && (clockStart === null || t < clockStart);
  const cancelledFirst = endsBeforeClock(cancelledAt) && (!endsBeforeClock(custodyEndedAt) || cancelledAt <= custodyEndedAt);
  if (cancelledFirst) return neverHeld(rulesAt(detainer.lodgedAt), cancelledAt, 'cancelled');
  if (endsBeforeClock(custodyEndedAt)) return neverHeld(rulesAt(detainer.lodgedAt), custodyEndedAt, endKind);

  if (clockStart === null) {
    return { phase: 'pending', rules: rulesAt(detainer.lodgedAt), clockStartedAt: null, deadlineAt: null, endedAt: null, outcome: null, compliant: null, overageMs: null };
  }

  const rules = rulesAt(clockStart);
  let deadline = policyDeadline(clockStart, rules, detainer.form, detainer.warrant);
  // A cancellation ends the hold's authority: custody after it is past the deadline.
  if (cancelledAt !== null && cancelledAt < deadline) deadline = cancelledAt;

  if (custodyEndedAt === null) {
    return { phase: 'open', rules, clockStartedAt: clockStart, deadlineAt: deadline, endedAt: null, outcome: null, compliant: null, overageMs: null };
  }
  const outcome: HoldOutcome = cancelledAt !== null && cancelledAt <= custodyEndedAt ? 'cancelled' : endKind;
  return {
    phase: 'closed',
    rules,
    clockStartedAt: clockStart,
    deadlineAt: deadline,
    endedAt: custodyEndedAt,
    outcome,
    compliant: custodyEndedAt <= deadline,
    overageMs: Math.max(0, custodyEndedAt - deadline),
  };
}

/**
 * What a stored hold is at the instant `nowMs`. A release-eligible instant can be known ahead
 * (a sentence's end, a release the court set for tomorrow): until it comes, the clock has not
 * started, and the hold is pending with its deadline already known.
 */
export function statusAt(phase: HoldPhase, clockStartedAt: number | null, deadlineAt: number | null, nowMs: number): HoldStatus {
  if (phase !== 'open') return phase;
  if (clockStartedAt !== null && nowMs < clockStartedAt) return 'pending';
  return deadlineAt !== null && nowMs > deadlineAt ? 'overdue' : 'running';
}

/** Counted time of a hold up to its end, or up to `nowMs` while it runs, under the rules that judge it. */
export function countedSoFar(hold: Pick<DerivedHold, 'clockStartedAt' | 'endedAt' | 'rules'>, nowMs: number): number {
  const until = hold.endedAt ?? nowMs;
  if (hold.clockStartedAt === null || until <= hold.clockStartedAt) return 0;
  return countedTime(hold.clockStartedAt, until, hold.rules);
}

/** The rule version in force at an instant; the first version covers everything before it. */
export function rulesInForce<T extends { effectiveFrom: number | null }>(versions: readonly T[], instantMs: number): T {
  if (versions.length === 0) throw new Error('a facility has no policy');
  let chosen = versions[0];
  for (const v of versions) {
    if (v.effectiveFrom === null || v.effectiveFrom <= instantMs) chosen = v;
    else break;
  }
  return chosen;
}
