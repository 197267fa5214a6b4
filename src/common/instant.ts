import { DateTime, IANAZone } from 'luxon';

// Date, time to the minute at least, optional seconds and fraction, and a mandatory offset or Z.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);
/** The last text parsed and its answer. */
const last: { value: string | null; ms: number | null } = { value: null, ms: null };
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, mo: number) => (mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS_IN_MONTH[mo]);

/**
 * Epoch ms of an ISO 8601 instant that carries its offset; null if malformed, impossible
 * (30 February, 24:00) or local-only. Digits past the millisecond are dropped. Parsed by
 * hand because it runs for every event ingested (Luxon's fromISO is ten times slower).
 */
export function parseInstant(value: string): number | null {
  // Validation checks an event's instant and ingestion then reads it: the second call is free.
  if (value === last.value) return last.ms;
  const ms = parse(value);
  last.value = value;
  last.ms = ms;
  return ms;
}

function parse(value: string): number | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const y = Number(m[1]),
    mo = Number(m[2]),
    d = Number(m[3]),
    h = Number(m[4]),
    mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  // Years 0-99 are long before MIN_MS, and Date.UTC would read them as 1900-1999.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
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
  return CANONICAL_UTC.test(sent) ? sent : isoUtcMs(ms);
}

export const INSTANT_HINT = 'an ISO 8601 instant with an offset or Z, e.g. 2026-11-05T15:00:00-05:00';

/** ISO 8601 UTC with milliseconds, or null. */
export function isoUtc(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return isoUtcMs(typeof value === 'number' ? value : value.getTime());
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const DAY_MS = 86_400_000;

/**
 * Exactly what `new Date(ms).toISOString()` writes, by arithmetic for years 1000 to 9999 (days to
 * a civil date as in H. Hinnant's chrono algorithms): three times as fast, and ingestion writes
 * several instants for every event and hold.
 */
export function isoUtcMs(ms: number): string {
  if (!Number.isInteger(ms)) return new Date(ms).toISOString(); // a Date drops the fraction (and throws on NaN)
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468; // days from 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153); // month from March
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return new Date(ms).toISOString();
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = rest - s * 1000;
  return `${year}-${PAD2[month]}-${PAD2[day]}T${PAD2[h]}:${PAD2[mi]}:${PAD2[s]}.${frac < 100 ? (frac < 10 ? '00' : '0') : ''}${frac}Z`;
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
