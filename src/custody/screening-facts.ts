/**
 * What the jail knows about the person that a rule set's criteria read: the charges, the prior
 * convictions, the flags it set, and the supervisors' decisions on detainers that needed review.
 * Kept, like the other custody facts, as lists of what each event said (a set union keyed by
 * eventId), and read as of an instant, so a fact counts from when the jail recorded it.
 * Pure: no framework or database imports.
 */
import type { JmsEvent } from '../events/event.schema.js';
import type { ChargeFact, Flag } from '../rules/classes.js';

export interface ConvictionFact {
  code?: string;
  description?: string;
  classes: readonly string[];
  /** YYYY-MM-DD */
  convictedAt: string;
  jurisdiction?: string;
}

export type Decision = 'honour' | 'decline';

export interface DecisionFact {
  eventId: string;
  at: number;
  detainerId: string;
  decision: Decision;
  basis: string;
  by: string | null;
}

export interface ScreeningFacts {
  charges: Array<{ eventId: string; at: number; charges: ChargeFact[] }>;
  histories: Array<{ eventId: string; at: number; convictions: ConvictionFact[] }>;
  flags: Array<{ eventId: string; at: number; flag: Flag; set: boolean }>;
  decisions: DecisionFact[];
}

export const emptyScreening = (): ScreeningFacts => ({ charges: [], histories: [], flags: [], decisions: [] });

/** What is known at an instant: the latest charge list and history, the flags set, each detainer's latest decision. */
export interface ScreeningSnapshot {
  charges: ChargeFact[];
  /** null: no criminal history on file (an empty list means checked, none). */
  convictions: ConvictionFact[] | null;
  flags: Flag[];
  decisions: Map<string, DecisionFact>;
}

const before = <T extends { at: number; eventId: string }>(a: T, b: T) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** Add what one event says (in place); a known eventId is not added twice. Other events change nothing here. */
export function addScreeningFact(s: ScreeningFacts, body: JmsEvent, at: number): void {
  const { eventId } = body;
  const push = <T extends { eventId: string }>(list: T[], fact: T) => {
    if (!list.some((f) => f.eventId === eventId)) list.push(fact);
  };
  switch (body.type) {
    case 'booking.opened':
      if (body.charges) push(s.charges, { eventId, at, charges: body.charges.map(asCriteriaReadIt) });
      return;
    case 'booking.charges_updated':
      return push(s.charges, { eventId, at, charges: body.charges.map(asCriteriaReadIt) });
    case 'booking.criminal_history':
      return push(s.histories, { eventId, at, convictions: body.convictions });
    case 'booking.flagged':
    case 'booking.unflagged':
      return push(s.flags, { eventId, at, flag: body.flag, set: body.type === 'booking.flagged' });
    case 'detainer.decided':
      return push(s.decisions, { eventId, at, detainerId: body.detainerId, decision: body.decision, basis: body.basis, by: body.decidedBy.name });
    default:
      return;
  }
}

/**
 * A charge as the criteria read it: its code, level, disposition and classes. The description
 * and the sender's own fields stay in the log and the booking's charge list: every batch stores
 * these facts with each booking it touches, so they carry only what a verdict can depend on.
 */
const asCriteriaReadIt = (c: ChargeFact): ChargeFact => ({ code: c.code, level: c.level, disposition: c.disposition, classes: c.classes });

function latest<T extends { at: number; eventId: string }>(list: readonly T[], t: number): T | null {
  let out: T | null = null;
  for (const f of list) if (f.at <= t && (out === null || before(out, f) < 0)) out = f;
  return out;
}

/** The facts as known at `t` (Infinity: everything received). */
export function screeningAt(s: ScreeningFacts | undefined, t: number): ScreeningSnapshot {
  if (!s) return { charges: [], convictions: null, flags: [], decisions: new Map() };
  const flags = new Map<Flag, { at: number; eventId: string; set: boolean }>();
  for (const f of [...s.flags].sort(before)) if (f.at <= t) flags.set(f.flag, f);
  const decisions = new Map<string, DecisionFact>();
  for (const d of [...s.decisions].sort(before)) if (d.at <= t) decisions.set(d.detainerId, d);
  return {
    charges: latest(s.charges, t)?.charges ?? [],
    convictions: latest(s.histories, t)?.convictions ?? null,
    flags: [...flags]
      .filter(([, f]) => f.set)
      .map(([flag]) => flag)
      .sort(),
    decisions,
  };
}

/** The instants at which what is known changes (where a detainer's authority may change). */
export function screeningInstants(s: ScreeningFacts | undefined): number[] {
  if (!s) return [];
  return [...new Set([...s.charges, ...s.histories, ...s.flags, ...s.decisions].map((f) => f.at))].sort((a, b) => a - b);
}
