import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addBusinessTime, businessTimeBetween, policyDeadline, type HoldRules } from './hold-clock.js';
import { naiveBusinessDeadline, naiveBusinessMinutes } from './naive-clock.testing.js';

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'Pacific/Guam',
  'America/Indiana/Indianapolis',
  'America/Boise',
  'Pacific/Pago_Pago',
  'America/St_Thomas',
];
/**
 * Zones whose clocks change on weekdays, at local midnight (so a day starts at 01:00 or has
 * two midnights), by half an hour, or by a whole day (Apia skipped 30 December 2011): "any
 * IANA zone" is claimed, and these are where day arithmetic goes wrong.
 */
const ODD_ZONES = [
  'America/Havana',
  'America/Santiago',
  'America/Asuncion',
  'Asia/Gaza',
  'Asia/Beirut',
  'Africa/Cairo',
  'Asia/Tehran',
  'Australia/Lord_Howe',
  'Pacific/Apia',
  'Pacific/Chatham',
  'America/St_Johns',
  'America/Scoresbysund',
];
const MINUTE = 60_000;
const FROM = Date.UTC(2014, 0, 1) / MINUTE;
const TO = Date.UTC(2032, 0, 1) / MINUTE;

const wholeMinute = fc.integer({ min: FROM, max: TO }).map((m) => m * MINUTE);
const zone = fc.constantFrom(...ZONES);
const extraHolidays = fc.array(
  fc.integer({ min: 0, max: 6574 }).map((d) => new Date(Date.UTC(2014, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
  { maxLength: 3 },
);

describe('hold clock against a naive minute-by-minute implementation', () => {
  it('business-hours deadlines agree to the millisecond (random starts, dozen US zones)', () => {
    fc.assert(
      fc.property(wholeMinute, zone, fc.integer({ min: 0, max: 96 }), (start, tz, hours) => {
        expect(addBusinessTime(start, hours * 3_600_000, tz, [])).toBe(naiveBusinessDeadline(start, hours, tz));
      }),
      { numRuns: 3000 },
    );
  });

  it('deadlines agree with facility extra holidays near the start', () => {
    fc.assert(
      fc.property(wholeMinute, zone, fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }), (start, tz, offsets) => {
        const extra = offsets.map((o) => new Date(start + o * 86_400_000).toISOString().slice(0, 10));
        const rules: HoldRules = { timeZone: tz, policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: extra, requireJudicialWarrant: false };
        expect(policyDeadline(start, rules, 'I-247A', 'none')).toBe(naiveBusinessDeadline(start, 48, tz, extra));
      }),
      { numRuns: 1500 },
    );
  });

  it('counted time between two instants agrees', () => {
    fc.assert(
      fc.property(wholeMinute, fc.integer({ min: 0, max: 14 * 24 * 60 }), zone, extraHolidays, (start, minutes, tz, extra) => {
        const end = start + minutes * MINUTE;
        expect(businessTimeBetween(start, end, tz, extra)).toBe(naiveBusinessMinutes(start, end, tz, extra) * MINUTE);
      }),
      { numRuns: 1500 },
    );
  });

  it('the deadline is the first instant at which exactly holdHours have been counted, at any millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2014, 0, 1), max: Date.UTC(2032, 0, 1) }), zone, (start, tz) => {
        const deadline = addBusinessTime(start, 48 * 3_600_000, tz, []);
        expect(businessTimeBetween(start, deadline, tz, [])).toBe(48 * 3_600_000);
        expect(businessTimeBetween(start, deadline - 1, tz, [])).toBe(48 * 3_600_000 - 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a later start never gives an earlier deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2014, 0, 1), max: Date.UTC(2032, 0, 1) }), fc.integer({ min: 0, max: 10 * 86_400_000 }), zone, (a, delta, tz) => {
        expect(addBusinessTime(a + delta, 48 * 3_600_000, tz, [])).toBeGreaterThanOrEqual(addBusinessTime(a, 48 * 3_600_000, tz, []));
      }),
      { numRuns: 1000 },
    );
  });

  it('counted time over years (whole years remembered) is the sum of its parts under 400 days (each walked day by day, checked above)', () => {
    const longSpan = fc.record({
      start: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
      cuts: fc.array(fc.integer({ min: 1, max: 399 * 86_400_000 }), { minLength: 2, maxLength: 25 }),
      tz: fc.constantFrom(...ZONES, ...ODD_ZONES),
      extra: fc.array(
        fc.integer({ min: 0, max: 50 * 366 }).map((d) => new Date(Date.UTC(1990, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)),
        { maxLength: 20 },
      ),
    });
    fc.assert(
      fc.property(longSpan, ({ start, cuts, tz, extra }) => {
        let sum = 0;
        let at = start;
        for (const piece of cuts) {
          sum += businessTimeBetween(at, at + piece, tz, extra);
          at += piece;
        }
        expect(businessTimeBetween(start, at, tz, extra)).toBe(sum);
      }),
      { numRuns: 150 },
    );
  });

  it('deadlines and counted time agree in zones with weekday, midnight and half-hour clock changes', () => {
    const since2008 = fc.integer({ min: Date.UTC(2008, 0, 1) / MINUTE, max: TO }).map((m) => m * MINUTE);
    fc.assert(
      fc.property(since2008, fc.constantFrom(...ODD_ZONES), fc.integer({ min: 0, max: 96 }), fc.integer({ min: 0, max: 14 * 24 * 60 }), (start, tz, hours, minutes) => {
        expect(addBusinessTime(start, hours * 3_600_000, tz, [])).toBe(naiveBusinessDeadline(start, hours, tz));
        expect(businessTimeBetween(start, start + minutes * MINUTE, tz, [])).toBe(naiveBusinessMinutes(start, start + minutes * MINUTE, tz) * MINUTE);
      }),
      { numRuns: 1500 },
    );
  });
});
