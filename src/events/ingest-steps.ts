/**
 * The steps of ingesting a batch that need no database, in the order a batch meets them (the
 * service, ingestion.service.ts, runs them around its transaction). Pure; tested in
 * ingest-steps.spec.ts.
 *
 *  1. `sentKeys`: what the batch names as sent (ids, facilities, bookings), for the transaction to
 *     lock and read while the events are validated;
 *  2. `mayRefold`: the bookings that may need refolding from their whole log (retractions);
 *  3. `checked` (validation, canonical form, hash; in batch-check.ts, repeats inside the batch);
 *  4. `judged`: new, a repeat, or refused against what is stored (unknown facility, conflict,
 *     retraction problems);
 *  5. `chained`: the log row of a new event, linked to its facility's chain;
 *  6. `projectionInput`: the new events by booking, appended to the stored logs of those refolded;
 *  7. `refusalRows`: every refusal as kept (nothing a jail sent is lost).
 */
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { keyOf, retractionKey } from '../holds/booking-key.js';
import type { SeqEvent } from '../holds/hold-projector.service.js';
import { chainHash, GENESIS } from './event-chain.js';
import type { NewEventRow, RejectedRow, StoredSummary } from './event-log.repository.js';
import { custodyEndAhead, RECORDED_BY_APP, validateEvent, type FieldError, type JmsEvent } from './event.schema.js';

/** An event that passed the check: where it was in the batch, what it says, its canonical form and hash. */
export interface Candidate {
  index: number;
  event: JmsEvent;
  occurredAtMs: number;
  occurredAtIso: string;
  canonical: string;
  hash: string;
}

/** Keys as sent, before validation: what a batch's transaction locks and reads first. */
export interface SentKeys {
  eventIds: string[];
  /** The events retractions name. */
  targetIds: string[];
  facilityIds: string[];
  bookings: Array<{ facilityId: string; bookingId: string }>;
}

/** A string that may be a valid id (validation decides): Postgres text cannot hold NUL. */
const mayBeId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128 && !v.includes('\u0000');

/** The event ids, retraction targets, facilities and bookings named in a batch, read without validating it. */
export function sentKeys(raws: unknown[]): SentKeys {
  const out: SentKeys = { eventIds: [], targetIds: [], facilityIds: [], bookings: [] };
  for (const raw of raws) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { eventId, retractsEventId, facilityId, bookingId } = raw as Record<string, unknown>;
    if (mayBeId(eventId)) out.eventIds.push(eventId);
    if (mayBeId(retractsEventId)) out.targetIds.push(retractsEventId);
    if (!mayBeId(facilityId)) continue;
    out.facilityIds.push(facilityId);
    if (mayBeId(bookingId)) out.bookings.push({ facilityId, bookingId });
  }
  return out;
}

/**
 * The bookings that may have to be refolded from their whole log: those a retraction sent
 * names, and those of events a stored retraction of their booking names (they may arrive after
 * it; see `retractionKey`). Read as sent, before validation: a superset of the bookings that
 * will need it (refolding any other gives the same state, only slower).
 */
export function mayRefold(raws: unknown[], retracted: ReadonlySet<string>): string[] {
  const keys = new Set<string>();
  for (const raw of raws) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { eventId, type, facilityId, bookingId } = raw as Record<string, unknown>;
    if (!mayBeId(facilityId) || !mayBeId(bookingId)) continue;
    if (type === 'event.retracted' || (mayBeId(eventId) && retracted.has(retractionKey(facilityId, bookingId, eventId)))) keys.add(keyOf(facilityId, bookingId));
  }
  return [...keys];
}

