import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { addBusinessTime, businessTimeBetween, canonicalTimeZone, excludedDaysBetween, holidaysOfYear, isValidTimeZone, localIsoDate, policyDeadline, type HoldRules } from './hold-clock.js';

const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();
const utc = (ms: number) => new Date(ms).toISOString();
const rules = (over: Partial<HoldRules> = {}): HoldRules => ({
  timeZone: 'America/New_York',
  policy: 'federal-48-business-hours',
  holdHours: 48,
  extraHolidays: [],
  requireJudicialWarrant: false,
  ...over,
});

describe('policyDeadline: the examples of hold-clock.md and more', () => {
  const cases: Array<[string, string, Partial<HoldRules>, string]> = [
    // [what, local start, rules, expected deadline UTC]
    ['Thursday 15:00 -> Monday 15:00 (NY)', '2026-11-05T15:00', {}, '2026-11-09T20:00:00.000Z'],
    ['Thursday 15:00, Monday a holiday -> Tuesday 15:00', '2026-10-08T15:00', {}, '2026-10-13T19:00:00.000Z'],
    ['Wednesday before Thanksgiving 10:00 -> Monday 10:00', '2026-11-25T10:00', {}, '2026-11-30T15:00:00.000Z'],
    ['calendar: Saturday 10:00 EST + 48h = Monday 11:00 EDT', '2026-03-07T10:00', { policy: 'calendar-48-hours' }, '2026-03-09T15:00:00.000Z'],
    ['starts on Saturday: counts from Monday 00:00; Veterans Day skipped', '2026-11-07T09:00', {}, '2026-11-11T05:00:00.000Z'],
    ['Friday before spring-forward: Tuesday 12:00 EDT', '2026-03-06T12:00', {}, '2026-03-10T16:00:00.000Z'],
    ['across the year: Fri 31 Dec 2021 observed New Year', '2021-12-30T15:00', {}, '2022-01-04T20:00:00.000Z'],
    ['Friday 24 Dec 2021 observed Christmas', '2021-12-23T09:30', {}, '2021-12-28T14:30:00.000Z'],
    ['extra facility holiday and Christmas (Chicago)', '2026-12-23T10:00', { timeZone: 'America/Chicago', extraHolidays: ['2026-12-24'] }, '2026-12-29T16:00:00.000Z'],
    ['Friday 22:00 in Los Angeles is Friday', '2026-11-06T22:00', { timeZone: 'America/Los_Angeles' }, '2026-11-11T06:00:00.000Z'],
    ['Guam, UTC+10', '2026-11-06T20:00', { timeZone: 'Pacific/Guam' }, '2026-11-10T10:00:00.000Z'],
    ['holdHours 24', '2026-11-05T15:00', { holdHours: 24 }, '2026-11-06T20:00:00.000Z'],
    ['a clock at exactly local midnight counts the whole day', '2026-11-05T00:00', {}, '2026-11-07T05:00:00.000Z'],
    ['milliseconds are kept', '2026-11-05T15:00:01.250', {}, '2026-11-09T20:00:01.250Z'],
    // Tehran's clocks went forward at Monday 22 March 2021 00:00: that day began at 01:00 and counted 23 hours.
    ['a weekday starting at 01:00 (Tehran): Fri 12 + Mon 23 + Tue 13', '2021-03-19T12:00', { timeZone: 'Asia/Tehran' }, '2021-03-23T08:30:00.000Z'],
    // Samoa skipped Friday 30 December 2011; Monday 2 January 2012 was New Year observed.
    ['a day that never happened (Apia): Thu 12 + Tue 24 + Wed 12', '2011-12-29T12:00', { timeZone: 'Pacific/Apia' }, '2012-01-03T22:00:00.000Z'],
    ['no-hold: deadline is the clock start', '2026-11-05T15:00', { policy: 'no-hold' }, '2026-11-05T20:00:00.000Z'],
  ];
  it.each(cases)('%s', (_what, local, over, expected) => {
    const r = rules(over);
    expect(utc(policyDeadline(at(local, r.timeZone), r, 'I-247A', 'none'))).toBe(expected);
  });

  it('I-247N never authorises a hold, under every policy', () => {
    for (const policy of ['federal-48-business-hours', 'calendar-48-hours', 'no-hold'] as const) {
      const start = at('2026-11-05T15:00', 'America/New_York');
      expect(policyDeadline(start, rules({ policy }), 'I-247N', 'judicial')).toBe(start);
    }
  });

  it('requireJudicialWarrant: only a judicial warrant authorises a hold', () => {
    const r = rules({ requireJudicialWarrant: true });
    const start = at('2026-11-05T15:00', 'America/New_York');
    expect(policyDeadline(start, r, 'I-247A', 'administrative')).toBe(start);
    expect(policyDeadline(start, r, 'I-247A', 'none')).toBe(start);
    expect(policyDeadline(start, r, 'I-247A', null)).toBe(start);
    expect(utc(policyDeadline(start, r, 'I-247A', 'judicial'))).toBe('2026-11-09T20:00:00.000Z');
  });

  it('calendar hours are real hours across the autumn change too', () => {
    const r = rules({ policy: 'calendar-48-hours' });
    const start = at('2026-10-31T10:00', 'America/New_York'); // EDT; clocks fall back Sunday 1 Nov
    expect(DateTime.fromMillis(policyDeadline(start, r, 'I-247A', 'none'), { zone: r.timeZone }).toISO()).toBe('2026-11-02T09:00:00.000-05:00');
  });
});

