import { describe, expect, it } from '@jest/globals';
import { jobState } from './alert-scheduler.service.js';

describe('jobState: when a timed job counts as late', () => {
  const MIN = 60_000;
  it.each([
    ['off when not run here', 0, 10 * MIN, 'off'],
    ['a minute sweep: on time two minutes after its last success', MIN, 2 * MIN, 'ok'],
    ['a minute sweep: late a millisecond after that', MIN, 2 * MIN + 1, 'late'],
    ['a 5-second job: still two minutes, not ten seconds', 5_000, 2 * MIN, 'ok'],
    ['a 5-second job: late after two minutes', 5_000, 2 * MIN + 1, 'late'],
    ['an hourly job: two intervals', 60 * MIN, 120 * MIN, 'ok'],
    ['an hourly job: late after two intervals', 60 * MIN, 120 * MIN + 1, 'late'],
  ] as const)('%s', (_what, interval, elapsed, expected) => {
    const since = Date.parse('2026-11-24T12:00:00Z');
    expect(jobState(since + elapsed, interval, since)).toBe(expected);
  });
});
