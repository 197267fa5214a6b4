/**
 * US federal holidays (5 U.S.C. 6103) with OPM's observance rule, computed by rule for
 * any year. Dates are plain calendar dates ("YYYY-MM-DD"): which instant a date covers
 * depends on the facility's time zone and is decided in hold-clock.ts.
 */

export interface ObservedHoliday {
  /** The day offices are closed (ISO date). */
  observed: string;
  /** The holiday's own date, which differs from `observed` when it falls on a weekend. */
  actual: string;
  name: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** 0 = Sunday .. 6 = Saturday, for a proleptic Gregorian date (month 1-12). */
export function weekday(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function nthWeekdayOfMonth(y: number, m: number, dow: number, n: number): number {
  const first = weekday(y, m, 1);
  return 1 + ((dow - first + 7) % 7) + (n - 1) * 7;
}

function lastWeekdayOfMonth(y: number, m: number, dow: number): number {
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekday(y, m, lastDay);
  return lastDay - ((last - dow + 7) % 7);
}

const MONDAY = 1;
const THURSDAY = 4;

/** The holidays of year `y` on their own dates (before the weekend shift). */
function holidaysByRule(y: number): Array<{ month: number; day: number; name: string }> {
  const list = [
    { month: 1, day: 1, name: "New Year's Day" },
    { month: 2, day: nthWeekdayOfMonth(y, 2, MONDAY, 3), name: "Washington's Birthday" },
    { month: 5, day: lastWeekdayOfMonth(y, 5, MONDAY), name: 'Memorial Day' },
    { month: 7, day: 4, name: 'Independence Day' },
    { month: 9, day: nthWeekdayOfMonth(y, 9, MONDAY, 1), name: 'Labor Day' },
    { month: 10, day: nthWeekdayOfMonth(y, 10, MONDAY, 2), name: 'Columbus Day' },
    { month: 11, day: 11, name: 'Veterans Day' },
    { month: 11, day: nthWeekdayOfMonth(y, 11, THURSDAY, 4), name: 'Thanksgiving Day' },
    { month: 12, day: 25, name: 'Christmas Day' },
  ];
  if (y >= 1986) {
    list.push({ month: 1, day: nthWeekdayOfMonth(y, 1, MONDAY, 3), name: 'Birthday of Martin Luther King, Jr.' });
  }
  if (y >= 2021) {
    list.push({ month: 6, day: 19, name: 'Juneteenth National Independence Day' });
  }
  return list;
}

/** OPM: a Saturday holiday is observed the Friday before, a Sunday one the Monday after. */
function observe(y: number, m: number, d: number): string {
  const dow = weekday(y, m, d);
  const shift = dow === 6 ? -1 : dow === 0 ? 1 : 0;
  const date = new Date(Date.UTC(y, m - 1, d + shift));
  return iso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const byObservedYear = new Map<number, ObservedHoliday[]>();

/**
 * Every federal holiday observed in calendar year `year`, sorted by date. Includes the
 * next year's New Year's Day when it is observed on 31 December of this year.
 */
export function observedFederalHolidays(year: number): readonly ObservedHoliday[] {
  const cached = byObservedYear.get(year);
  if (cached) return cached;
  const all: ObservedHoliday[] = [];
  for (const y of [year - 1, year, year + 1]) {
    for (const h of holidaysByRule(y)) {
      all.push({ observed: observe(y, h.month, h.day), actual: iso(y, h.month, h.day), name: h.name });
    }
  }
  const prefix = `${year}-`;
  const result = all.filter((h) => h.observed.startsWith(prefix)).sort((a, b) => a.observed.localeCompare(b.observed));
  byObservedYear.set(year, result);
  return result;
}

/** The federal holiday observed on this ISO date, if any. */
export function federalHolidayOn(isoDate: string): ObservedHoliday | undefined {
  const year = Number(isoDate.slice(0, 4));
  return observedFederalHolidays(year).find((h) => h.observed === isoDate);
}
