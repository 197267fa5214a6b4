/**
 * The export format of the event log (NDJSON): one line per stored event, in the order stored
 * (retractions included, where they were), each `{"event": <the event as sent>, "receivedAt":
 * <when the server received it>}` in canonical JSON. The same log always gives the same bytes,
 * so an export restored into an empty instance and exported again is byte-identical, and with
 * the receipt times kept, the restored log has the same hashes, chain, holds and anomalies. Pure.
 */
import { canonicalJson } from '../common/canonical-json.js';
import { parseInstant } from '../common/instant.js';
import type { FieldError } from './event.schema.js';

/** The media type of an export and of a restore's body. */
export const ARCHIVE_TYPE = 'application/x-ndjson';

/** One export line, with its line break. */
export function archiveLine(event: unknown, receivedAt: Date): string {
  return `${canonicalJson({ event, receivedAt: receivedAt.toISOString() })}\n`;
}

export type ArchiveRead = { ok: true; event: Record<string, unknown>; receivedAt: Date } | { ok: false; eventId: string | null; errors: FieldError[] };

/**
 * One line of an export, read back. The event itself is checked by ingestion as any event is;
 * here only the wrapper: an object with `event` (an object) and `receivedAt` (an instant, not
 * after `nowMs`: a receipt cannot lie ahead of the server that restores it).
 */
export function readArchiveLine(text: string, nowMs: number): ArchiveRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, eventId: null, errors: [{ field: 'line', message: `not valid JSON (${(e as Error).message})` }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, eventId: null, errors: [{ field: 'line', message: 'must be an object {"event": {...}, "receivedAt": "..."}, as an export writes it' }] };
  }
  const { event, receivedAt, ...rest } = value as Record<string, unknown>;
  const eventId = typeof event === 'object' && event !== null && typeof (event as { eventId?: unknown }).eventId === 'string' ? (event as { eventId: string }).eventId : null;
  const errors: FieldError[] = [];
  for (const key of Object.keys(rest)) errors.push({ field: key, message: 'unknown field; a line is {"event": {...}, "receivedAt": "..."}' });
  if (typeof event !== 'object' || event === null || Array.isArray(event)) errors.push({ field: 'event', message: 'must be an event object' });
  const at = typeof receivedAt === 'string' ? parseInstant(receivedAt) : null;
  if (at === null) errors.push({ field: 'receivedAt', message: 'must be an ISO 8601 instant with an offset or Z' });
  else if (at > nowMs) errors.push({ field: 'receivedAt', message: `is after now (${new Date(nowMs).toISOString()}): a receipt cannot lie ahead` });
  if (errors.length) return { ok: false, eventId, errors };
  return { ok: true, event: event as Record<string, unknown>, receivedAt: new Date(at!) };
}
