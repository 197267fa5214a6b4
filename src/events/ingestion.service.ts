import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { DomainError } from '../common/domain-error.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../common/json-depth.js';
import { sqlState, UNIQUE_VIOLATION } from '../common/sql-state.js';
import { keyOf, parseKey, retractionKey, type BookingKey } from '../holds/booking-key.js';
import { HoldProjector, type Loaded, type Projection, type SeqEvent } from '../holds/hold-projector.service.js';
import { BatchCheck } from './batch-check.js';
import { chainHash, GENESIS } from './event-chain.js';
import { EventLogRepository, type NewEventRow, type RejectedRow, type StoredSummary } from './event-log.repository.js';
import { custodyEndAhead, MAX_BATCH, RECORDED_BY_APP, validateEvent, type FieldError, type JmsEvent } from './event.schema.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; eventId: string | null; errors: FieldError[] }>;
}

interface Stored {
  accepted: number;
  duplicates: number;
  /** Refusals found inside the transaction, by batch index. */
  rejected: Map<number, FieldError[]>;
}

interface Candidate {
  index: number;
  event: JmsEvent;
  occurredAtMs: number;
  occurredAtIso: string;
  canonical: string;
  hash: string;
}

/** Keys as sent, before validation: what a batch's transaction locks and reads first. */
interface SentKeys {
  eventIds: string[];
  /** The events retractions name. */
  targetIds: string[];
  facilityIds: string[];
  bookings: Array<{ facilityId: string; bookingId: string }>;
}

/** What the transaction reads for the keys as sent, while the batch is validated. */
interface SentRead {
  heads: Map<string, string | null>;
  /** Stored events the batch names by id: the targets of its retractions, and its own ids when looked up (see `ingest`). */
  events: Map<string, StoredSummary>;
  /** The stored retractions of the bookings named, by `retractionKey`. */
  retracted: Set<string>;
  /**
   * The stored states of the bookings named (but those refolded), and the rules of the facilities
   * named that are configured (a facility is configured with its first policy, in one transaction).
   */
  loaded: Loaded;
  /** The stored logs of the bookings that may need refolding (see `mayRefold`), by booking key. */
  storedLogs: Map<string, SeqEvent[]>;
}

/** A string that may be a valid id (validation decides): Postgres text cannot hold NUL. */
const mayBeId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 128 && !v.includes('\u0000');

