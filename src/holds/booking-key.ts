import { hash } from 'node:crypto';

export interface BookingKey {
  facilityId: string;
  bookingId: string;
}

// Facility ids have no control characters (FACILITY_ID), so the first separator splits the key unambiguously.
const SEP = '\u001f';
export const keyOf = (facilityId: string, bookingId: string) => `${facilityId}${SEP}${bookingId}`;
export const detainerKey = (bookingKey: string, detainerId: string) => `${bookingKey}${SEP}${detainerId}`;
/** A stored retraction of a booking, by the id it names (see EventLogRepository.findByIds). */
export const retractionKey = (facilityId: string, bookingId: string, eventId: string) => `${keyOf(facilityId, bookingId)}${SEP}${eventId}`;
export const parseKey = (key: string): BookingKey => {
  const at = key.indexOf(SEP);
  return { facilityId: key.slice(0, at), bookingId: key.slice(at + 1) };
};

/** A hold's id is derived from what it is, so recomputing it never makes a second hold. */
export function holdId(facilityId: string, bookingId: string, detainerId: string): string {
  return uuidOf(`${facilityId}\u0000${bookingId}\u0000${detainerId}`);
}

/** A booking's custody record id, derived likewise (no detainer id is empty, so it never equals a hold's). */
export const custodyId = (facilityId: string, bookingId: string): string => uuidOf(`custody\u0000${facilityId}\u0000${bookingId}`);

function uuidOf(text: string): string {
  // The one-shot digest: about twice as fast as a Hash object for a short text (several ids a booking, every batch).
  const h = hash('sha256', text, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
