/**
 * The tamper-evident chain of a facility's event log: each event's hash covers its
 * canonical form (what was sent, when, about what, and when it was received) and the
 * previous event's hash. Changing, removing or reordering any stored event breaks every
 * link after it. Pure.
 */
import { sha256Hex } from '../common/canonical-json.js';

/** The hash a facility's first event chains to. */
export const GENESIS = '0'.repeat(64);

export interface ChainedFields {
  eventId: string;
  facilityId: string;
  bookingId: string;
  type: string;
  /** ISO 8601 in UTC with milliseconds, as `Date.toISOString` writes it. */
  occurredAt: string;
  receivedAt: string;
  /** SHA-256 of the canonical JSON of the event as sent. */
  contentHash: string;
}

/** The canonical JSON of the chained fields (keys in sorted order), written out directly: it runs for every event. */
export function chainedForm(e: ChainedFields): string {
  const q = JSON.stringify;
  return (
    `{"bookingId":${q(e.bookingId)},"contentHash":${q(e.contentHash)},"eventId":${q(e.eventId)},"facilityId":${q(e.facilityId)},` +
    `"occurredAt":"${e.occurredAt}","receivedAt":"${e.receivedAt}","type":${q(e.type)}}`
  );
}

export function chainHash(prevHash: string, e: ChainedFields): string {
  return sha256Hex(`${prevHash}\n${chainedForm(e)}`);
}