describe('business time', () => {
  it('counts Friday to Tuesday across the spring-forward weekend as 48 hours', () => {
    const zone = 'America/New_York';
    const fri = at('2026-03-06T00:00', zone);
    const tue = at('2026-03-10T00:00', zone);
    expect(businessTimeBetween(fri, tue, zone, [])).toBe(48 * 3_600_000);
  });

  it('addBusinessTime and businessTimeBetween agree', () => {
    const zone = 'America/Chicago';
    const start = at('2026-11-24T13:17:05.5', zone);
    const deadline = addBusinessTime(start, 48 * 3_600_000, zone, []);
    expect(businessTimeBetween(start, deadline, zone, [])).toBe(48 * 3_600_000);
    // Tue 10h43 + Wed 24h, Thanksgiving skipped, Fri 13h17.
    expect(utc(deadline)).toBe('2026-11-27T19:17:05.500Z');
  });

  it('names each excluded day with its reason', () => {
    const zone = 'America/New_York';
    expect(excludedDaysBetween(at('2026-11-25T10:00', zone), at('2026-11-30T10:00', zone), zone, ['2026-11-27'])).toEqual([
      { date: '2026-11-26', reason: 'Thanksgiving Day' },
      { date: '2026-11-27', reason: 'facility holiday' },
      { date: '2026-11-28', reason: 'Saturday' },
      { date: '2026-11-29', reason: 'Sunday' },
    ]);
    expect(excludedDaysBetween(at('2026-07-02T10:00', zone), at('2026-07-03T10:00', zone), zone, [])).toEqual([{ date: '2026-07-03', reason: 'Independence Day (observed)' }]);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['America/Chicago', true],
    ['Pacific/Guam', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['UTC+3', false],
    ['', false],
    ['america/chicago', true],
  ])('%s -> %s', (zone, ok) => expect(isValidTimeZone(zone)).toBe(ok));

  it('canonicalises the spelling', () => {
    expect(canonicalTimeZone('america/chicago')).toBe('America/Chicago');
    expect(canonicalTimeZone('Nowhere/Else')).toBeNull();
  });
});

describe('localIsoDate', () => {
  it('agrees with Luxon for instants around every DST change of a dozen zones, 2015-2030', () => {
    const zones = [
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Phoenix',
      'America/Los_Angeles',
      'America/Anchorage',
      'Pacific/Honolulu',
      'America/Puerto_Rico',
      'Pacific/Guam',
      'America/Havana',
      'America/Santiago',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
    ];
    for (const zone of zones) {
      for (let ms = Date.UTC(2015, 0, 1); ms < Date.UTC(2031, 0, 1); ms += 3 * 3_600_000 + 17 * 60_000) {
        const expected = DateTime.fromMillis(ms, { zone }).toISODate();
        if (localIsoDate(ms, zone) !== expected) throw new Error(`${zone} ${new Date(ms).toISOString()}: ${localIsoDate(ms, zone)} != ${expected}`);
      }
    }
  });
});

describe('holidaysOfYear: the weekdays of a year that do not count', () => {
  it("2026: the observed federal holidays (Independence Day on Friday 3 July) and the facility's own", () => {
    expect(holidaysOfYear(2026, ['2026-12-24', '2026-12-26'])).toEqual([
      { date: '2026-01-01', weekday: 'Thursday', reason: "New Year's Day" },
      { date: '2026-01-19', weekday: 'Monday', reason: 'Birthday of Martin Luther King, Jr.' },
      { date: '2026-02-16', weekday: 'Monday', reason: "Washington's Birthday" },
      { date: '2026-05-25', weekday: 'Monday', reason: 'Memorial Day' },
      { date: '2026-06-19', weekday: 'Friday', reason: 'Juneteenth National Independence Day' },
      { date: '2026-07-03', weekday: 'Friday', reason: 'Independence Day (observed)' },
      { date: '2026-09-07', weekday: 'Monday', reason: 'Labor Day' },
      { date: '2026-10-12', weekday: 'Monday', reason: 'Columbus Day' },
      { date: '2026-11-11', weekday: 'Wednesday', reason: 'Veterans Day' },
      { date: '2026-11-26', weekday: 'Thursday', reason: 'Thanksgiving Day' },
      { date: '2026-12-24', weekday: 'Thursday', reason: 'facility holiday' },
      { date: '2026-12-25', weekday: 'Friday', reason: 'Christmas Day' },
    ]); // 26 December 2026 is a Saturday: not listed
  });

  it("2021: New Year 2022 observed on Friday 31 December 2021 belongs to 2021's list", () => {
    const days = holidaysOfYear(2021, []);
    expect(days.at(-1)).toEqual({ date: '2021-12-31', weekday: 'Friday', reason: "New Year's Day (observed)" });
    expect(holidaysOfYear(2022, []).map((d) => d.date)).not.toContain('2022-01-01');
  });
});