/** The event ids, retraction targets, facilities and bookings named in a batch, read without validating it. */
function sentKeys(raws: unknown[]): SentKeys {
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
function mayRefold(raws: unknown[], retracted: ReadonlySet<string>): string[] {
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
const sentEventId = (raw: unknown): string | null => {
  const id = (raw as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' ? id : null;
};

/** Above every stored seq: where the batch's events will sit in the log, for a refold computed before they are written. */
const AFTER_STORED = 2 ** 52;

const CONFLICT = 'an event with this eventId was already received with different content';

/**
 * Postgres text and jsonb cannot hold NUL or a lone UTF-16 surrogate. JSON.stringify writes
 * exactly those as \\u escapes (after an even run of backslashes), so the JSON text finds them.
 */
const UNSTORABLE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;
const hasUnstorable = (json: string) => json.includes('\\u') && json.search(UNSTORABLE) >= 0; // most events have no \u escape at all
/** Keep what was sent even so, with those characters replaced by U+FFFD for storage only. */
const storable = (raw: unknown): unknown => {
  const json = JSON.stringify(raw);
  return json !== undefined && hasUnstorable(json) ? JSON.parse(json.replace(UNSTORABLE, '$1\\ufffd')) : raw;
};

@Injectable()
export class IngestionService {
  private readonly log = new Logger('ingestion');

  constructor(
    private readonly ds: DataSource,
    private readonly events: EventLogRepository,
    private readonly projector: HoldProjector,
    private readonly clock: Clock,
  ) {}

  /**
   * POST /api/events as bytes: refuses (and keeps) what is not UTF-8 JSON, then `receive`. A
   * body that is not UTF-8 is kept as base64, so the jail's exact bytes can be recovered; it is
   * refused rather than read with replacement characters, which would alter what was sent.
   */
  async receiveRaw(raw: Buffer, how: { json: boolean; contentType: string | null }, apiKeyId: string | null, onlyFacilities: ReadonlySet<string> | null = null): Promise<IngestResult> {
    let text: string | null = null;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw); // drops a leading BOM
    } catch {
      /* not UTF-8: kept as base64 below */
    }
    const kept = text === null ? { contentType: how.contentType, unparsedBase64: raw.toString('base64') } : { contentType: how.contentType, unparsedText: text };
    const bodyError = (message: string) => this.refuseWhole(kept, [{ field: 'body', message }], apiKeyId);
    if (!how.json) {
      const errors = [{ field: 'Content-Type', message: 'must be application/json' }];
      return this.refuseWhole(kept, errors, apiKeyId, new DomainError('unsupported_media_type', 'Content-Type must be application/json', { errors }));
    }
    if (text === null) return bodyError('not valid UTF-8');
    if (jsonDepth(raw) > MAX_JSON_DEPTH) return bodyError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return bodyError(`not valid JSON (${(err as Error).message})`);
    }
    return this.receive(body, apiKeyId, onlyFacilities);
  }

  /**
   * POST /api/events: one event object, or { events: [...] }. A single event that is
   * refused raises an error (400, or 409 for a conflict); a batch reports per event.
   */
  async receive(body: unknown, apiKeyId: string | null, onlyFacilities: ReadonlySet<string> | null = null): Promise<IngestResult> {
    const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
    if (!isBatch) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        await this.refuseWhole(body, [{ field: 'body', message: 'must be one event object or { "events": [ ... ] }' }], apiKeyId);
      }
      const result = await this.ingest([body], apiKeyId, onlyFacilities);
      const refused = result.rejected[0];
      if (refused) {
        const conflict = refused.errors.some((e) => e.message === CONFLICT);
        const details = { ...result, errors: refused.errors };
        if (conflict) throw new DomainError('conflict', `eventId: ${CONFLICT}`, details);
        throw DomainError.validation(refused.errors, { ...result });
      }
      return result;
    }
    const events = body.events;
    if (!Array.isArray(events)) await this.refuseWhole(body, [{ field: 'events', message: 'must be an array of events' }], apiKeyId);
    if ((events as unknown[]).length > MAX_BATCH) {
      await this.refuseWhole(body, [{ field: 'events', message: `at most ${MAX_BATCH} events per request, got ${(events as unknown[]).length}` }], apiKeyId);
    }
    const extra = Object.keys(body as object).filter((k) => k !== 'events');
    if (extra.length > 0) await this.refuseWhole(body, [{ field: extra[0], message: 'unknown field; a batch is { "events": [ ... ] }' }], apiKeyId);
    return this.ingest(events as unknown[], apiKeyId, onlyFacilities);
  }

  /** Keep a refused request whole, then answer with `error` (400 naming the fields unless told otherwise). */
  private async refuseWhole(body: unknown, errors: FieldError[], apiKeyId: string | null, error = DomainError.validation(errors)): Promise<never> {
    await this.events.insertRejected(this.ds.manager, [{ batchIndex: null, eventId: null, body: storable(body ?? null), errors }], new Date(this.clock.now()), apiKeyId);
    throw error;
  }

  /**
   * Log one event the app records itself (RECORDED_BY_APP: a supervisor's decision, a complaint's
   * step, a notice served) in its facility's tamper-evident chain, as `keyId`. Refused or failed,
   * `undo` puts back what the caller stored for it, and the refusal is thrown naming its fields.
   */
  async recordByApp(event: Record<string, unknown>, keyId: string, undo: () => Promise<unknown> = async () => undefined): Promise<void> {
    try {
      const result = await this.ingest([event], keyId, null, { decisions: true });
      if (result.rejected.length > 0) throw DomainError.validation(result.rejected[0].errors);
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /**
   * `onlyFacilities`: the facilities the sending key is limited to (null: any); events about others are refused.
   * `opts.decisions`: accept the events the app records itself (RECORDED_BY_APP).
   * `opts.receivedAt`: when the batch was received, for a restore of an export (see event-archive.ts); default now.
   */
  async ingest(raws: unknown[], apiKeyId: string | null, onlyFacilities: ReadonlySet<string> | null = null, opts: { decisions?: boolean; receivedAt?: Date } = {}): Promise<IngestResult> {
    const receivedAt = opts.receivedAt ?? new Date(this.clock.now());
    const rejected = new Map<number, { eventId: string | null; errors: FieldError[] }>();
    const reject = (index: number, errors: FieldError[]) => rejected.set(index, { eventId: sentEventId(raws[index]), errors });
    // The transaction takes its locks and reads what is stored for the keys as sent while the
    // events are validated and hashed (the keys of events then refused are read for nothing);
    // the log write then takes the events as they are validated.
    const check = this.check(raws, receivedAt.getTime(), reject, onlyFacilities, opts);
    const sent = sentKeys(raws);

    // Where the log is written by COPY, which stores every row or fails, the first attempt does
    // not look the batch's event ids up: nearly every batch is new, and the lookup is an index
    // probe per event (~7–9 ms of the server's time per batch of 5,000). An event already stored
    // fails the COPY on its unique key; the next attempt looks every id up and judges it a
    // duplicate or a conflict (a batch sent again pays an aborted attempt). A request racing this
    // one with the same new eventId fails an attempt the same way.
    const optimistic = this.events.storesAllOrFails;
    let stored: Stored;
    for (let attempt = 1; ; attempt++) {
      const lookUp = !optimistic || attempt > 1;
      try {
        stored = await this.ds.transaction(async (m) => this.store(m, check, await this.readSent(m, sent, raws, lookUp), raws, rejected, receivedAt, apiKeyId));
        break;
      } catch (err) {
        if (attempt >= (optimistic ? 3 : 2) || sqlState(err) !== UNIQUE_VIOLATION) throw err;
      }
    }
    for (const [index, errors] of stored.rejected) reject(index, errors);
    const accepted = stored.accepted;
    const duplicates = check.duplicates + stored.duplicates;

    if (rejected.size > 0) this.log.warn(`rejected ${rejected.size} of ${raws.length} events`);
    return {
      accepted,
      duplicates,
      rejected: [...rejected].sort(([a], [b]) => a - b).map(([index, r]) => ({ index, eventId: r.eventId, errors: r.errors })),
    };
  }

  /** The shape of each event, its canonical form and hash, and repeats inside the batch, as it goes: no database work. */
  private check(
    raws: unknown[],
    receivedAtMs: number,
    reject: (index: number, errors: FieldError[]) => void,
    onlyFacilities: ReadonlySet<string> | null,
    opts: { decisions?: boolean } = {},
  ): BatchCheck<Candidate> {
    return new BatchCheck<Candidate>(raws.length, {
      check: (index) => {
        const raw = raws[index];
        const v = validateEvent(raw);
        if (!v.ok) {
          reject(index, v.errors);
          return null;
        }
        if (onlyFacilities && !onlyFacilities.has(v.event.facilityId)) {
          reject(index, [{ field: 'facilityId', message: `this API key may send events only about ${[...onlyFacilities].map((f) => `"${f}"`).join(', ')}` }]);
          return null;
        }
        // A decision is a supervisor's, recorded through the decisions route, never sent by a JMS.
        if (RECORDED_BY_APP.has(v.event.type) && !opts.decisions) {
          const message =
            v.event.type === 'detainer.decided'
              ? 'a decision on a detainer is recorded by a supervisor through POST /api/custody/{id}/decisions'
              : `a ${v.event.type} event is recorded through /api/complaints or /api/notices`;
          reject(index, [{ field: 'type', message }]);
          return null;
        }
        const ahead = custodyEndAhead(v.event, v.occurredAtMs, receivedAtMs);
        if (ahead) {
          reject(index, [ahead]);
          return null;
        }
        const canonical = canonicalJson(raw);
        if (hasUnstorable(canonical)) {
          reject(index, [{ field: '(event)', message: 'must be valid Unicode text: no NUL (\\u0000) and no unpaired surrogate (\\ud800-\\udfff)' }]);
          return null;
        }
        return { index, event: v.event, occurredAtMs: v.occurredAtMs, occurredAtIso: v.occurredAtIso, canonical, hash: sha256Hex(canonical) };
      },
      idOf: (c) => c.event.eventId,
      same: (first, later) => first.hash === later.hash,
      conflict: (index) => reject(index, [{ field: 'eventId', message: CONFLICT }]),
    });
  }

  /**
   * Lock the facilities named (every writer of a facility's log and bookings takes its lock; see
   * locks.ts); read the stored events the batch names (with `lookUp`, those with its ids too; the
   * targets of its retractions always) and the stored retractions of its bookings, which
   * facilities are configured, and what projecting the batch needs: the stored states of the
   * bookings named, and the logs of those that may be refolded.
   */
  private async readSent(m: EntityManager, sent: SentKeys, raws: unknown[], lookUp: boolean): Promise<SentRead> {
    // The configured facilities, locked: events of any other are refused as of an unknown facility.
    const heads = await this.events.lockChainHeads(m, sent.facilityIds);
    const named = new Map<string, BookingKey>(sent.bookings.filter((b) => heads.has(b.facilityId)).map((b) => [keyOf(b.facilityId, b.bookingId), b]));
    const { events, retracted } = await this.events.findByIds(m, lookUp ? [...sent.eventIds, ...sent.targetIds] : sent.targetIds, [...named.values()]);
    const refold = mayRefold(raws, retracted);
    const incremental = new Map(named);
    for (const k of refold) incremental.delete(k);
    const loaded = await this.projector.load(m, [...incremental.values()], [...heads.keys()]);
    const storedLogs = await this.events.logsOf(m, refold.map(parseKey));
    return { heads, events, retracted, loaded, storedLogs };
  }

  /**
   * Inside the transaction, with the facilities locked: tell new events from repeats, store,
   * project, keep the refusals. The log write takes each event as soon as it is checked.
   */
  private async store(
    m: EntityManager,
    check: BatchCheck<Candidate>,
    { heads, events: stored, loaded, storedLogs }: SentRead,
    raws: unknown[],
    refusedBefore: ReadonlyMap<number, { eventId: string | null; errors: FieldError[] }>,
    receivedAt: Date,
    apiKeyId: string | null,
  ): Promise<Stored> {
    const out: Stored = { accepted: 0, duplicates: 0, rejected: new Map() };
    const receivedAtIso = receivedAt.toISOString();
    const fresh: Candidate[] = [];
    // A retraction may name an event sent after it in the batch: where the id is sent last, so
    // the judgement waits until the check has passed it (retractions are rare; targets mostly come first).
    let lastSent: Map<string, number> | null = null;
    const lastIndexOf = (id: string) => {
      lastSent ??= new Map(raws.map((raw, i) => [sentEventId(raw) ?? '', i]));
      return lastSent.get(id) ?? -1;
    };
    // In the batch, a retraction's target counts only if its facility is configured.
    const inBatch = (id: string) => {
      const c = check.byId.get(id);
      return c && loaded.rules.has(c.event.facilityId) ? c.event : undefined;
    };
    /** The candidate, if it is new and may be stored; else its refusal or repeat is counted. */
    const judge = (c: Candidate): boolean => {
      const e = c.event;
      // Facilities must be configured before their events are accepted.
      if (!loaded.rules.has(e.facilityId)) {
        out.rejected.set(c.index, [{ field: 'facilityId', message: `unknown facility "${e.facilityId}"; configure it first with PUT /api/facilities/${e.facilityId}` }]);
        return false;
      }
      const prior = stored.get(e.eventId);
      if (prior) {
        if (prior.contentHash === c.hash) out.duplicates++;
        else out.rejected.set(c.index, [{ field: 'eventId', message: CONFLICT }]);
        return false;
      }
      const problem = e.type === 'event.retracted' ? this.retractionProblem(e, inBatch, stored) : null;
      if (problem) out.rejected.set(c.index, [problem]);
      return problem === null;
    };
    const row = ({ event: e, occurredAtIso: occurredAt, canonical, hash: contentHash }: Candidate): NewEventRow => {
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
    };

    // The rows, in runs, as the check goes; each row's chain link is computed as it is drawn.
    let drawnAll = () => {};
    const drawn = new Promise<void>((resolve) => (drawnAll = resolve));
    const waitFor = (c: Candidate) => (c.event.type === 'event.retracted' ? lastIndexOf(c.event.retractsEventId) + 1 : 0);
    async function* chained(): AsyncGenerator<NewEventRow[]> {
      yield* check.runs(waitFor, (c) => (judge(c) ? (fresh.push(c), row(c)) : null));
      drawnAll();
    }
    const writing = this.events.insert(m, chained(), receivedAt, apiKeyId);
    // A COPY stores every row or fails: the projection is computed while Postgres writes the log,
    // once every row has been handed to it (computed sooner, it held the rows back: Postgres
    // waited for them, then worked on after the projection was done). The INSERT path can skip
    // an id another request stored meanwhile, so it waits for the answer.
    const early = this.events.storesAllOrFails ? drawn.then(() => (fresh.length > 0 ? this.projection(loaded, fresh, storedLogs, receivedAt.getTime()) : null)) : null;
    const [insertedIds] = await Promise.all([writing, early]);
    // Judge what the INSERT path skipped against what the other request stored.
    const raced = fresh.filter((c) => !insertedIds.has(c.event.eventId));
    if (raced.length > 0) {
      const now = (
        await this.events.findByIds(
          m,
          raced.map((c) => c.event.eventId),
        )
      ).events;
      for (const c of raced) {
        if (now.get(c.event.eventId)?.contentHash === c.hash) out.duplicates++;
        else out.rejected.set(c.index, [{ field: 'eventId', message: CONFLICT }]);
      }
    }
    const inserted = fresh.filter((c) => insertedIds.has(c.event.eventId));
    out.accepted = inserted.length;
    if (inserted.length > 0) await this.projector.save(m, (await early) ?? (await this.projection(loaded, inserted, storedLogs, receivedAt.getTime())));
    await check.done; // every refusal of the check is in refusedBefore
    const refusals = new Map(refusedBefore);
    for (const [index, errors] of out.rejected) refusals.set(index, { eventId: sentEventId(raws[index]), errors });
    await this.events.insertRejected(m, this.rejectedRows(raws, refusals), receivedAt, apiKeyId);
    return out;
  }

  private retractionProblem(
    e: Extract<JmsEvent, { type: 'event.retracted' }>,
    inBatch: (id: string) => JmsEvent | undefined,
    stored: Map<string, { facilityId: string; bookingId: string; type: string }>,
  ): FieldError | null {
    if (e.retractsEventId === e.eventId) return { field: 'retractsEventId', message: 'an event cannot retract itself' };
    const target = stored.get(e.retractsEventId) ?? inBatch(e.retractsEventId);
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

  /**
   * The projection of the stored events: bookings in `storedLogs` (touched by a retraction, or
   * receiving an event a stored retraction names, or possibly so: see `mayRefold`) are refolded
   * from their stored log and their new events (which the log write puts after every stored one), the others
   * advanced from their loaded state. Inside the batch, the order sent is the order received.
   */
  private projection(loaded: Loaded, inserted: Candidate[], storedLogs: ReadonlyMap<string, SeqEvent[]>, receivedAtMs: number): Promise<Projection> {
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
    return this.projector.compute(loaded, newEvents, fullLogs);
  }

  private rejectedRows(raws: unknown[], rejected: Map<number, { eventId: string | null; errors: FieldError[] }>): RejectedRow[] {
    return [...rejected].map(([index, r]) => ({ batchIndex: index, eventId: storable(r.eventId) as string | null, body: storable(raws[index] ?? null), errors: r.errors }));
  }
}
