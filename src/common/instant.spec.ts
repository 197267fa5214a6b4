import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { canonicalUtc, isoLocal, isoUtcMs, parseInstant } from './instant.js';

describe('parseInstant', () => {
  it.each([
    ['2026-11-05T15:00:00-05:00', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T15:00-05:00', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T15:00:00.1Z', '2026-11-05T15:00:00.100Z'],
    ['2026-11-05T15:00:00.123456789+00:00', '2026-11-05T15:00:00.123Z'],
    ['2026-11-05T15:00:00+0530', '2026-11-05T09:30:00.000Z'],
    ['2026-11-05T15:00:00+10', '2026-11-05T05:00:00.000Z'],
    ['2024-02-29T00:00:00z', '2024-02-29T00:00:00.000Z'],
  ])('%s -> %s', (input, expected) => expect(new Date(parseInstant(input)!).toISOString()).toBe(expected));

  it.each([
    '2026-11-05T15:00:00',
    '2026-11-05',
    '2026-11-05 15:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2026-11-05T24:00:00Z',
    '2026-11-05T23:60:00Z',
    '2026-11-05T23:00:60Z',
    '2026-11-05T15:00:00+19:00',
    '1899-12-31T23:59:59Z',
    '2200-01-01T00:00:00Z',
    'tomorrow',
    '',
    '2026-11-05T15:00:00.Z',
    ' 2026-11-05T15:00:00Z',
    // Date.UTC reads years 0-99 as 1900-1999: these were taken for 1901-01-02 and 1926-11-05.
    '0001-01-02T00:00:00Z',
    '0026-11-05T15:00:00-05:00',
    '0099-12-31T23:59:59Z',
  ])('refuses %s', (input) => expect(parseInstant(input)).toBeNull());

  it('agrees with Luxon on random instants and offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }), fc.integer({ min: -14 * 4, max: 14 * 4 }), (ms, quarterHours) => {
        const text = DateTime.fromMillis(ms, {
          zone: `UTC${quarterHours >= 0 ? '+' : '-'}${Math.floor(Math.abs(quarterHours) / 4)}:${String((Math.abs(quarterHours) % 4) * 15).padStart(2, '0')}`,
        }).toISO()!;
        expect(parseInstant(text)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isoUtcMs', () => {
  it('writes exactly what Date.toISOString writes, from year -9999 to 99999', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(-9999, 0, 1), max: Date.UTC(99999, 0, 1) }), (ms) => expect(isoUtcMs(ms)).toBe(new Date(ms).toISOString())),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => expect(isoUtcMs(ms)).toBe(new Date(ms).toISOString())),
      { numRuns: 20_000 },
    );
  });

  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [Date.UTC(2000, 1, 29, 23, 59, 59, 5), '2000-02-29T23:59:59.005Z'],
    [Date.UTC(1000, 0, 1), '1000-01-01T00:00:00.000Z'],
    [Date.UTC(999, 11, 31, 23, 59, 59, 999), '0999-12-31T23:59:59.999Z'],
    [Date.UTC(9999, 11, 31, 23, 59, 59, 999), '9999-12-31T23:59:59.999Z'],
    [Date.UTC(10000, 0, 1), '+010000-01-01T00:00:00.000Z'],
  ])('%p -> %s', (ms, text) => expect(isoUtcMs(ms)).toBe(text));

  it('drops a fraction of a millisecond, as Date does', () => {
    for (const ms of [1.7, -1.7, 1_780_000_000_000.5, -0.5]) expect(isoUtcMs(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws on an invalid time, as Date does', () => expect(() => isoUtcMs(NaN)).toThrow(RangeError));
});

describe('parseInstant, asked twice', () => {
  it('answers the same for the same text, after any other text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('2026-11-05T15:00:00-05:00', '2026-11-05T15:00:00Z', 'nonsense', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z')), (texts) => {
        const expected: Record<string, number | null> = {
          '2026-11-05T15:00:00-05:00': Date.UTC(2026, 10, 5, 20),
          '2026-11-05T15:00:00Z': Date.UTC(2026, 10, 5, 15),
          '2024-02-29T00:00:00Z': Date.UTC(2024, 1, 29),
          nonsense: null,
          '2026-02-29T00:00:00Z': null,
        };
        for (const t of texts) expect(parseInstant(t)).toBe(expected[t]);
      }),
    );
  });
});

describe('canonicalUtc', () => {
  it.each([
    ['2026-11-05T20:00:00.000Z', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T15:00:00-05:00', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05t20:00:00.000z', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T20:00:00.0001Z', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T20:00:00Z', '2026-11-05T20:00:00.000Z'],
    ['2026-11-05T20:00Z', '2026-11-05T20:00:00.000Z'],
  ])('%s -> %s', (sent, expected) => expect(canonicalUtc(sent, parseInstant(sent)!)).toBe(expected));

  it('is what Date writes, for instants sent in every form', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }), fc.constantFrom('UTC', 'UTC+5:30', 'UTC-8'), fc.boolean(), (ms, zone, fraction) => {
        const text = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: !fraction })!.replace('+00:00', 'Z');
        const parsed = parseInstant(text)!;
        expect(canonicalUtc(text, parsed)).toBe(new Date(parsed).toISOString());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isoLocal', () => {
  const zones = Intl.supportedValuesOf('timeZone');

  it("writes exactly what Luxon's toISO writes, in every zone, across DST changes and odd historic offsets", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2199, 11, 31) }), fc.constantFrom(...zones, 'UTC'), (ms, zone) => {
        expect(isoLocal(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).toISO());
      }),
      { numRuns: 20_000 },
    );
  });

  it('at the minutes around DST changes', () => {
    // US 2026: spring forward 8 March 07:00/08:00 UTC (Chicago/New York), fall back 1 November.
    for (const zone of ['America/Chicago', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/Dublin']) {
      for (const day of [Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1), Date.UTC(2026, 3, 5), Date.UTC(2026, 9, 4), Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25)]) {
        for (let ms = day; ms < day + 24 * 3_600_000; ms += 60_000 - 1) expect([zone, ms, isoLocal(ms, zone)]).toEqual([zone, ms, DateTime.fromMillis(ms, { zone }).toISO()]);
      }
    }
  });

  it('keeps null and takes Dates', () => {
    expect(isoLocal(null, 'America/Chicago')).toBeNull();
    expect(isoLocal(new Date('2026-11-09T21:00:00Z'), 'America/Chicago')).toBe('2026-11-09T15:00:00.000-06:00');
  });
});
