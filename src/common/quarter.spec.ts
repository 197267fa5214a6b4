import { describe, expect, it } from '@jest/globals';
import { nextQuarter, parseQuarter, previousQuarter, quarterLabel, quarterStartDate } from './quarter.js';

describe('quarters', () => {
  it('parses YYYY-Qn and nothing else', () => {
    expect(parseQuarter('2025-Q1')).toEqual({ year: 2025, q: 1 });
    for (const bad of ['2025-Q5', '2025-Q0', '2025Q1', '2025-q1', '25-Q1', '1989-Q4', '']) expect(parseQuarter(bad)).toBeNull();
  });
  it('steps across years, and starts on the first local day', () => {
    expect(quarterLabel(previousQuarter({ year: 2025, q: 1 }))).toBe('2024-Q4');
    expect(quarterLabel(nextQuarter({ year: 2024, q: 4 }))).toBe('2025-Q1');
    expect(quarterStartDate({ year: 2025, q: 4 })).toBe('2025-10-01');
  });
});
