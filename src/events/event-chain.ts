/**
 * The tamper-evident chain of a facility's event log: each event's hash covers its
 * canonical form (what was sent, when, about what, and when it was received) and the
 * previous event's hash. Changing, removing or reordering any stored event breaks every
 * link after it. Pure.
 */
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';

/** The hash a facility's first event chains to. */
export const GENESIS = '0'.repeat(64);

export interface ChainedFields {
  eventId: string;
  facilityId: string;
  bookingId: string;
  type: string;
  occurredAtMs: number;
  receivedAtMs: number;
  /** SHA-256 of the canonical JSON of the event as sent. */
  contentHash: string;
}

export function chainHash(prevHash: string, e: ChainedFields): string {
  const canonical = canonicalJson({
    eventId: e.eventId, facilityId: e.facilityId, bookingId: e.bookingId, type: e.type,
    occurredAt: new Date(e.occurredAtMs).toISOString(), receivedAt: new Date(e.receivedAtMs).toISOString(), contentHash: e.contentHash,
  });
  return sha256Hex(`${prevHash}\n${canonical}`);
}
