import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { DomainError } from '../common/domain-error.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { keyOf, parseKey } from '../holds/booking-key.js';
import { HoldProjector, type SeqEvent } from '../holds/hold-projector.service.js';
import { EventLogRepository, type RejectedRow } from './event-log.repository.js';
import { MAX_BATCH, validateEvent, type FieldError, type JmsEvent } from './event.schema.js';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; eventId: string | null; errors: FieldError[] }>;
}

interface Candidate {
  index: number;
  raw: unknown;
  event: JmsEvent;
  occurredAtMs: number;
  hash: string;
}

const CONFLICT = 'an event with this eventId was already received with different content';

/** Postgres text cannot hold NUL; say so instead of failing the batch. */
const hasNul = (raw: unknown) => JSON.stringify(raw)?.includes('\\u0000') ?? false;
/** Keep what was sent even when it has NULs, by replacing them for storage only. */
const storable = (raw: unknown): unknown => (hasNul(raw) ? JSON.parse(JSON.stringify(raw).replaceAll('\\u0000', '\\ufffd')) : raw);

@Injectable()
export class IngestionService {
  private readonly log = new Logger('ingestion');

  constructor(
    private readonly ds: DataSource,
    private readonly events: EventLogRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly projector: HoldProjector,
    private readonly clock: Clock,
  ) {}

