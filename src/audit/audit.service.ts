import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../common/clock.js';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc, parseInstant } from '../common/instant.js';
import { chainHash, GENESIS } from '../events/event-chain.js';
import { AuditRepository, type AccessEntry, type ChainRow } from './audit.repository.js';

export interface VerifyResult {
  facilityId: string;
  eventsChecked: number;
  ok: boolean;
  /** The last hash: record it elsewhere to detect later truncation of the log. */
  headHash: string;
  firstBroken: { seq: number; eventId: string; problem: string } | null;
}

export const grantBody = z
  .object({
    apiKeyId: z.uuid('must be the id of a counsel API key'),
    // Booking and person ids are each jail system's own: the same id can name others elsewhere.
    facilityId: z.string({ error: 'is required: the facility whose booking or person this grant opens' }).min(1).max(128),
    bookingId: z.string().min(1).max(128).optional(),
    personId: z.string().min(1).max(128).optional(),
    /** true: grant a booking or person the facility has not told of yet (its events are to come). */
    expected: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict()
  .refine((g) => (g.bookingId === undefined) !== (g.personId === undefined), { message: 'name exactly one of bookingId or personId', path: ['bookingId'] });

/**
 * The first column stored beside the event, for queries, that says other than the event as
 * received (whose hash is checked), or null. Most are in the chain's hash as well; the
 * retraction's target is not, and lookups of stored retractions read it.
 */
function columnNotAsReceived(e: ChainRow): string | null {
  const b = e.body as Record<string, unknown>;
  if (b.eventId !== e.event_id) return 'event_id';
  if (b.facilityId !== e.facility_id) return 'facility_id';
  if (b.bookingId !== e.booking_id) return 'booking_id';
  if (b.type !== e.type) return 'type';
  if (typeof b.occurredAt !== 'string' || parseInstant(b.occurredAt) !== new Date(e.occurred_at).getTime()) return 'occurred_at';
  if ((b.type === 'event.retracted' ? b.retractsEventId : null) !== e.retracts_event_id) return 'retracts_event_id';
  return null;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Re-walk a facility's chain from its first event; name the first link that does not hold. */
  async verify(facilityId: string): Promise<VerifyResult> {
    if (!(await this.repo.facilityExists(facilityId))) throw DomainError.notFound(`facility "${facilityId}"`);
    let prev = GENESIS;
    let afterSeq = 0;
    let checked = 0;
    for (;;) {
      const page = await this.repo.chainPage(facilityId, afterSeq, 5000);
      for (const e of page) {
        checked++;
        const broken = (problem: string): VerifyResult => ({ facilityId, eventsChecked: checked, ok: false, headHash: prev, firstBroken: { seq: e.seq, eventId: e.event_id, problem } });
        if (e.chain_hash === null || e.prev_hash === null) return broken('the event carries no hash (stored before the chain existed, or altered)');
        if (sha256Hex(canonicalJson(e.body)) !== e.content_hash) return broken('the event as stored differs from what was received (content hash mismatch)');
        const column = columnNotAsReceived(e);
        if (column) return broken(`the stored ${column} differs from the event as received`);
        if (e.prev_hash !== prev) return broken('the link to the previous event is broken (an event before it was removed, added or reordered)');
        const expected = chainHash(prev, {
          eventId: e.event_id,
          facilityId: e.facility_id,
          bookingId: e.booking_id,
          type: e.type,
          occurredAt: isoUtc(e.occurred_at)!,
          receivedAt: isoUtc(e.received_at)!,
          contentHash: e.content_hash,
        });
        if (expected !== e.chain_hash) return broken('the stored fields of the event were changed (chain hash mismatch)');
        prev = e.chain_hash;
        afterSeq = e.seq;
      }
      if (page.length < 5000) return { facilityId, eventsChecked: checked, ok: true, headHash: prev, firstBroken: null };
    }
  }

  logAccess(entry: AccessEntry): Promise<void> {
    return this.repo.logAccess(entry, new Date(this.clock.now()));
  }

  async accessLog(limit: number, beforeId: number | null) {
    const rows = await this.repo.accessLog(limit + 1, beforeId);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: isoUtc(r.at),
        apiKeyId: r.api_key_id,
        keyName: r.key_name,
        role: r.role,
        action: r.action,
        resource: r.resource,
        outcome: r.outcome,
        status: r.status,
        ip: r.ip,
        userAgent: r.user_agent,
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    };
  }

  async grant(body: z.infer<typeof grantBody>) {
    const [key] = await this.repo.keyRole(body.apiKeyId);
    if (!key) throw DomainError.notFound(`API key "${body.apiKeyId}"`);
    if (key.role !== 'counsel') throw DomainError.validation([{ field: 'apiKeyId', message: `grants are for counsel keys; this key's role is ${key.role}` }]);
    if (!(await this.repo.facilityExists(body.facilityId))) throw DomainError.validation([{ field: 'facilityId', message: `unknown facility "${body.facilityId}"` }]);
    // A mistyped id would otherwise make a grant that opens nothing now and someone else's booking later.
    if (!body.expected && !(await this.repo.knows(body.facilityId, body.bookingId ?? null, body.personId ?? null))) {
      const [field, what] = body.bookingId !== undefined ? ['bookingId', `booking "${body.bookingId}"`] : ['personId', `person "${body.personId}"`];
      throw DomainError.validation([{ field, message: `${what} is not known at facility "${body.facilityId}"; to grant it before its events arrive, send "expected": true` }]);
    }
    const g = { id: randomUUID(), apiKeyId: body.apiKeyId, facilityId: body.facilityId, bookingId: body.bookingId ?? null, personId: body.personId ?? null, createdAt: new Date(this.clock.now()) };
    await this.repo.createGrant(g);
    return { ...g, createdAt: isoUtc(g.createdAt), revokedAt: null };
  }

  async revokeGrant(id: string) {
    if (!z.uuid().safeParse(id).success || !(await this.repo.revokeGrant(id, new Date(this.clock.now())))) throw DomainError.notFound(`grant "${id}"`);
    return { id, revoked: true };
  }

  async grants(apiKeyId: string | null) {
    const rows = await this.repo.grants(apiKeyId);
    return {
      items: rows.map((g) => ({
        id: g.id,
        apiKeyId: g.api_key_id,
        facilityId: g.facility_id,
        bookingId: g.booking_id,
        personId: g.person_id,
        createdAt: isoUtc(g.created_at),
        revokedAt: isoUtc(g.revoked_at),
      })),
    };
  }
}