/** The eventId an event was sent with, if it is a string (the answer and the kept refusal name it). */
export const sentEventId = (raw: unknown): string | null => {
  const id = (raw as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' ? id : null;
};

/** Above every stored seq: where the batch's events will sit in the log, for a refold computed before they are written. */
export const AFTER_STORED = 2 ** 52;

export const CONFLICT = 'an event with this eventId was already received with different content';

/**
 * Postgres text and jsonb cannot hold NUL or a lone UTF-16 surrogate. JSON.stringify writes
 * exactly those as \\u escapes (after an even run of backslashes), so the JSON text finds them.
 */
const UNSTORABLE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;
export const hasUnstorable = (json: string) => json.includes('\\u') && json.search(UNSTORABLE) >= 0; // most events have no \u escape at all
/** Keep what was sent even so, with those characters replaced by U+FFFD for storage only. */
export const storable = (raw: unknown): unknown => {
  const json = JSON.stringify(raw);
  return json !== undefined && hasUnstorable(json) ? JSON.parse(json.replace(UNSTORABLE, '$1\\ufffd')) : raw;
};

/** Who may send what: the facilities a key is limited to (null: any), and whether the app's own records are accepted. */
export interface Sender {
  onlyFacilities: ReadonlySet<string> | null;
  decisions?: boolean;
}

/**
 * Step 3: one event as sent, checked on its own (shape, the sender's facilities, who records it,
 * custody ending ahead of its receipt, storable text), with its canonical form and hash; or why not.
 */
export function checked(raw: unknown, index: number, receivedAtMs: number, sender: Sender): Candidate | FieldError[] {
  const v = validateEvent(raw);
  if (!v.ok) return v.errors;
  const { onlyFacilities } = sender;
  if (onlyFacilities && !onlyFacilities.has(v.event.facilityId)) {
    return [{ field: 'facilityId', message: `this API key may send events only about ${[...onlyFacilities].map((f) => `"${f}"`).join(', ')}` }];
  }
  // A decision is a supervisor's, recorded through the decisions route, never sent by a JMS.
  if (RECORDED_BY_APP.has(v.event.type) && !sender.decisions) {
    const message =
      v.event.type === 'detainer.decided'
        ? 'a decision on a detainer is recorded by a supervisor through POST /api/custody/{id}/decisions'
        : `a ${v.event.type} event is recorded through /api/complaints or /api/notices`;
    return [{ field: 'type', message }];
  }
  const ahead = custodyEndAhead(v.event, v.occurredAtMs, receivedAtMs);
  if (ahead) return [ahead];
  const canonical = canonicalJson(raw);
  if (hasUnstorable(canonical)) return [{ field: '(event)', message: 'must be valid Unicode text: no NUL (\\u0000) and no unpaired surrogate (\\ud800-\\udfff)' }];
  return { index, event: v.event, occurredAtMs: v.occurredAtMs, occurredAtIso: v.occurredAtIso, canonical, hash: sha256Hex(canonical) };
}

/** What is stored that judging a candidate needs: configured facilities, stored events by id, and the batch's own events by id. */
export interface Judging {
  configured: (facilityId: string) => boolean;
  stored: ReadonlyMap<string, StoredSummary>;
  /** An event of the batch by id (its facility configured), for retractions naming one sent beside them. */
  inBatch: (eventId: string) => JmsEvent | undefined;
}

/** Step 4: a checked event against what is stored: new, a repeat of one stored, or refused. */
export function judged(c: Candidate, j: Judging): 'new' | 'duplicate' | FieldError[] {
  const e = c.event;
  // Facilities must be configured before their events are accepted.
  if (!j.configured(e.facilityId)) return [{ field: 'facilityId', message: `unknown facility "${e.facilityId}"; configure it first with PUT /api/facilities/${e.facilityId}` }];
  const prior = j.stored.get(e.eventId);
  if (prior) return prior.contentHash === c.hash ? 'duplicate' : [{ field: 'eventId', message: CONFLICT }];
  const problem = e.type === 'event.retracted' ? retractionProblem(e, j) : null;
  return problem ? [problem] : 'new';
}

/** Why a retraction cannot be stored, or null: it names itself, a retraction, or another booking's event. */
export function retractionProblem(e: Extract<JmsEvent, { type: 'event.retracted' }>, j: Pick<Judging, 'stored' | 'inBatch'>): FieldError | null {
  if (e.retractsEventId === e.eventId) return { field: 'retractsEventId', message: 'an event cannot retract itself' };
  const target = j.stored.get(e.retractsEventId) ?? j.inBatch(e.retractsEventId);
  if (!target) return null; // may arrive later: events can come in any order
  if (target.type === 'event.retracted') return { field: 'retractsEventId', message: 'a retraction cannot be retracted; send the corrected event again under a new eventId' };
  if (target.facilityId !== e.facilityId || target.bookingId !== e.bookingId) {
    return {
      field: 'retractsEventId',
      message: `event "${e.retractsEventId}" is about booking "${target.bookingId}" of facility "${target.facilityId}"; a retraction must name the same facility and booking`,
    };
  }
  return null;
}

/** Step 5: the log row of a new event, linked after its facility's chain head in `heads` (which it advances). */
export function chained({ event: e, occurredAtIso: occurredAt, canonical, hash: contentHash }: Candidate, heads: Map<string, string | null>, receivedAtIso: string): NewEventRow {
  const prevHash = heads.get(e.facilityId) ?? GENESIS;
  const link = chainHash(prevHash, { eventId: e.eventId, facilityId: e.facilityId, bookingId: e.bookingId, type: e.type, occurredAt, receivedAt: receivedAtIso, contentHash });
  heads.set(e.facilityId, link);
  return {
    eventId: e.eventId,
    facilityId: e.facilityId,
    bookingId: e.bookingId,
    type: e.type,
    occurredAt,
    retractsEventId: e.type === 'event.retracted' ? e.retractsEventId : null,
    bodyJson: canonical,
    contentHash,
    prevHash,
    chainHash: link,
  };
}

/**
 * Step 6: what the projector folds. Bookings in `storedLogs` (touched by a retraction, or
 * receiving an event a stored retraction names, or possibly so: see `mayRefold`) get their
 * stored log with their new events after every stored one; the others just their new events,
 * to advance their loaded state. Inside the batch, the order sent is the order received.
 */
export function projectionInput(inserted: Candidate[], storedLogs: ReadonlyMap<string, SeqEvent[]>, receivedAtMs: number): { newEvents: Map<string, SeqEvent[]>; fullLogs: Map<string, SeqEvent[]> } {
  const newEvents = new Map<string, SeqEvent[]>();
  const fullLogs = new Map<string, SeqEvent[]>();
  for (const c of inserted) {
    const k = keyOf(c.event.facilityId, c.event.bookingId);
    const stored = storedLogs.get(k);
    const into = stored ? fullLogs : newEvents;
    let list = into.get(k);
    if (!list) into.set(k, (list = stored ? [...stored] : []));
    list.push({ seq: (stored ? AFTER_STORED : 0) + c.index, occurredAtMs: c.occurredAtMs, receivedAtMs, body: c.event });
  }
  return { newEvents, fullLogs };
}

/** Step 7: every refusal as it is kept, what was sent made storable (no NUL, no lone surrogate). */
export function refusalRows(raws: unknown[], rejected: ReadonlyMap<number, { eventId: string | null; errors: FieldError[] }>): RejectedRow[] {
  return [...rejected].map(([index, r]) => ({ batchIndex: index, eventId: storable(r.eventId) as string | null, body: storable(raws[index] ?? null), errors: r.errors }));
}
