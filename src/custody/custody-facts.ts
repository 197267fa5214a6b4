/**
 * The facts of a booking that custody is judged from, kept as lists of what each event said (not
 * merged into one value), so that the judge can see every eligibility period, every custody end and
 * every change of a detainer. Adding an event is a set union keyed by eventId, so the facts do not
 * depend on the order events arrive in. Pure: no framework or database imports.
 */
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { JmsEvent } from '../events/event.schema.js';
import { addScreeningFact, emptyScreening, type ScreeningFacts } from './screening-facts.js';

export interface EligibilityFact {
  eventId: string;
  at: number;
  kind: 'start' | 'end';
  /** `booking.release_eligible`'s or `booking.eligibility_ended`'s reason. */
  reason: string | null;
  agency: string | null;
  /** When the server received it (a release-eligible instant far after it is likely a mistyped year). */
  receivedAt: number | null;
}

export interface EndFact {
  eventId: string;
  at: number;
  kind: 'released' | 'transferred';
  /** As sent; null when a transfer named no agency (an unknown agency, never ICE). */
  toAgency: string | null;
}

export interface LodgingFact {
  eventId: string;
  at: number;
  form: DetainerForm;
  warrant: WarrantKind | null;
  agency: string | null;
}

export interface AmendmentFact {
  eventId: string;
  at: number;
  form: DetainerForm | null;
  warrant: WarrantKind | null;
}

export interface DetainerFacts {
  lodgings: LodgingFact[];
  amendments: AmendmentFact[];
  cancellations: Array<{ eventId: string; at: number }>;
}

export interface CustodyFacts {
  /** booking.opened instants (the earliest is when the booking opened). */
  openings: Array<{ eventId: string; at: number }>;
  eligibility: EligibilityFact[];
  ends: EndFact[];
  detainers: Record<string, DetainerFacts>;
  /** What a rule set's criteria read (screening-facts.ts); absent in facts stored before rule sets. */
  screening?: ScreeningFacts;
}

export const emptyFacts = (): CustodyFacts => ({ openings: [], eligibility: [], ends: [], detainers: {}, screening: emptyScreening() });

function detainerFacts(facts: CustodyFacts, detainerId: string): DetainerFacts {
  let d = facts.detainers[detainerId];
  if (!d) facts.detainers[detainerId] = d = { lodgings: [], amendments: [], cancellations: [] };
  return d;
}

/** Add what one event says to the facts (in place). An event already present (same eventId) is not added twice. */
export function addFact(facts: CustodyFacts, body: JmsEvent, at: number, receivedAt: number | null): void {
  const { eventId } = body;
  addScreeningFact((facts.screening ??= emptyScreening()), body, at);
  const push = <T extends { eventId: string }>(list: T[], fact: T) => {
    if (!list.some((f) => f.eventId === eventId)) list.push(fact);
  };
  switch (body.type) {
    case 'booking.opened':
      return push(facts.openings, { eventId, at });
    case 'booking.release_eligible':
      return push(facts.eligibility, { eventId, at, kind: 'start', reason: body.reason ?? null, agency: null, receivedAt });
    case 'booking.eligibility_ended':
      return push(facts.eligibility, { eventId, at, kind: 'end', reason: body.reason, agency: body.agency ?? null, receivedAt });
    case 'booking.released':
      return push(facts.ends, { eventId, at, kind: 'released', toAgency: null });
    case 'booking.custody_transferred':
      return push(facts.ends, { eventId, at, kind: 'transferred', toAgency: body.toAgency ?? null });
    case 'detainer.lodged':
      return push(detainerFacts(facts, body.detainerId).lodgings, { eventId, at, form: body.form, warrant: body.warrant ?? null, agency: body.agency ?? null });
    case 'detainer.amended':
      return push(detainerFacts(facts, body.detainerId).amendments, { eventId, at, form: body.form ?? null, warrant: body.warrant ?? null });
    case 'detainer.cancelled':
      return push(detainerFacts(facts, body.detainerId).cancellations, { eventId, at });
    default:
      return;
  }
}

/** In time order; at one instant, by eventId (never by arrival), so the judgement does not depend on arrival order. */
export const byTime = <T extends { at: number; eventId: string }>(a: T, b: T) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** The list in time order (byTime): itself when it has one item or none, else a sorted copy. */
export const sortedByTime = <T extends { at: number; eventId: string }>(list: readonly T[]): readonly T[] => (list.length <= 1 ? list : [...list].sort(byTime));
