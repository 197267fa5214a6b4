import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { countedSoFar, deriveHold, rulesInForce, statusAt, type BookingFacts, type DetainerFacts } from './derive-hold.js';
import type { HoldRules } from './hold-clock.js';

const ZONE = 'America/New_York';
const t = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const federal: HoldRules = { timeZone: ZONE, policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false };
const rulesAt = () => federal;
const booking = (over: Partial<BookingFacts> = {}): BookingFacts => ({ releaseEligibleAt: null, custodyEndedAt: null, custodyEndKind: null, ...over });
const detainer = (over: Partial<DetainerFacts> = {}): DetainerFacts => ({ lodgedAt: t('2026-11-02T09:00'), cancelledAt: null, form: 'I-247A', warrant: 'none', ...over });

function view(b: BookingFacts, d: DetainerFacts) {
  const h = deriveHold(b, d, rulesAt);
  return { phase: h.phase, clockStartedAt: iso(h.clockStartedAt), deadlineAt: iso(h.deadlineAt), endedAt: iso(h.endedAt), outcome: h.outcome, compliant: h.compliant, overageMs: h.overageMs };
}

describe('deriveHold', () => {
  it('is pending until the person is release-eligible', () => {
    expect(view(booking(), detainer())).toEqual({ phase: 'pending', clockStartedAt: null, deadlineAt: null, endedAt: null, outcome: null, compliant: null, overageMs: null });
  });

  it('runs from the release-eligible instant', () => {
    expect(view(booking({ releaseEligibleAt: t('2026-11-05T15:00') }), detainer())).toEqual({
      phase: 'open',
      clockStartedAt: '2026-11-05T20:00:00.000Z',
      deadlineAt: '2026-11-09T20:00:00.000Z',
      endedAt: null,
      outcome: null,
      compliant: null,
      overageMs: null,
    });
  });

  it('starts at release-eligibility even when the detainer arrives later, while in custody', () => {
    const h = view(booking({ releaseEligibleAt: t('2026-11-05T15:00') }), detainer({ lodgedAt: t('2026-11-06T08:00') }));
    expect(h.clockStartedAt).toBe('2026-11-05T20:00:00.000Z');
    expect(h.deadlineAt).toBe('2026-11-09T20:00:00.000Z');
  });

  it('transfer to ICE before the deadline is compliant', () => {
    expect(view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-09T14:00'), custodyEndKind: 'transferred' }), detainer())).toEqual({
      phase: 'closed',
      clockStartedAt: '2026-11-05T20:00:00.000Z',
      deadlineAt: '2026-11-09T20:00:00.000Z',
      endedAt: '2026-11-09T19:00:00.000Z',
      outcome: 'transferred',
      compliant: true,
      overageMs: 0,
    });
  });

  it('release exactly at the deadline is compliant; one millisecond later is not', () => {
    const at = view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-09T15:00'), custodyEndKind: 'released' }), detainer());
    expect([at.compliant, at.overageMs]).toEqual([true, 0]);
    const late = view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-09T15:00:00.001'), custodyEndKind: 'released' }), detainer());
    expect([late.compliant, late.overageMs, late.outcome]).toEqual([false, 1, 'released']);
  });

  it('a cancellation while running moves the deadline to the cancellation instant', () => {
    const running = view(booking({ releaseEligibleAt: t('2026-11-05T15:00') }), detainer({ cancelledAt: t('2026-11-06T10:00') }));
    expect([running.phase, running.deadlineAt]).toEqual(['open', '2026-11-06T15:00:00.000Z']);
    const closed = view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-06T12:00'), custodyEndKind: 'released' }), detainer({ cancelledAt: t('2026-11-06T10:00') }));
    expect(closed).toEqual({
      phase: 'closed',
      clockStartedAt: '2026-11-05T20:00:00.000Z',
      deadlineAt: '2026-11-06T15:00:00.000Z',
      endedAt: '2026-11-06T17:00:00.000Z',
      outcome: 'cancelled',
      compliant: false,
      overageMs: 2 * 3_600_000,
    });
  });

  it('a cancellation after the policy deadline keeps the policy deadline', () => {
    const h = view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-10T15:00'), custodyEndKind: 'released' }), detainer({ cancelledAt: t('2026-11-10T09:00') }));
    expect([h.deadlineAt, h.outcome, h.compliant, h.overageMs]).toEqual(['2026-11-09T20:00:00.000Z', 'cancelled', false, 24 * 3_600_000]);
  });

  it('a detainer cancelled before the clock would start never held anyone', () => {
    expect(view(booking({ releaseEligibleAt: t('2026-11-05T15:00') }), detainer({ cancelledAt: t('2026-11-04T10:00') }))).toEqual({
      phase: 'closed',
      clockStartedAt: null,
      deadlineAt: null,
      endedAt: '2026-11-04T15:00:00.000Z',
      outcome: 'cancelled',
      compliant: true,
      overageMs: 0,
    });
    expect(view(booking(), detainer({ cancelledAt: t('2026-11-04T10:00') })).outcome).toBe('cancelled');
  });

  it('a booking that left custody before the clock would start never held anyone', () => {
    expect(view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-05T11:00'), custodyEndKind: 'released' }), detainer())).toEqual({
      phase: 'closed',
      clockStartedAt: null,
      deadlineAt: null,
      endedAt: '2026-11-05T16:00:00.000Z',
      outcome: 'released',
      compliant: true,
      overageMs: 0,
    });
    expect(view(booking({ custodyEndedAt: t('2026-11-05T11:00'), custodyEndKind: 'transferred' }), detainer()).outcome).toBe('transferred');
  });

  it('a detainer lodged after the person left never held anyone', () => {
    const h = view(booking({ releaseEligibleAt: t('2026-11-05T15:00'), custodyEndedAt: t('2026-11-05T16:00'), custodyEndKind: 'released' }), detainer({ lodgedAt: t('2026-11-06T09:00') }));
    expect([h.phase, h.clockStartedAt, h.compliant, h.overageMs]).toEqual(['closed', null, true, 0]);
  });

  it('judges the hold by the rules in force at clockStartedAt', () => {
    const versions = [
      { effectiveFrom: null, rules: federal },
      { effectiveFrom: t('2026-11-05T00:00'), rules: { ...federal, policy: 'no-hold' as const } },
    ];
    const before = deriveHold(booking({ releaseEligibleAt: t('2026-11-04T15:00') }), detainer(), (ms) => rulesInForce(versions, ms).rules);
    const after = deriveHold(booking({ releaseEligibleAt: t('2026-11-05T15:00') }), detainer(), (ms) => rulesInForce(versions, ms).rules);
    expect([before.rules.policy, iso(before.deadlineAt)]).toEqual(['federal-48-business-hours', '2026-11-06T20:00:00.000Z']);
    expect([after.rules.policy, iso(after.deadlineAt)]).toEqual(['no-hold', '2026-11-05T20:00:00.000Z']);
  });
});

