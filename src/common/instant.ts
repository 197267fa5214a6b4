import { DateTime } from 'luxon';

// Date, time to the minute at least, optional fraction, and a mandatory offset or Z.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** Epoch ms of an ISO 8601 instant that carries its offset; null if invalid or local-only. */
export function parseInstant(value: string): number | null {
  if (!INSTANT.test(value)) return null;
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid) return null;
  const ms = dt.toMillis();
  // Keep to years a jail record can have; also keeps arithmetic far from Date's limits.
  return ms >= Date.UTC(1900, 0, 1) && ms < Date.UTC(2200, 0, 1) ? ms : null;
}

export const INSTANT_HINT = 'an ISO 8601 instant with an offset or Z, e.g. 2026-11-05T15:00:00-05:00';

/** ISO 8601 UTC with milliseconds, or null. */
export function isoUtc(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value).toISOString();
}

/** The same instant in the facility's zone, with its offset. */
export function isoLocal(value: Date | number | null | undefined, zone: string): string | null {
  if (value === null || value === undefined) return null;
  return DateTime.fromMillis(typeof value === 'number' ? value : value.getTime(), { zone }).toISO();
}
