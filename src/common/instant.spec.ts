import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { parseInstant } from './instant.js';

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
    '2026-11-05T15:00:00', '2026-11-05', '2026-11-05 15:00:00Z', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-31T00:00:00Z',
    '2026-11-05T24:00:00Z', '2026-11-05T23:60:00Z', '2026-11-05T23:00:60Z', '2026-11-05T15:00:00+19:00', '1899-12-31T23:59:59Z',
    '2200-01-01T00:00:00Z', 'tomorrow', '', '2026-11-05T15:00:00.Z', ' 2026-11-05T15:00:00Z',
  ])('refuses %s', (input) => expect(parseInstant(input)).toBeNull());

  it('agrees with Luxon on random instants and offsets', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }), fc.integer({ min: -14 * 4, max: 14 * 4 }), (ms, quarterHours) => {
        const text = DateTime.fromMillis(ms, { zone: `UTC${quarterHours >= 0 ? '+' : '-'}${Math.floor(Math.abs(quarterHours) / 4)}:${String((Math.abs(quarterHours) % 4) * 15).padStart(2, '0')}` }).toISO()!;
        expect(parseInstant(text)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });
});
