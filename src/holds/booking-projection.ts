/**
 * Booking state folded from events. The merge rules make the result independent of the
 * order in which events arrive: instants that start or end something keep the earliest
 * value, the charge list keeps the latest, ties go to the event received first (or, for
 * the charge list, last). So applying a batch of new events to the stored state gives the
 * same state as folding the whole log from scratch (which retractions require).
 * Pure: no framework or database imports.
 */
import type { CustodyEndKind } from '../clock/derive-hold.js';
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { JmsEvent } from '../events/event.schema.js';
import { addFact, emptyFacts, type CustodyFacts } from '../custody/custody-facts.js';

export interface DetainerState {
  form: DetainerForm | null;
  agency: string | null;
  warrant: WarrantKind | null;
  lodgedAt: number | null;
  cancelledAt: number | null;
}

export interface BookingState {
  personId: string | null;
  person: Record<string, unknown> | null;
  bookedAt: number | null;
  charges: unknown[];
  chargesAt: number | null;
  releaseEligibleAt: number | null;
  releaseReason: string | null;
  custodyEndedAt: number | null;
  custodyEndKind: CustodyEndKind | null;
  toAgency: string | null;
  detainers: Map<string, DetainerState>;
  /** Every fact custody is judged from, as lists (see custody-facts.ts). */
  facts: CustodyFacts;
}

/** An event as the fold sees it; events are applied in (occurredAt, arrival) order. */
export interface FoldEvent {
  occurredAtMs: number;
  /** When the server received it, where known. */
  receivedAtMs?: number | null;
  body: JmsEvent;
}

/** Charge levels, most serious first: how holds record a booking's charges and reports group them. */
export const CHARGE_LEVELS_BY_SERIOUSNESS = ['felony', 'misdemeanor', 'traffic', 'infraction', 'none'] as const;
const SERIOUSNESS: readonly string[] = CHARGE_LEVELS_BY_SERIOUSNESS;

/** The most serious level among a booking's charges ('none' without charges), as reports group them. */
export function mostSeriousLevel(charges: unknown[]): string {
  let best = SERIOUSNESS.length - 1;
  for (const c of charges as Array<{ level?: string }>) {
    const i = SERIOUSNESS.indexOf(c.level ?? 'none');
    if (i >= 0 && i < best) best = i;
  }
  return SERIOUSNESS[best];
}

export const anyConviction = (charges: unknown[]) => (charges as Array<{ disposition?: string }>).some((c) => c.disposition === 'convicted');

export function emptyBooking(): BookingState {
  return {
    personId: null,
    person: null,
    bookedAt: null,
    charges: [],
    chargesAt: null,
    releaseEligibleAt: null,
    releaseReason: null,
    custodyEndedAt: null,
    custodyEndKind: null,
    toAgency: null,
    detainers: new Map(),
    facts: emptyFacts(),
  };
}

const earlier = (candidate: number, current: number | null) => current === null || candidate < current;

function detainer(state: BookingState, detainerId: string): DetainerState {
  let d = state.detainers.get(detainerId);
  if (!d) {
    d = { form: null, agency: null, warrant: null, lodgedAt: null, cancelledAt: null };
    state.detainers.set(detainerId, d);
  }
  return d;
}

/** Merge one event into the state (in place). Retractions are handled by refolding without the retracted events. */
export function applyEvent(state: BookingState, { occurredAtMs: at, receivedAtMs, body }: FoldEvent): void {
  addFact(state.facts, body, at, receivedAtMs ?? null);
  switch (body.type) {
    case 'booking.opened':
      if (earlier(at, state.bookedAt)) {
        state.bookedAt = at;
        state.personId = body.personId;
        state.person = body.person ?? null;
      }
      if (body.charges && (state.chargesAt === null || at >= state.chargesAt)) {
        state.charges = body.charges;
        state.chargesAt = at;
      }
      return;
    case 'booking.charges_updated':
      if (state.chargesAt === null || at >= state.chargesAt) {
        state.charges = body.charges;
        state.chargesAt = at;
      }
      return;
    case 'detainer.lodged': {
      const d = detainer(state, body.detainerId);
      if (earlier(at, d.lodgedAt)) {
        d.lodgedAt = at;
        d.form = body.form;
        d.agency = body.agency ?? 'ICE';
        d.warrant = body.warrant ?? null;
      }
      return;
    }
    case 'detainer.cancelled': {
      const d = detainer(state, body.detainerId);
      if (earlier(at, d.cancelledAt)) d.cancelledAt = at;
      return;
    }
    case 'booking.release_eligible':
      if (earlier(at, state.releaseEligibleAt)) {
        state.releaseEligibleAt = at;
        state.releaseReason = body.reason ?? null;
      }
      return;
    case 'booking.custody_transferred':
    case 'booking.released':
      if (earlier(at, state.custodyEndedAt)) {
        state.custodyEndedAt = at;
        state.custodyEndKind = body.type === 'booking.released' ? 'released' : 'transferred';
        // A transfer that names no agency went to an unknown one, never assumed to be ICE.
        state.toAgency = body.type === 'booking.released' ? null : (body.toAgency ?? null);
      }
      return;
    case 'detainer.amended':
    case 'booking.eligibility_ended':
    case 'event.retracted':
      return;
  }
}

/** What the retractions of one booking's log do: which retraction takes each event out, and why others take nothing out. */
export interface Retractions {
  /** The retracted event's id → the retraction that took it out (the first in the log's order that names it). */
  retractedBy: Map<string, string>;
  /** A retraction's id → why it takes nothing out of the count. */
  noEffect: Map<string, string>;
}

/**
 * Read the retractions of one booking's log, given in (occurredAt, seq) order. A retraction
 * counts only for an event of its own booking that is not itself a retraction: one naming a
 * retraction is refused when its target is already known, but when it arrives first it is
 * stored, and it must not then be shown as having cancelled that retraction, which still counts.
 * So what a log says does not depend on the order its events arrived in.
 */
export function readRetractions(events: ReadonlyArray<{ body: JmsEvent }>): Retractions {
  const types = new Map(events.map((e) => [e.body.eventId, e.body.type]));
  const out: Retractions = { retractedBy: new Map(), noEffect: new Map() };
  for (const { body } of events) {
    if (body.type !== 'event.retracted') continue;
    const target = body.retractsEventId;
    const type = types.get(target);
    const earlier = out.retractedBy.get(target);
    if (type === undefined) out.noEffect.set(body.eventId, `no event "${target}" of this booking has been received`);
    else if (type === 'event.retracted') out.noEffect.set(body.eventId, `"${target}" is itself a retraction, and a retraction cannot be retracted: it still counts`);
    else if (earlier !== undefined) out.noEffect.set(body.eventId, `"${target}" was already retracted by "${earlier}"`);
    else out.retractedBy.set(target, body.eventId);
  }
  return out;
}

/** Fold a whole log (any order), leaving out retracted events. */
export function foldBooking(events: ReadonlyArray<FoldEvent & { seq: number }>): BookingState {
  const ordered = [...events].sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq - b.seq);
  const { retractedBy } = readRetractions(ordered);
  const state = emptyBooking();
  for (const e of ordered) if (!retractedBy.has(e.body.eventId)) applyEvent(state, e);
  return state;
}
