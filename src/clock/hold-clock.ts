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

/**
 * A local calendar day of a zone: when it starts and ends (DST days are 23 or 25 hours), computed
 * once with Luxon and then looked up. The walks below run for every custody record judged, and
 * Luxon's zone arithmetic costs microseconds a call, so each day also remembers the next one and
 * whether it is a weekend or federal holiday: walking days is following links.
 */
interface Day {
  isoDate: string;
  startMs: number;
  endMs: number;
  nextIsoDate: string;
  /** The next local day, once asked for. */
  next: Day | null;
  /** Weekend or observed federal holiday (see nationalReason), once asked for. */
  national: string | null | undefined;
}
/** Per zone, per local date. */
const zoneDays = new Map<string, Map<string, Day>>();
let cachedDays = 0;

function boundsOf(timeZone: string, isoDate: string): Day {
  let days = zoneDays.get(timeZone);
  if (!days) zoneDays.set(timeZone, (days = new Map()));
  let b = days.get(isoDate);
  if (!b) {
    // startOf('day') copes with zones whose midnight is skipped by a DST change.
    const start = DateTime.fromISO(isoDate, { zone: timeZone }).startOf('day');
    const next = start.plus({ days: 1 }).startOf('day');
    b = { isoDate, startMs: start.toMillis(), endMs: next.toMillis(), nextIsoDate: next.toISODate()!, next: null, national: undefined };
    if (++cachedDays > 500_000) {
      zoneDays.clear(); // links into the old days stay valid: they are plain values
      cachedDays = 1;
      zoneDays.set(timeZone, (days = new Map()));
    }
    days.set(isoDate, b);
  }
  return b;
}

const nextDay = (day: Day, timeZone: string): Day => (day.next ??= boundsOf(timeZone, day.nextIsoDate));

/** Whether a day does not count under the business-hours policy: a weekend, an observed federal holiday or a facility holiday. */
function excluded(day: Day, extra: ReadonlySet<string> | null): boolean {
  if (day.national === undefined) day.national = nationalReason(day.isoDate);
  return day.national !== null || (extra !== null && extra.has(day.isoDate));
}

const holidaySet = (extraHolidays: readonly string[]): ReadonlySet<string> | null => (extraHolidays.length === 0 ? null : new Set(extraHolidays));

const DAY_MS = 86_400_000;
const utcIsoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Per zone, the zone's UTC offset at the start of each UTC day (by day number). */
const offsetAtUtcDay = new Map<string, Map<number, number>>();
let cachedOffsets = 0;

/** Per zone, the local day by its number (local days since 1970-01-01), once found by dayOf. */
const daysByNumber = new Map<string, Map<number, Day>>();

/** The local day of an instant: a guess from the zone's offset that day, checked against the day's bounds. */
function dayOf(ms: number, timeZone: string): Day {
  const utcDay = Math.floor(ms / DAY_MS);
  let offsets = offsetAtUtcDay.get(timeZone);
  if (!offsets) offsetAtUtcDay.set(timeZone, (offsets = new Map()));
  let offsetMs = offsets.get(utcDay);
  if (offsetMs === undefined) {
    offsetMs = DateTime.fromMillis(utcDay * DAY_MS, { zone: timeZone }).offset * 60_000;
    if (++cachedOffsets > 500_000) {
      offsetAtUtcDay.clear();
      daysByNumber.clear();
      cachedOffsets = 1;
      offsetAtUtcDay.set(timeZone, (offsets = new Map()));
    }
    offsets.set(utcDay, offsetMs);
  }
  const guess = Math.floor((ms + offsetMs) / DAY_MS);
  let byNumber = daysByNumber.get(timeZone);
  if (!byNumber) daysByNumber.set(timeZone, (byNumber = new Map()));
  const known = byNumber.get(guess);
  if (known !== undefined && ms >= known.startMs && ms < known.endMs) return known;
  let isoDate = utcIsoDate(guess * DAY_MS);
  for (let tries = 0; tries < 3; tries++) {
    const b = boundsOf(timeZone, isoDate);
    if (ms < b.startMs) isoDate = utcIsoDate(Date.parse(`${isoDate}T00:00:00Z`) - DAY_MS);
    else if (ms >= b.endMs) isoDate = b.nextIsoDate;
    else {
      if (tries === 0) byNumber.set(guess, b);
      return b;
    }
  }
  return boundsOf(timeZone, DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!);
}

/** The local date of an instant in a zone. */
export const localIsoDate = (ms: number, timeZone: string): string => dayOf(ms, timeZone).isoDate;

/**
 * The earliest instant at which `amountMs` of time has been counted from `startMs`,
 * counting only local days that are not excluded (weekends, observed federal holidays,
 * the facility's extra holidays). Counted time is real elapsed time, so DST days count
 * 23 or 25 hours.
 */
export function addBusinessTime(startMs: number, amountMs: number, timeZone: string, extraHolidays: readonly string[]): number {
  if (amountMs <= 0) return startMs;
  const extra = holidaySet(extraHolidays);
  let remaining = amountMs;
  let fromMs = startMs;
  for (let day = dayOf(startMs, timeZone); ; day = nextDay(day, timeZone)) {
    if (!excluded(day, extra)) {
      const available = day.endMs - fromMs;
      if (remaining <= available) return fromMs + remaining;
      remaining -= available;
    }
    fromMs = day.endMs;
  }
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
  const extra = holidaySet(extraHolidays);
  let counted = 0;
  for (let day = dayOf(startMs, timeZone), fromMs = startMs; fromMs < endMs; fromMs = day.endMs, day = nextDay(day, timeZone)) {
    if (!excluded(day, extra)) counted += Math.min(day.endMs, endMs) - fromMs;
  }
  return counted;
}

/** The local days between two instants that did not count, with the reason for each. */
export function excludedDaysBetween(startMs: number, endMs: number, timeZone: string, extraHolidays: readonly string[]): Array<{ date: string; reason: string }> {
  const extra = new Set(extraHolidays);
  const out: Array<{ date: string; reason: string }> = [];
  for (let day = dayOf(startMs, timeZone), fromMs = startMs; fromMs < endMs; fromMs = day.endMs, day = nextDay(day, timeZone)) {
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
