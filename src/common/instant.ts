import { DateTime, IANAZone } from 'luxon';

// Date, time to the minute at least, optional seconds and fraction, and a mandatory offset or Z.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * Epoch ms of an ISO 8601 instant that carries its offset; null if malformed, impossible
 * (30 February, 24:00) or local-only. Digits past the millisecond are dropped. Parsed by
 * hand because it runs for every event ingested (Luxon's fromISO is ten times slower).
 */
export function parseInstant(value: string): number | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return null;
  let offsetMin = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 18 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  return utc >= MIN_MS && utc < MAX_MS ? utc : null;
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The instant `sent` (parsed as `ms`) as `Date.toISOString` writes it: `sent` itself when it is
 * already written so, as senders mostly write it (formatting a Date costs more than the check).
 */
export function canonicalUtc(sent: string, ms: number): string {
  return CANONICAL_UTC.test(sent) ? sent : new Date(ms).toISOString();
}

export const INSTANT_HINT = 'an ISO 8601 instant with an offset or Z, e.g. 2026-11-05T15:00:00-05:00';

/** ISO 8601 UTC with milliseconds, or null. */
export function isoUtc(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value).toISOString();
}

/** The same instant in the facility's zone, with its offset, exactly as Luxon's toISO() writes it. */
export function isoLocal(value: Date | number | null | undefined, zone: string): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : value.getTime();
  // Region zones only: Luxon writes "UTC" itself with a Z, which the fast path does not.
  const offset = zone.includes('/') ? steadyOffset(ms, zone) : null;
  if (offset === null) return DateTime.fromMillis(ms, { zone }).toISO();
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${new Date(ms + offset * 60_000).toISOString().slice(0, 23)}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The zone's UTC offset in whole minutes at `ms`, from a cache of quarter hours in which it does
 * not change; null where it changes within the quarter hour, or is not whole minutes (Luxon then
 * answers). Every hold in a list shows local times: asking Intl each time made a page of 100
 * holds cost ~5 ms of CPU, most of a board read.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();
function steadyOffset(ms: number, zone: string): number | null {
  const bucket = Math.floor(ms / QUARTER_HOUR);
  const key = `${zone} ${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const z = IANAZone.create(zone);
    const start = z.offset(bucket * QUARTER_HOUR);
    offset = start === z.offset((bucket + 1) * QUARTER_HOUR - 1) && Number.isInteger(start) ? start : NaN;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return Number.isNaN(offset) ? null : offset;
}
