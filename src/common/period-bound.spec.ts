import { describe, expect, it } from '@jest/globals';
import { boundAt, boundSql, boundText, parseBound, periodError } from './period-bound.js';

describe('period bounds: a local date or an instant', () => {
  it.each([
    ['2026-11-01', { date: '2026-11-01' }],
    ['2024-02-29', { date: '2024-02-29' }],
    ['2026-11-01T06:00:00Z', { instant: new Date('2026-11-01T06:00:00.000Z') }],
    ['2026-11-01T00:00:00-06:00', { instant: new Date('2026-11-01T06:00:00.000Z') }],
    ['2026-11-31', null],
    ['2025-02-29', null],
    ['2026-11-01T00:00:00', null],
    ['1899-12-31', null],
    ['2026-1-1', null],
    ['', null],
  ])('%s', (text, bound) => expect(parseBound(text)).toEqual(bound));

  it('is midnight in each zone for a date, the same instant everywhere otherwise', () => {
    expect(boundAt({ date: '2026-11-01' }, 'America/Chicago').toISO()).toBe('2026-11-01T00:00:00.000-05:00');
    expect(boundAt({ date: '2026-11-01' }, 'Pacific/Honolulu').toISO()).toBe('2026-11-01T00:00:00.000-10:00');
    expect(boundAt({ instant: new Date('2026-11-01T06:00:00Z') }, 'America/Chicago').toISO()).toBe('2026-11-01T01:00:00.000-05:00');
    expect(boundText({ date: '2026-11-01' })).toBe('2026-11-01');
    expect(boundText({ instant: new Date('2026-11-01T06:00:00Z') })).toBe('2026-11-01T06:00:00.000Z');
  });

  it('writes SQL with its value as a parameter', () => {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    expect(boundSql({ date: '2026-11-01' }, p, 'f.time_zone')).toBe('($1::date::timestamp AT TIME ZONE f.time_zone)');
    expect(boundSql({ instant: new Date(0) }, p, 'f.time_zone')).toBe('$2::timestamptz');
    expect(params).toEqual(['2026-11-01', new Date(0)]);
  });

  it('a period runs forward, both ends of one kind', () => {
    const d = (date: string) => ({ date });
    const i = (iso: string) => ({ instant: new Date(iso) });
    expect(periodError(d('2026-11-01'), d('2026-12-01'))).toBeNull();
    expect(periodError(d('2026-11-01'), d('2026-11-01'))).toBe('must be after from');
    expect(periodError(i('2026-11-01T00:00:00Z'), i('2026-11-01T00:00:00.001Z'))).toBeNull();
    expect(periodError(i('2026-11-01T00:00:00Z'), i('2026-11-01T00:00:00Z'))).toBe('must be after from');
    expect(periodError(d('2026-11-01'), i('2026-12-01T00:00:00Z'))).toBe('must be of the same kind as from: both dates or both instants');
    expect(periodError(undefined, d('2026-12-01'))).toBeNull();
  });
});
