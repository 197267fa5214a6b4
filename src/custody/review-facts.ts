/**
 * What the quarterly review counts of a custody record (docs/quarterly-review.md), worked out from
 * its judgement and the booking's charges and flags when the record is written, and stored in
 * columns of their own, so that the review over a million records reads no JSON. Nothing here
 * judges: the verdict is the judgement's. Pure.
 */
import type { CustodyFacts } from './custody-facts.js';
import type { CustodyJudgement } from './judge.js';
import { anyConviction, CHARGE_LEVELS_BY_SERIOUSNESS } from '../holds/booking-projection.js';
import { screeningAt } from './screening-facts.js';

export const REVIEW_OUTCOMES = ['in_custody', 'transferred', 'cancelled', 'notify_only', 'released'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
/** Charge levels, most serious first: the one ranking holds and reports use (booking-projection.ts). */
export const CHARGE_LEVELS = CHARGE_LEVELS_BY_SERIOUSNESS;

export interface ReviewFacts {
  /** When the first detainer was received: the review's quarter is this instant's, in the facility's calendar. */
  firstLodgedAt: number | null;
  outcome: ReviewOutcome;
  /** The most serious current charge's level, and whether a charge of that level is a conviction. */
  chargeLevel: (typeof CHARGE_LEVELS)[number];
  chargeDisposition: 'convicted' | 'charged_only';
  anyConviction: boolean;
  /** Every current charge a traffic offence or an infraction (at least one), none a conviction. */
  minorOnly: boolean;
  /** Flagged victim or witness (booking.flagged, not unflagged since). */
  victimOrWitness: boolean;
  violationReasons: string[];
  /** Detainers that needed a supervisor's review, still awaiting, decided honour, decided decline. */
  reviews: [number, number, number, number];
}

/** The quarterly review's outcome: the first that fits, in the design note's order. */
export function reviewOutcome(j: CustodyJudgement): ReviewOutcome {
  if (j.phase !== 'closed' || j.endedAt === null) return 'in_custody';
  if (j.outcome === 'transferred' && j.honoured === true) return 'transferred';
  const ended = j.endedAt;
  const inForce = j.detainers.filter((d) => d.cancelledAt === null || d.cancelledAt > ended);
  if (inForce.length === 0) return 'cancelled';
  if (inForce.every((d) => d.authority === 'notify_only')) return 'notify_only';
  return 'released';
}

export function reviewFactsOf(j: CustodyJudgement, facts: CustodyFacts, charges: readonly unknown[]): ReviewFacts {
  const list = charges as Array<{ level?: string; disposition?: string }>;
  const rank = (c: { level?: string }) => {
    const i = (CHARGE_LEVELS as readonly string[]).indexOf(c.level ?? 'none');
    return i < 0 ? CHARGE_LEVELS.length - 1 : i;
  };
  const best = list.reduce((r, c) => Math.min(r, rank(c)), CHARGE_LEVELS.length - 1);
  const convicted = anyConviction(charges as unknown[]);
  const flags = screeningAt(facts.screening, Infinity).flags;
  const reviews: ReviewFacts['reviews'] = [0, 0, 0, 0];
  for (const d of j.detainers) {
    if (d.authority === 'needs_review' || (d.screen !== null && (d.screen.review.length > 0 || d.screen.unknown.length > 0))) reviews[0]++;
    if (d.authority === 'needs_review') reviews[1]++;
    if (d.screen?.decision?.decision === 'honour') reviews[2]++;
    if (d.screen?.decision?.decision === 'decline') reviews[3]++;
  }
  return {
    firstLodgedAt: j.detainers.length === 0 ? null : Math.min(...j.detainers.map((d) => d.lodgedAt)),
    outcome: reviewOutcome(j),
    chargeLevel: CHARGE_LEVELS[best],
    chargeDisposition: list.some((c) => rank(c) === best && c.disposition === 'convicted') ? 'convicted' : 'charged_only',
    anyConviction: convicted,
    minorOnly: list.length > 0 && !convicted && list.every((c) => c.level === 'traffic' || c.level === 'infraction'),
    victimOrWitness: flags.includes('victim') || flags.includes('witness'),
    violationReasons: [...new Set(j.violations.map((v) => v.reason))].sort(),
    reviews,
  };
}
