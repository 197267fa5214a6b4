/**
 * The legal clock of a detainer hold (shared/design/hold-clock.md). Pure functions over
 * epoch milliseconds (UTC instants); Luxon is used only to find local calendar days in
 * the facility's IANA zone. No framework imports here.
 */
import { DateTime, IANAZone } from 'luxon';
import { federalHolidayOn } from './federal-holidays.js';

export const POLICIES = ['federal-48-business-hours', 'calendar-48-hours', 'no-hold'] as const;
export type PolicyName = (typeof POLICIES)[number];

export const DETAINER_FORMS = ['I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-247', 'other'] as const;
export type DetainerForm = (typeof DETAINER_FORMS)[number];

export const WARRANT_KINDS = ['none', 'administrative', 'judicial'] as const;
export type WarrantKind = (typeof WARRANT_KINDS)[number];

/** The rules a facility applies to holds, as in force at one instant. */
export interface HoldRules {
  timeZone: string;
  policy: PolicyName;
  holdHours: number;
  /** Facility closures (ISO dates) excluded like federal holidays under the business-hours policy. */
  extraHolidays: readonly string[];
  requireJudicialWarrant: boolean;
}

/** The canonical IANA name of a region zone ("america/chicago" -> "America/Chicago"), or null if unknown. */
export function canonicalTimeZone(zone: string): string | null {
  // IANAZone.isValidZone accepts fixed offsets like "UTC+3" too; a facility names a real region.
  if (!IANAZone.isValidZone(zone) || !(zone.includes('/') || zone.toUpperCase() === 'UTC')) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

export const isValidTimeZone = (zone: string): boolean => canonicalTimeZone(zone) !== null;

const HOUR_MS = 3_600_000;

/** Why a local calendar day does not count under the business-hours policy, or null if it counts. */
export function excludedDayReason(isoDate: string, extraHolidays: ReadonlySet<string> | readonly string[]): string | null {
  const national = nationalReason(isoDate);
  if (national !== null) return national;
  const extra = extraHolidays instanceof Set ? extraHolidays.has(isoDate) : (extraHolidays as readonly string[]).includes(isoDate);
  return extra ? 'facility holiday' : null;
}

const nationalReasons = new Map<string, string | null>();

/** Weekend or observed federal holiday, cached per date. */
function nationalReason(isoDate: string): string | null {
  let reason = nationalReasons.get(isoDate);
  if (reason === undefined) {
    const [y, m, d] = isoDate.split('-').map(Number);
    const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const holiday = federalHolidayOn(isoDate);
    reason = dow === 6 ? 'Saturday' : dow === 0 ? 'Sunday' : holiday ? (holiday.observed === holiday.actual ? holiday.name : `${holiday.name} (observed)`) : null;
    if (nationalReasons.size >= 200_000) nationalReasons.clear();
    nationalReasons.set(isoDate, reason);
  }
  return reason;
}

interface LocalDay {
  isoDate: string;
  /** The instant the local day started, or the segment start if the walk began mid-day. */
  fromMs: number;
  /** The next local midnight. */
  toMs: number;
}

/**
 * Local day boundaries per zone and date, computed once with Luxon and then looked up:
 * the walk below runs for every hold, and Luxon's zone arithmetic costs microseconds a call.
 */
interface DayBounds {
  startMs: number;
  endMs: number;
  nextIsoDate: string;
}
const dayBounds = new Map<string, DayBounds>();

function boundsOf(timeZone: string, isoDate: string): DayBounds {
  const key = `${timeZone} ${isoDate}`;
  let b = dayBounds.get(key);
  if (!b) {
    // startOf('day') copes with zones whose midnight is skipped by a DST change.
    const start = DateTime.fromISO(isoDate, { zone: timeZone }).startOf('day');
    const next = start.plus({ days: 1 }).startOf('day');
    b = { startMs: start.toMillis(), endMs: next.toMillis(), nextIsoDate: next.toISODate()! };
    if (dayBounds.size >= 500_000) dayBounds.clear();
    dayBounds.set(key, b);
  }
  return b;
}

const DAY_MS = 86_400_000;
const utcIsoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const offsetAtUtcDay = new Map<string, number>();

/** The local date of an instant: a guess from the zone's offset that day, checked against the day's bounds. */
export function localIsoDate(ms: number, timeZone: string): string {
  const utcDay = Math.floor(ms / DAY_MS);
  const key = `${timeZone} ${utcDay}`;
  let offsetMs = offsetAtUtcDay.get(key);
  if (offsetMs === undefined) {
    offsetMs = DateTime.fromMillis(utcDay * DAY_MS, { zone: timeZone }).offset * 60_000;
    if (offsetAtUtcDay.size >= 500_000) offsetAtUtcDay.clear();
    offsetAtUtcDay.set(key, offsetMs);
  }
  let isoDate = utcIsoDate(ms + offsetMs);
  for (let tries = 0; tries < 3; tries++) {
    const b = boundsOf(timeZone, isoDate);
    if (ms < b.startMs) isoDate = utcIsoDate(Date.parse(`${isoDate}T00:00:00Z`) - DAY_MS);
    else if (ms >= b.endMs) isoDate = b.nextIsoDate;
    else return isoDate;
  }
  return DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!;
}

/** Local calendar days from `startMs` on, the first one cut at `startMs`. */
function* localDays(startMs: number, timeZone: string): Generator<LocalDay> {
  let isoDate = localIsoDate(startMs, timeZone);
  let fromMs = startMs;
  for (;;) {
    const { endMs, nextIsoDate } = boundsOf(timeZone, isoDate);
    yield { isoDate, fromMs, toMs: endMs };
    fromMs = endMs;
    isoDate = nextIsoDate;
  }
}

/**
 * The earliest instant at which `amountMs` of time has been counted from `startMs`,
 * counting only local days that are not excluded (weekends, observed federal holidays,
 * the facility's extra holidays). Counted time is real elapsed time, so DST days count
 * 23 or 25 hours.
 */
export function addBusinessTime(startMs: number, amountMs: number, timeZone: string, extraHolidays: readonly string[]): number {
  if (amountMs <= 0) return startMs;
  const extra = new Set(extraHolidays);
  let remaining = amountMs;
  for (const day of localDays(startMs, timeZone)) {
    if (excludedDayReason(day.isoDate, extra) !== null) continue;
    const available = day.toMs - day.fromMs;
    if (remaining <= available) return day.fromMs + remaining;
    remaining -= available;
  }
  throw new Error('unreachable');
}

/** Spans longer than this add up whole local years (see `countedInYear`) instead of walking every day. */
const LONG_SPAN_MS = 400 * DAY_MS;

/**
 * Time counted between two instants under the business-hours rule (0 if end <= start). A hold
 * left open for years (a release the JMS never sent) is shown with its counted time on every
 * board read: walking each of its days cost ~3 ms a read for ten years (~0.3 s the first time),
 * so whole local years in between are counted once and remembered.
 */
export function businessTimeBetween(startMs: number, endMs: number, timeZone: string, extraHolidays: readonly string[]): number {
  if (endMs - startMs > LONG_SPAN_MS) {
    const firstWhole = Number(localIsoDate(startMs, timeZone).slice(0, 4)) + 1;
    const endYear = Number(localIsoDate(endMs, timeZone).slice(0, 4));
    if (endYear > firstWhole) {
      let counted = countedByDays(startMs, yearStartMs(firstWhole, timeZone), timeZone, extraHolidays);
      for (let y = firstWhole; y < endYear; y++) counted += countedInYear(y, timeZone, extraHolidays);
      return counted + countedByDays(yearStartMs(endYear, timeZone), endMs, timeZone, extraHolidays);
    }
  }
  return countedByDays(startMs, endMs, timeZone, extraHolidays);
}

/** Local midnight starting 1 January of `year`. */
const yearStartMs = (year: number, timeZone: string) => boundsOf(timeZone, `${year}-01-01`).startMs;

const countedYears = new Map<string, number>();

/** Time counted in a whole local year, remembered by zone, year and the facility holidays that fall in it. */
function countedInYear(year: number, timeZone: string, extraHolidays: readonly string[]): number {
  const prefix = `${year}-`;
  const extra = extraHolidays.filter((d) => d.startsWith(prefix));
  const key = `${timeZone} ${year} ${extra.sort().join(',')}`;
  let counted = countedYears.get(key);
  if (counted === undefined) {
    counted = countedByDays(yearStartMs(year, timeZone), yearStartMs(year + 1, timeZone), timeZone, extra);
    if (countedYears.size >= 100_000) countedYears.clear();
    countedYears.set(key, counted);
  }
  return counted;
}

/** Time counted between two instants, walking the local days between them. */
function countedByDays(startMs: number, endMs: number, timeZone: string, extraHolidays: readonly string[]): number {
  if (endMs <= startMs) return 0;
  const extra = new Set(extraHolidays);
  let counted = 0;
  for (const day of localDays(startMs, timeZone)) {
    if (day.fromMs >= endMs) break;
    if (excludedDayReason(day.isoDate, extra) === null) counted += Math.min(day.toMs, endMs) - day.fromMs;
  }
  return counted;
}

/** The local days between two instants that did not count, with the reason for each. */
export function excludedDaysBetween(
  startMs: number,
  endMs: number,
  timeZone: string,
  extraHolidays: readonly string[],
): Array<{ date: string; reason: string }> {
  const extra = new Set(extraHolidays);
  const out: Array<{ date: string; reason: string }> = [];
  for (const day of localDays(startMs, timeZone)) {
    if (day.fromMs >= endMs) break;
    const reason = excludedDayReason(day.isoDate, extra);
    if (reason !== null) out.push({ date: day.isoDate, reason });
  }
  return out;
}

/** Does this detainer authorise any hold at all under these rules? */
export function authorisesHold(rules: HoldRules, form: DetainerForm, warrant: WarrantKind | null): boolean {
  if (rules.policy === 'no-hold') return false;
  if (form === 'I-247N') return false;
  if (rules.requireJudicialWarrant && warrant !== 'judicial') return false;
  return true;
}

/** The deadline under the policy alone (before any cancellation). */
export function policyDeadline(clockStartedAtMs: number, rules: HoldRules, form: DetainerForm, warrant: WarrantKind | null): number {
  if (!authorisesHold(rules, form, warrant)) return clockStartedAtMs;
  const holdMs = rules.holdHours * HOUR_MS;
  switch (rules.policy) {
    case 'calendar-48-hours':
      return clockStartedAtMs + holdMs;
    case 'federal-48-business-hours':
      return addBusinessTime(clockStartedAtMs, holdMs, rules.timeZone, rules.extraHolidays);
    default:
      return clockStartedAtMs;
  }
}

/** Time counted so far under the policy: business time for the federal rule, real time otherwise. */
export function countedTime(clockStartedAtMs: number, untilMs: number, rules: HoldRules): number {
  if (rules.policy === 'federal-48-business-hours') {
    return businessTimeBetween(clockStartedAtMs, untilMs, rules.timeZone, rules.extraHolidays);
  }
  return Math.max(0, untilMs - clockStartedAtMs);
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * The weekdays of a calendar year that do not count under the business-hours policy (observed
 * federal holidays and the facility's own), with the reason for each; weekends go without saying.
 */
export function holidaysOfYear(year: number, extraHolidays: readonly string[]): Array<{ date: string; weekday: string; reason: string }> {
  const extra = new Set(extraHolidays);
  const out: Array<{ date: string; weekday: string; reason: string }> = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const day = new Date(t);
    const dow = day.getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const date = day.toISOString().slice(0, 10);
    const reason = excludedDayReason(date, extra);
    if (reason !== null) out.push({ date, weekday: WEEKDAYS[dow], reason });
  }
  return out;
}