  /**
   * POST /api/events: one event object, or { events: [...] }. A single event that is
   * refused raises an error (400, or 409 for a conflict); a batch reports per event.
   */
  async receive(body: unknown, apiKeyId: string | null): Promise<IngestResult> {
    const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
    if (!isBatch) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        await this.refuseWhole(body, [{ field: 'body', message: 'must be one event object or { "events": [ ... ] }' }], apiKeyId);
      }
      const result = await this.ingest([body], apiKeyId);
      const refused = result.rejected[0];
      if (refused) {
        const conflict = refused.errors.some((e) => e.message === CONFLICT);
        const details = { ...result, errors: refused.errors };
        if (conflict) throw new DomainError('conflict', `eventId: ${CONFLICT}`, details);
        throw DomainError.validation(refused.errors, { ...result });
      }
      return result;
    }
    const events = (body as { events: unknown }).events;
    if (!Array.isArray(events)) await this.refuseWhole(body, [{ field: 'events', message: 'must be an array of events' }], apiKeyId);
    if ((events as unknown[]).length > MAX_BATCH) {
      await this.refuseWhole(body, [{ field: 'events', message: `at most ${MAX_BATCH} events per request, got ${(events as unknown[]).length}` }], apiKeyId);
    }
    const extra = Object.keys(body as object).filter((k) => k !== 'events');
    if (extra.length > 0) await this.refuseWhole(body, [{ field: extra[0], message: 'unknown field; a batch is { "events": [ ... ] }' }], apiKeyId);
    return this.ingest(events as unknown[], apiKeyId);
  }

  /** Keep a refused request whole, then answer 400. */
  private async refuseWhole(body: unknown, errors: FieldError[], apiKeyId: string | null): Promise<never> {
    await this.events.insertRejected(this.ds.manager, [{ batchIndex: null, eventId: null, body: storable(body ?? null), errors }], new Date(this.clock.now()), apiKeyId);
    throw DomainError.validation(errors);
  }

  async ingest(raws: unknown[], apiKeyId: string | null): Promise<IngestResult> {
    const receivedAt = new Date(this.clock.now());
    const rejected = new Map<number, { eventId: string | null; errors: FieldError[] }>();
    const reject = (index: number, errors: FieldError[]) => {
      const raw = raws[index] as { eventId?: unknown } | null;
      rejected.set(index, { eventId: typeof raw?.eventId === 'string' ? raw.eventId : null, errors });
    };
    let duplicates = 0;

    // 1. Shape of each event, and repeats inside the batch.
    const byId = new Map<string, Candidate>();
    for (let index = 0; index < raws.length; index++) {
      const raw = raws[index];
      if (hasNul(raw)) {
        reject(index, [{ field: '(event)', message: 'must not contain NUL (\\u0000) characters' }]);
        continue;
      }
      const v = validateEvent(raw);
      if (!v.ok) {
        reject(index, v.errors);
        continue;
      }
      const c: Candidate = { index, raw, event: v.event, occurredAtMs: v.occurredAtMs, hash: sha256Hex(canonicalJson(raw)) };
      const first = byId.get(c.event.eventId);
      if (!first) byId.set(c.event.eventId, c);
      else if (first.hash === c.hash) duplicates++;
      else reject(index, [{ field: 'eventId', message: CONFLICT }]);
    }

    // 2. Facilities must be configured before their events are accepted.
    const known = await this.facilities.existing([...new Set([...byId.values()].map((c) => c.event.facilityId))]);
    for (const [id, c] of byId) {
      if (!known.has(c.event.facilityId)) {
        reject(c.index, [{ field: 'facilityId', message: `unknown facility "${c.event.facilityId}"; configure it first with PUT /api/facilities/${c.event.facilityId}` }]);
        byId.delete(id);
      }
    }

    let accepted = 0;
    await this.ds.transaction(async (m) => {
      const candidates = [...byId.values()];
      await this.projector.lock(m, candidates.map((c) => c.event));
      const targets = candidates.flatMap((c) => (c.event.type === 'event.retracted' ? [c.event.retractsEventId] : []));
      const stored = await this.events.findByIds(m, [...byId.keys(), ...targets]);

      const fresh: Candidate[] = [];
      for (const c of candidates) {
        const prior = stored.get(c.event.eventId);
        if (prior) {
          if (prior.contentHash === c.hash) duplicates++;
          else reject(c.index, [{ field: 'eventId', message: CONFLICT }]);
          continue;
        }
        const problem = c.event.type === 'event.retracted' ? this.retractionProblem(c.event, byId, stored) : null;
        if (problem) reject(c.index, [problem]);
        else fresh.push(c);
      }

      const seqs = await this.events.insert(
        m,
        fresh.map((c) => ({
          eventId: c.event.eventId, facilityId: c.event.facilityId, bookingId: c.event.bookingId, type: c.event.type,
          occurredAtMs: c.occurredAtMs, retractsEventId: c.event.type === 'event.retracted' ? c.event.retractsEventId : null,
          body: c.raw, contentHash: c.hash,
        })),
        receivedAt,
        apiKeyId,
      );
      // Lost a race with another request carrying the same id: judge against what it stored.
      const raced = fresh.filter((c) => !seqs.has(c.event.eventId));
      if (raced.length > 0) {
        const now = await this.events.findByIds(m, raced.map((c) => c.event.eventId));
        for (const c of raced) {
          if (now.get(c.event.eventId)?.contentHash === c.hash) duplicates++;
          else reject(c.index, [{ field: 'eventId', message: CONFLICT }]);
        }
      }
      const inserted = fresh.filter((c) => seqs.has(c.event.eventId));
      accepted = inserted.length;
      if (inserted.length > 0) await this.project(m, inserted, seqs);
      await this.events.insertRejected(m, this.rejectedRows(raws, rejected), receivedAt, apiKeyId);
    });

    if (rejected.size > 0) this.log.warn(`rejected ${rejected.size} of ${raws.length} events`);
    return {
      accepted,
      duplicates,
      rejected: [...rejected].sort(([a], [b]) => a - b).map(([index, r]) => ({ index, eventId: r.eventId, errors: r.errors })),
    };
  }

  private retractionProblem(
    e: Extract<JmsEvent, { type: 'event.retracted' }>,
    batch: Map<string, Candidate>,
    stored: Map<string, { facilityId: string; bookingId: string; type: string }>,
  ): FieldError | null {
    if (e.retractsEventId === e.eventId) return { field: 'retractsEventId', message: 'an event cannot retract itself' };
    const target = stored.get(e.retractsEventId) ?? batch.get(e.retractsEventId)?.event;
    if (!target) return null; // may arrive later: events can come in any order
    if (target.type === 'event.retracted') return { field: 'retractsEventId', message: 'a retraction cannot be retracted; send the corrected event again under a new eventId' };
    if (target.facilityId !== e.facilityId || target.bookingId !== e.bookingId) {
      return { field: 'retractsEventId', message: `event "${e.retractsEventId}" is about booking "${target.bookingId}" of facility "${target.facilityId}"; a retraction must name the same facility and booking` };
    }
    return null;
  }

  /** Hand the stored events to the projector; bookings touched by a retraction are refolded from their whole log. */
  private async project(m: EntityManager, inserted: Candidate[], seqs: Map<string, number>): Promise<void> {
    const newEvents = new Map<string, SeqEvent[]>();
    const refold = new Set<string>();
    for (const c of inserted) {
      const k = keyOf(c.event.facilityId, c.event.bookingId);
      let list = newEvents.get(k);
      if (!list) newEvents.set(k, (list = []));
      list.push({ seq: seqs.get(c.event.eventId)!, occurredAtMs: c.occurredAtMs, body: c.event });
      if (c.event.type === 'event.retracted') refold.add(k);
    }
    // An event that arrives after its own retraction.
    const retracted = await this.events.retractedAmong(m, inserted.filter((c) => c.event.type !== 'event.retracted').map((c) => c.event.eventId));
    for (const c of inserted) if (retracted.has(c.event.eventId)) refold.add(keyOf(c.event.facilityId, c.event.bookingId));

    const fullLogs = new Map<string, SeqEvent[]>();
    if (refold.size > 0) {
      for (const k of refold) fullLogs.set(k, []);
      for (const e of await this.events.forBookings(m, [...refold].map(parseKey))) {
        fullLogs.get(keyOf(e.facilityId, e.bookingId))!.push({ seq: e.seq, occurredAtMs: e.occurredAtMs, body: e.body });
      }
    }
    await this.projector.project(m, newEvents, fullLogs);
  }

  private rejectedRows(raws: unknown[], rejected: Map<number, { eventId: string | null; errors: FieldError[] }>): RejectedRow[] {
    return [...rejected].map(([index, r]) => ({ batchIndex: index, eventId: r.eventId, body: storable(raws[index] ?? null), errors: r.errors }));
  }
}