describe('statusAt and countedSoFar', () => {
  it('turns running into overdue one millisecond after the deadline', () => {
    const d = t('2026-11-09T15:00');
    const start = d - 48 * 3_600_000;
    expect(statusAt('open', start, d, d)).toBe('running');
    expect(statusAt('open', start, d, d + 1)).toBe('overdue');
    expect(statusAt('pending', null, null, d)).toBe('pending');
    expect(statusAt('closed', start, d, d + 1)).toBe('closed');
  });

  it('is pending, with its deadline known, while the release-eligible instant is still ahead', () => {
    const start = t('2026-11-26T10:00');
    const deadline = t('2026-12-01T00:00');
    expect(statusAt('open', start, deadline, start - 1)).toBe('pending');
    expect(statusAt('open', start, deadline, start)).toBe('running');
    // No-hold: the deadline is the start itself, so it goes from pending to running to overdue in a millisecond.
    expect([start - 1, start, start + 1].map((now) => statusAt('open', start, start, now))).toEqual(['pending', 'running', 'overdue']);
  });

  it('counts business time up to now, or up to the end of a closed hold', () => {
    const start = t('2026-11-05T15:00');
    expect(countedSoFar({ clockStartedAt: start, endedAt: null, rules: federal }, t('2026-11-07T12:00'))).toBe(33 * 3_600_000);
    expect(countedSoFar({ clockStartedAt: start, endedAt: t('2026-11-05T16:00'), rules: federal }, t('2026-11-07T12:00'))).toBe(3_600_000);
    expect(countedSoFar({ clockStartedAt: null, endedAt: null, rules: federal }, start)).toBe(0);
  });
});
