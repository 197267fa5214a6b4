import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../common/json-depth.js';
import { sqlState, UNIQUE_VIOLATION } from '../common/sql-state.js';
import { keyOf, parseKey, type BookingKey } from '../holds/booking-key.js';
import { HoldProjector, type Loaded, type Projection, type SeqEvent } from '../holds/hold-projector.service.js';
import { BatchCheck } from './batch-check.js';
import { EventLogRepository, type NewEventRow, type StoredSummary } from './event-log.repository.js';
import { MAX_BATCH, type FieldError } from './event.schema.js';
import {
  CONFLICT,
  chained,
  checked,
  judged,
  mayRefold,
  projectionInput,
  refusalRows,
  sentEventId,
  sentKeys,
  storable,
  type Candidate,
  type Judging,
  type Sender,
  type SentKeys,
} from './ingest-steps.js';

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
    const check = this.check(raws, receivedAt.getTime(), reject, { onlyFacilities, decisions: opts.decisions });
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

  /** Step 3 for each event as it goes (`checked`), and repeats inside the batch: no database work. */
  private check(raws: unknown[], receivedAtMs: number, reject: (index: number, errors: FieldError[]) => void, sender: Sender): BatchCheck<Candidate> {
    return new BatchCheck<Candidate>(raws.length, {
      check: (index) => {
        const c = checked(raws[index], index, receivedAtMs, sender);
        if (Array.isArray(c)) {
          reject(index, c);
          return null;
        }
        return c;
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
   * Inside the transaction, with the facilities locked (ingest-steps.ts names the steps): judge
   * each checked event against what is stored (4); chain the new ones and hand them to the log
   * write as they come (5); project them while Postgres writes (6); settle what raced another
   * request, save the projection, keep every refusal (7).
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
    const judging: Judging = { configured: (f) => loaded.rules.has(f), stored, inBatch };
    /** The candidate, if it is new and may be stored; else its refusal or repeat is counted. */
    const isNew = (c: Candidate): boolean => {
      const verdict = judged(c, judging);
      if (verdict === 'duplicate') out.duplicates++;
      else if (verdict !== 'new') out.rejected.set(c.index, verdict);
      return verdict === 'new';
    };

    // The rows, in runs, as the check goes; each row's chain link is computed as it is drawn.
    let drawnAll = () => {};
    const drawn = new Promise<void>((resolve) => (drawnAll = resolve));
    const waitFor = (c: Candidate) => (c.event.type === 'event.retracted' ? lastIndexOf(c.event.retractsEventId) + 1 : 0);
    async function* logRows(): AsyncGenerator<NewEventRow[]> {
      yield* check.runs(waitFor, (c) => (isNew(c) ? (fresh.push(c), chained(c, heads, receivedAtIso)) : null));
      drawnAll();
    }
    const writing = this.events.insert(m, logRows(), receivedAt, apiKeyId);
    // A COPY stores every row or fails: the projection is computed while Postgres writes the log,
    // once every row has been handed to it (computed sooner, it held the rows back: Postgres
    // waited for them, then worked on after the projection was done). The INSERT path can skip
    // an id another request stored meanwhile, so it waits for the answer.
    const early = this.events.storesAllOrFails ? drawn.then(() => (fresh.length > 0 ? this.projection(loaded, fresh, storedLogs, receivedAt.getTime()) : null)) : null;
    const [insertedIds] = await Promise.all([writing, early]);
    const inserted = await this.settleRaces(m, fresh, insertedIds, out);
    out.accepted = inserted.length;
    if (inserted.length > 0) await this.projector.save(m, (await early) ?? (await this.projection(loaded, inserted, storedLogs, receivedAt.getTime())));
    await check.done; // every refusal of the check is in refusedBefore
    await this.keepRefusals(m, raws, refusedBefore, out.rejected, receivedAt, apiKeyId);
    return out;
  }

  /**
   * The events the INSERT path skipped (another request stored the same id meanwhile), judged
   * against what that request stored: a repeat or a conflict. The events stored come back.
   */
  private async settleRaces(m: EntityManager, fresh: Candidate[], insertedIds: ReadonlySet<string>, out: Stored): Promise<Candidate[]> {
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
    return fresh.filter((c) => insertedIds.has(c.event.eventId));
  }

  /** Step 7: keep every refusal of the batch, those of the check and those found against what is stored. */
  private async keepRefusals(
    m: EntityManager,
    raws: unknown[],
    refusedBefore: ReadonlyMap<number, { eventId: string | null; errors: FieldError[] }>,
    refusedInside: ReadonlyMap<number, FieldError[]>,
    receivedAt: Date,
    apiKeyId: string | null,
  ): Promise<void> {
    const refusals = new Map(refusedBefore);
    for (const [index, errors] of refusedInside) refusals.set(index, { eventId: sentEventId(raws[index]), errors });
    await this.events.insertRejected(m, refusalRows(raws, refusals), receivedAt, apiKeyId);
  }

  /** Step 6: the projection of the stored events (see `projectionInput`). */
  private projection(loaded: Loaded, inserted: Candidate[], storedLogs: ReadonlyMap<string, SeqEvent[]>, receivedAtMs: number): Promise<Projection> {
    const { newEvents, fullLogs } = projectionInput(inserted, storedLogs, receivedAtMs);
    return this.projector.compute(loaded, newEvents, fullLogs);
  }
}
