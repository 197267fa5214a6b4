import { describe, expect, it } from '@jest/globals';
import type { JmsEvent } from '../events/event.schema.js';
import { addFact, emptyFacts } from './custody-facts.js';
import { ANOMALY_CODES, custodyStatusAt, judgeCustody, VIOLATION_REASONS } from './judge.js';
import { at, facts, rules, since } from './story.testing.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const A = { detainerId: 'A', form: 'I-247A' };
const N = { detainerId: 'N', form: 'I-247N' };
/** Detainer A as first lodged on an I-247N. */
const N_AS_A = { detainerId: 'A', form: 'I-247N' };

describe("the design note's worked examples (New York, federal-48-business-hours)", () => {
  it('1. an I-247N beside a valid I-247A: the I-247A covers the custody, compliant, nothing unauthorised', () => {
    const j = judgeCustody(
      facts(NY, [
        ['detainer.lodged', '2025-03-04T09:00', A],
        ['detainer.lodged', '2025-03-04T09:30', N],
        ['booking.release_eligible', '2025-03-05T14:00'],
        ['booking.released', '2025-03-07T10:00'],
      ]),
      since(rules(NY)),
    );
    expect(j.compliant).toBe(true);
    expect(j.overageMs).toBe(0);
    expect(j.violations).toEqual([]);
    const [a, n] = j.detainers;
    expect([a.detainerId, a.authority, iso(a.authorizedFrom), iso(a.deadlineAt)]).toEqual(['A', 'hold', '2025-03-05T19:00:00.000Z', '2025-03-07T19:00:00.000Z']);
    expect([n.detainerId, n.authority, n.reasons, n.windows, n.authorizedFrom, iso(n.deadlineAt)]).toEqual(['N', 'notify_only', ['notify_only_form'], [], null, '2025-03-05T19:00:00.000Z']);
  });

  it('1b. the I-247A cancelled Thursday 10:00, released 12:00: one violation, cancelled, 7200 s', () => {
    const j = judgeCustody(
      facts(NY, [
        ['detainer.lodged', '2025-03-04T09:00', A],
        ['detainer.lodged', '2025-03-04T09:30', N],
        ['booking.release_eligible', '2025-03-05T14:00'],
        ['detainer.cancelled', '2025-03-06T10:00', { detainerId: 'A' }],
        ['booking.released', '2025-03-06T12:00'],
      ]),
      since(rules(NY)),
    );
    expect(j.violations.map((v) => [iso(v.from), iso(v.until), v.reason])).toEqual([['2025-03-06T15:00:00.000Z', '2025-03-06T17:00:00.000Z', 'cancelled']]);
    expect([j.compliant, j.overageMs, j.unauthorizedMs]).toEqual([false, 7_200_000, 7_200_000]);
    expect(iso(j.detainers[0].deadlineAt)).toBe('2025-03-06T15:00:00.000Z');
  });

  it('2. a detainer lodged eight hours after eligibility: no_detainer for those hours, 28800 s; window Tue 18:00 to Thu 10:00', () => {
    const j = judgeCustody(
      facts(NY, [
        ['booking.release_eligible', '2025-04-08T10:00'],
        ['detainer.lodged', '2025-04-08T18:00', A],
        ['booking.released', '2025-04-10T09:00'],
      ]),
      since(rules(NY)),
    );
    expect(j.violations.map((v) => [iso(v.from), iso(v.until), v.reason])).toEqual([['2025-04-08T14:00:00.000Z', '2025-04-08T22:00:00.000Z', 'no_detainer']]);
    expect(j.overageMs).toBe(28_800_000);
    expect([iso(j.detainers[0].authorizedFrom), iso(j.detainers[0].deadlineAt)]).toEqual(['2025-04-08T22:00:00.000Z', '2025-04-10T14:00:00.000Z']);
  });

  it('3. Chicago adopts no-hold on 1 January: the window ends at 00:00 (rules_changed), 33 h unauthorised', () => {
    const versions = [
      { effectiveFrom: null, rules: rules(CHI) },
      { effectiveFrom: at('2025-01-01T00:00', CHI), rules: rules(CHI, { policy: 'no-hold' }) },
    ];
    const story = [
      ['detainer.lodged', '2024-12-27T09:00', A],
      ['booking.release_eligible', '2024-12-30T10:00'],
    ] as Array<[string, string, Record<string, unknown>?]>;
    const closed = judgeCustody(facts(CHI, [...story, ['booking.released', '2025-01-02T09:00']]), versions);
    expect(closed.violations.map((v) => [iso(v.from), iso(v.until), v.reason])).toEqual([['2025-01-01T06:00:00.000Z', '2025-01-02T15:00:00.000Z', 'rules_changed']]);
    expect(closed.overageMs).toBe(118_800_000);
    expect(closed.detainers[0].windows.map((w) => [iso(w.until), w.endedBy])).toEqual([['2025-01-01T06:00:00.000Z', 'rules_changed']]);
    // Still held: overdue from 00:00 on 1 January.
    const open = judgeCustody(facts(CHI, story), versions);
    expect([open.phase, iso(open.dueAt), iso(open.authorizedUntil)]).toEqual(['open', '2025-01-01T06:00:00.000Z', '2025-01-01T06:00:00.000Z']);
    expect(custodyStatusAt(open.phase, open.activeFrom, open.dueAt, at('2024-12-31T23:59', CHI))).toBe('running');
    expect(custodyStatusAt(open.phase, open.activeFrom, open.dueAt, at('2025-01-01T00:00:00.001', CHI))).toBe('overdue');
    expect(open.violations).toEqual([{ from: at('2025-01-01T00:00', CHI), until: null, reason: 'rules_changed' }]);
  });

  it('4. bail, a new warrant, bail again: 23 + 23 counted hours of 48, compliant; the second window ends Friday 11:00', () => {
    const j = judgeCustody(
      facts(NY, [
        ['detainer.lodged', '2025-02-07T09:00', A],
        ['booking.release_eligible', '2025-02-10T10:00'],
        ['booking.eligibility_ended', '2025-02-11T09:00', { reason: 'warrant' }],
        ['booking.release_eligible', '2025-02-13T10:00'],
        ['booking.released', '2025-02-14T09:00'],
      ]),
      since(rules(NY)),
    );
    expect([j.compliant, j.overageMs]).toEqual([true, 0]);
    expect(j.eligibility.map((p) => [iso(p.from), iso(p.until), p.endedBy])).toEqual([
      ['2025-02-10T15:00:00.000Z', '2025-02-11T14:00:00.000Z', 'warrant'],
      ['2025-02-13T15:00:00.000Z', '2025-02-14T14:00:00.000Z', 'released'],
    ]);
    expect(iso(j.detainers[0].deadlineAt)).toBe('2025-02-14T16:00:00.000Z');
    expect(j.detainers[0].limitUsedMs).toBe(46 * 3_600_000);
  });

  it('5. no-hold with 60 minutes of release processing: 45 minutes is compliant; 90 minutes is 1800 s unauthorised and 3600 s processing', () => {
    const r = since(rules(NY, { policy: 'no-hold', releaseProcessingMinutes: 60 }));
    const story = (released: string) =>
      facts(NY, [
        ['detainer.lodged', '2025-06-02T08:00', A],
        ['booking.release_eligible', '2025-06-03T10:00'],
        ['booking.released', released],
      ]);
    const quick = judgeCustody(story('2025-06-03T10:45'), r);
    expect([quick.compliant, quick.unauthorizedMs, quick.processingMs]).toEqual([true, 0, 2_700_000]);
    const slow = judgeCustody(story('2025-06-03T11:30'), r);
    expect([slow.compliant, slow.unauthorizedMs, slow.processingMs]).toEqual([false, 1_800_000, 3_600_000]);
    expect(slow.violations.map((v) => [iso(v.from), iso(v.until), v.reason])).toEqual([['2025-06-03T15:00:00.000Z', '2025-06-03T15:30:00.000Z', 'not_authorized']]);
  });

  it('6. two custody ends: the latest counts, 82800 s unauthorised, anomaly several_custody_ends', () => {
    const j = judgeCustody(
      facts(NY, [
        ['detainer.lodged', '2025-05-05T09:00', A],
        ['booking.release_eligible', '2025-05-06T10:00'],
        ['booking.released', '2025-05-06T11:00'],
        ['booking.released', '2025-05-09T09:00'],
      ]),
      since(rules(NY)),
    );
    expect([j.overageMs, iso(j.endedAt)]).toEqual([82_800_000, '2025-05-09T13:00:00.000Z']);
    expect(j.violations.map((v) => v.reason)).toEqual(['limit_reached']);
    expect(j.anomalies.map((a) => [a.code, a.eventIds])).toEqual([['several_custody_ends', ['e3', 'e4']]]);
  });
});

describe('found by the property tests (judge.property.spec.ts)', () => {
  it('a period in which a detainer could not hold spends none of its limit, also when it is cancelled after that period', () => {
    // I-247N through the first period, re-lodged as I-247A between the periods, cancelled after the release.
    const j = judgeCustody(
      facts(NY, [
        ['detainer.lodged', '2025-03-03T09:00', N_AS_A],
        ['booking.release_eligible', '2025-03-03T10:00'],
        ['booking.eligibility_ended', '2025-03-04T10:00', { reason: 'new_charge' }],
        ['detainer.lodged', '2025-03-04T12:00', A],
        ['booking.release_eligible', '2025-03-05T10:00'],
        ['booking.released', '2025-03-07T10:00'],
        ['detainer.cancelled', '2025-03-07T12:00', { detainerId: 'A' }],
      ]),
      since(rules(NY)),
    );
    // Before: the first period counted 24 h of the limit (the form read at the cancellation), the window ended Thursday 10:00.
    expect(j.violations.map((v) => [iso(v.from), iso(v.until), v.reason])).toEqual([['2025-03-03T15:00:00.000Z', '2025-03-04T15:00:00.000Z', 'not_authorized']]);
    expect(j.unauthorizedMs).toBe(86_400_000);
    expect(j.detainers[0].limitUsedMs).toBe(48 * 3_600_000);
    expect(iso(j.detainers[0].deadlineAt)).toBe('2025-03-07T15:00:00.000Z');
  });

  it('the order events arrive in does not change the order of the anomalies', () => {
    const steps: Array<[string, string, Record<string, unknown>]> = [
      ['detainer.lodged', '2025-03-03T09:00', { detainerId: 'D', form: 'I-247D' }],
      ['detainer.amended', '2025-03-03T11:00', { detainerId: 'D', form: 'I-247D', warrant: 'administrative' }],
      ['detainer.cancelled', '2025-03-03T12:00', { detainerId: 'X' }],
      ['detainer.amended', '2025-03-03T13:00', { detainerId: 'X', form: 'I-247A' }],
    ];
    const inOrder = facts(NY, steps);
    const reversed = emptyFacts();
    for (const [i, [type, local, fields]] of [...steps.entries()].reverse()) {
      const t = at(local, NY);
      addFact(reversed, { eventId: `e${i + 1}`, type, occurredAt: new Date(t).toISOString(), facilityId: 'f', bookingId: 'b', ...fields } as unknown as JmsEvent, t, t);
    }
    const want = judgeCustody(inOrder, since(rules(NY)));
    expect(want.anomalies.map((a) => [a.code, a.eventIds])).toEqual([
      ['form_outside_its_years', ['e1']],
      ['form_outside_its_years', ['e2']],
      ['detainer_never_lodged', ['e3', 'e4']],
    ]);
    expect(judgeCustody(reversed, since(rules(NY)))).toEqual(want);
  });
});

describe('custody stories: every violation reason and every anomaly (New York, April 2025: no holiday, EDT = UTC-4)', () => {
  type Steps = Array<[string, string, Record<string, unknown>?]>;
  const stretches = (j: ReturnType<typeof judgeCustody>) => j.violations.map((v) => [iso(v.from), iso(v.until), v.reason, v.until === null ? null : (v.until - v.from) / 1000]);
  const seen = { reasons: new Set<string>(), anomalies: new Set<string>() };
  const judge = (steps: Steps, versions = since(rules(NY))) => {
    const j = judgeCustody(facts(NY, steps), versions);
    j.violations.forEach((v) => seen.reasons.add(v.reason));
    j.anomalies.forEach((a) => seen.anomalies.add(a.code));
    return j;
  };

  it('no_detainer until an I-247N arrives, not_authorized from then: 7200 + 3600 s', () => {
    const j = judge([
      ['booking.release_eligible', '2025-04-07T10:00'],
      ['detainer.lodged', '2025-04-07T12:00', N],
      ['booking.released', '2025-04-07T13:00'],
    ]);
    expect(stretches(j)).toEqual([
      ['2025-04-07T14:00:00.000Z', '2025-04-07T16:00:00.000Z', 'no_detainer', 7200],
      ['2025-04-07T16:00:00.000Z', '2025-04-07T17:00:00.000Z', 'not_authorized', 3600],
    ]);
    expect([j.compliant, j.overageMs, j.authorizedMs]).toEqual([false, 10_800_000, 0]);
  });

  it('a facility requiring a judicial warrant: an administrative warrant authorises nothing (not_authorized, 18000 s); re-lodged with a judicial one, authority from the re-lodging on, its limit counted from the period start', () => {
    const j = judge(
      [
        ['detainer.lodged', '2025-04-07T09:00', { ...A, warrant: 'administrative' }],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['detainer.lodged', '2025-04-07T15:00', { ...A, warrant: 'judicial' }],
        ['booking.released', '2025-04-09T09:00'],
      ],
      since(rules(NY, { requireJudicialWarrant: true })),
    );
    expect(stretches(j)).toEqual([['2025-04-07T14:00:00.000Z', '2025-04-07T19:00:00.000Z', 'not_authorized', 18000]]);
    expect([j.compliant, j.overageMs, j.authorizedMs]).toEqual([false, 18_000_000, 42 * 3_600_000]);
    const [a] = j.detainers;
    expect([a.warrant, a.authority, iso(a.authorizedFrom), iso(a.deadlineAt)]).toEqual(['judicial', 'hold', '2025-04-07T19:00:00.000Z', '2025-04-09T14:00:00.000Z']);
    expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['lodged_again', ['e1', 'e3']]]);
  });

  it('an I-247A amended to an I-247N mid-window: the window ends at the amendment (amended), 7200 s', () => {
    const j = judge([
      ['detainer.lodged', '2025-04-07T09:00', A],
      ['booking.release_eligible', '2025-04-07T10:00'],
      ['detainer.amended', '2025-04-08T10:00', { detainerId: 'A', form: 'I-247N' }],
      ['booking.released', '2025-04-08T12:00'],
    ]);
    expect(stretches(j)).toEqual([['2025-04-08T14:00:00.000Z', '2025-04-08T16:00:00.000Z', 'amended', 7200]]);
    expect(j.overageMs).toBe(7_200_000);
    const [a] = j.detainers;
    expect([a.form, a.authority, iso(a.deadlineAt), a.windows.map((w) => w.endedBy)]).toEqual(['I-247N', 'notify_only', '2025-04-08T14:00:00.000Z', ['amended']]);
  });

  it('a calendar-hours facility counts the weekend: eligible Friday 10:00, the limit is reached Sunday 10:00, released 12:00: limit_reached, 7200 s', () => {
    const j = judge(
      [
        ['detainer.lodged', '2025-04-11T08:00', A],
        ['booking.release_eligible', '2025-04-11T10:00'],
        ['booking.released', '2025-04-13T12:00'],
      ],
      since(rules(NY, { policy: 'calendar-48-hours' })),
    );
    expect(stretches(j)).toEqual([['2025-04-13T14:00:00.000Z', '2025-04-13T16:00:00.000Z', 'limit_reached', 7200]]);
    expect([j.overageMs, iso(j.detainers[0].deadlineAt)]).toEqual([7_200_000, '2025-04-13T14:00:00.000Z']);
  });

  it('cancelled with 30 minutes of release processing: 1800 s processing, then 1800 s cancelled', () => {
    const j = judge(
      [
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['detainer.cancelled', '2025-04-07T14:00', { detainerId: 'A' }],
        ['booking.released', '2025-04-07T15:00'],
      ],
      since(rules(NY, { releaseProcessingMinutes: 30 })),
    );
    expect(stretches(j)).toEqual([['2025-04-07T18:30:00.000Z', '2025-04-07T19:00:00.000Z', 'cancelled', 1800]]);
    expect(j.processing.map((p) => [iso(p.from), iso(p.until)])).toEqual([['2025-04-07T18:00:00.000Z', '2025-04-07T18:30:00.000Z']]);
    expect([j.unauthorizedMs, j.processingMs, j.authorizedMs]).toEqual([1_800_000, 1_800_000, 4 * 3_600_000]);
  });

  it('a version whose limit is spent exactly at its effectiveFrom withdraws the authority then (rules_changed), 3600 s', () => {
    // Calendar 48 h until Tuesday 10:00, calendar 24 h from then: counted from Monday 10:00, 24 h are spent at Tuesday 10:00.
    const versions = [
      { effectiveFrom: null, rules: rules(NY, { policy: 'calendar-48-hours' }) },
      { effectiveFrom: at('2025-04-08T10:00', NY), rules: rules(NY, { policy: 'calendar-48-hours', holdHours: 24 }) },
    ];
    const j = judge(
      [
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-08T11:00'],
      ],
      versions,
    );
    expect(stretches(j)).toEqual([['2025-04-08T14:00:00.000Z', '2025-04-08T15:00:00.000Z', 'rules_changed', 3600]]);
    expect(iso(j.detainers[0].deadlineAt)).toBe('2025-04-08T14:00:00.000Z');
  });

  it("released at exactly the window end: compliant, 0 s (eligible Thursday 15:00, 33 h to Friday's end, the weekend skipped, Monday 15:00)", () => {
    const j = judge([
      ['detainer.lodged', '2025-04-10T09:00', A],
      ['booking.release_eligible', '2025-04-10T15:00'],
      ['booking.released', '2025-04-14T15:00'],
    ]);
    expect([j.compliant, j.overageMs, j.violations]).toEqual([true, 0, []]);
    expect([iso(j.detainers[0].deadlineAt), j.detainers[0].windows.map((w) => w.endedBy)]).toEqual(['2025-04-14T19:00:00.000Z', ['period_ended']]);
  });

  it('a detainer lodged after custody ended holds nobody: no clock, no window; the eligible hour before is no_detainer, 3600 s', () => {
    const j = judge([
      ['booking.release_eligible', '2025-04-07T10:00'],
      ['booking.released', '2025-04-07T11:00'],
      ['detainer.lodged', '2025-04-07T12:00', A],
    ]);
    expect(stretches(j)).toEqual([['2025-04-07T14:00:00.000Z', '2025-04-07T15:00:00.000Z', 'no_detainer', 3600]]);
    const [a] = j.detainers;
    expect([a.clockStartedAt, a.deadlineAt, a.windows]).toEqual([null, null, []]);
  });

  it('eligibility sent ahead: the record is open and pending until then, running from then, overdue after the window', () => {
    const j = judge([
      ['detainer.lodged', '2025-04-07T09:00', A],
      ['booking.release_eligible', '2025-04-09T10:00'],
    ]);
    expect([j.phase, iso(j.activeFrom), iso(j.dueAt), iso(j.authorizedUntil), j.dueDetainerId]).toEqual([
      'open',
      '2025-04-09T14:00:00.000Z',
      '2025-04-11T14:00:00.000Z',
      '2025-04-11T14:00:00.000Z',
      'A',
    ]);
    expect([j.compliant, j.overageMs, j.unauthorizedMs]).toEqual([null, null, 0]);
    expect(stretches(j)).toEqual([['2025-04-11T14:00:00.000Z', null, 'limit_reached', null]]);
    const status = (local: string) => custodyStatusAt(j.phase, j.activeFrom, j.dueAt, at(local, NY));
    expect([status('2025-04-07T12:00'), status('2025-04-09T09:59:59.999'), status('2025-04-09T10:00'), status('2025-04-11T10:00'), status('2025-04-11T10:00:00.001')]).toEqual([
      'pending',
      'pending',
      'running',
      'running',
      'overdue',
    ]);
  });

  describe('anomalies: each kept, the fact read the way that protects the person', () => {
    it('several_custody_ends: released, then transferred to ICE the next day; the latest counts (inside the window: compliant)', () => {
      const j = judge([
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-07T11:00'],
        ['booking.custody_transferred', '2025-04-08T10:00', { toAgency: 'ICE' }],
      ]);
      expect([j.outcome, j.honoured, iso(j.endedAt), j.compliant, j.overageMs]).toEqual(['transferred', true, '2025-04-08T14:00:00.000Z', true, 0]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['several_custody_ends', ['e3', 'e4']]]);
    });

    it('lodged_before_booking: it still holds from eligibility', () => {
      const j = judge([
        ['detainer.lodged', '2025-04-06T20:00', A],
        ['booking.opened', '2025-04-07T08:00'],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-07T12:00'],
      ]);
      expect([j.compliant, j.overageMs, j.authorizedMs]).toEqual([true, 0, 7_200_000]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['lodged_before_booking', ['e1']]]);
    });

    it('eligible_long_after_receipt: a release-eligible instant a year and a day after it was received (a mistyped year) is kept, pending until then', () => {
      const f = emptyFacts();
      const send = (eventId: string, type: string, local: string, receivedLocal: string, fields: Record<string, unknown> = {}) => {
        const t = at(local, NY);
        addFact(f, { eventId, type, occurredAt: new Date(t).toISOString(), facilityId: 'f', bookingId: 'b', ...fields } as unknown as JmsEvent, t, at(receivedLocal, NY));
      };
      send('e1', 'detainer.lodged', '2025-04-07T09:00', '2025-04-07T09:00', A);
      send('e2', 'booking.release_eligible', '2026-04-08T10:00', '2025-04-07T10:00');
      const j = judgeCustody(f, since(rules(NY)));
      seen.anomalies.add(j.anomalies[0]?.code);
      expect([j.phase, iso(j.activeFrom)]).toEqual(['open', '2026-04-08T14:00:00.000Z']);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['eligible_long_after_receipt', ['e2']]]);
      expect(custodyStatusAt(j.phase, j.activeFrom, j.dueAt, at('2025-04-07T11:00', NY))).toBe('pending');
    });

    it('form_outside_its_years: an I-247A before 2 April 2017 and an I-247D after it (each still judged by its form)', () => {
      const early = judge([
        ['detainer.lodged', '2016-05-02T09:00', A],
        ['booking.release_eligible', '2016-05-02T10:00'],
        ['booking.released', '2016-05-03T10:00'],
      ]);
      expect([early.compliant, early.overageMs]).toEqual([true, 0]);
      expect(early.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['form_outside_its_years', ['e1']]]);
      const late = judge([
        ['detainer.lodged', '2025-04-07T09:00', { detainerId: 'D', form: 'I-247D' }],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-10T10:00'],
      ]);
      expect(stretches(late)).toEqual([['2025-04-09T14:00:00.000Z', '2025-04-10T14:00:00.000Z', 'limit_reached', 86400]]);
      expect(late.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['form_outside_its_years', ['e1']]]);
    });

    it('transfer_without_agency: an unknown agency, never ICE (not honoured)', () => {
      const j = judge([
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.custody_transferred', '2025-04-07T12:00'],
      ]);
      expect([j.outcome, j.toAgency, j.honoured, j.compliant]).toEqual(['transferred', null, false, true]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['transfer_without_agency', ['e3']]]);
    });

    it('eligibility_ended_outside_period: an end while not release-eligible changes nothing', () => {
      const j = judge([
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.eligibility_ended', '2025-04-07T09:30', { reason: 'remanded' }],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-10T10:00'],
      ]);
      expect(j.eligibility.map((p) => [iso(p.from), iso(p.until), p.endedBy])).toEqual([['2025-04-07T14:00:00.000Z', '2025-04-10T14:00:00.000Z', 'released']]);
      expect(stretches(j)).toEqual([['2025-04-09T14:00:00.000Z', '2025-04-10T14:00:00.000Z', 'limit_reached', 86400]]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['eligibility_ended_outside_period', ['e2']]]);
    });

    it('eligible_after_custody_end: release-eligible after the release changes nothing (no period, compliant)', () => {
      const j = judge([
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.released', '2025-04-07T10:00'],
        ['booking.release_eligible', '2025-04-07T11:00'],
      ]);
      expect([j.eligibility, j.phase, j.compliant, j.overageMs]).toEqual([[], 'closed', true, 0]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['eligible_after_custody_end', ['e3']]]);
    });

    it('detainer_never_lodged: an amendment and a cancellation of a detainer never received authorise nothing (no_detainer, 3600 s)', () => {
      const j = judge([
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['detainer.cancelled', '2025-04-07T10:40', { detainerId: 'X' }],
        ['detainer.amended', '2025-04-07T10:20', { detainerId: 'X', warrant: 'judicial' }],
        ['booking.released', '2025-04-07T11:00'],
      ]);
      expect([j.detainers, stretches(j)]).toEqual([[], [['2025-04-07T14:00:00.000Z', '2025-04-07T15:00:00.000Z', 'no_detainer', 3600]]]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['detainer_never_lodged', ['e3', 'e2']]]);
    });

    it('cancelled_before_lodged: a detainer cancelled before its lodging authorises nothing (not_authorized, 3600 s)', () => {
      const j = judge([
        ['detainer.cancelled', '2025-04-07T08:00', { detainerId: 'A' }],
        ['detainer.lodged', '2025-04-07T09:00', A],
        ['booking.release_eligible', '2025-04-07T10:00'],
        ['booking.released', '2025-04-07T11:00'],
      ]);
      expect(stretches(j)).toEqual([['2025-04-07T14:00:00.000Z', '2025-04-07T15:00:00.000Z', 'not_authorized', 3600]]);
      expect(j.anomalies.map((x) => [x.code, x.eventIds])).toEqual([['cancelled_before_lodged', ['e1', 'e2']]]);
    });
  });

  describe('rule sets (src/rules/criteria.ts): what is known of the person decides whether a detainer may hold', () => {
    it('criteria_not_met: the felony charge the criteria rested on is dismissed at 12:00; the window ends there (3600 s)', () => {
      const versions = since(rules(NY, { ruleSet: { criteria: { 'I-247A': { allOf: [], anyOf: [{ kind: 'charge', classes: ['felony'] }] } } } }));
      const j = judge(
        [
          ['booking.opened', '2025-04-07T08:00', { personId: 'p', charges: [{ level: 'felony', code: 'PL 120.05' }] }],
          ['detainer.lodged', '2025-04-07T09:00', A],
          ['booking.release_eligible', '2025-04-07T10:00'],
          ['booking.charges_updated', '2025-04-07T12:00', { charges: [{ level: 'felony', code: 'PL 120.05', disposition: 'dismissed' }] }],
          ['booking.released', '2025-04-07T13:00'],
        ],
        versions,
      );
      expect(stretches(j)).toEqual([['2025-04-07T16:00:00.000Z', '2025-04-07T17:00:00.000Z', 'criteria_not_met', 3600]]);
      const a = j.detainers[0];
      expect([a.authority, a.reasons, a.windows.map((w) => [iso(w.from), iso(w.until), w.endedBy]), a.screen]).toEqual([
        'none',
        ['criteria_not_met'],
        [['2025-04-07T14:00:00.000Z', '2025-04-07T16:00:00.000Z', 'criteria_not_met']],
        { met: [], notMet: ['charge:felony'], unknown: [], review: [], decision: null },
      ]);
    });

    it('needs_review: a victim awaits a supervisor; custody from eligibility is unauthorised until one decides (3600 s)', () => {
      const versions = since(rules(NY, { ruleSet: { review: ['victim_or_witness'] } }));
      const j = judge(
        [
          ['detainer.lodged', '2025-04-07T09:00', A],
          ['booking.flagged', '2025-04-07T09:30', { flag: 'victim' }],
          ['booking.release_eligible', '2025-04-07T10:00'],
          ['booking.released', '2025-04-07T11:00'],
        ],
        versions,
      );
      expect(stretches(j)).toEqual([['2025-04-07T14:00:00.000Z', '2025-04-07T15:00:00.000Z', 'needs_review', 3600]]);
      expect([j.detainers[0].authority, j.detainers[0].reasons, j.detainers[0].screen?.review]).toEqual(['needs_review', ['needs_review'], ['victim_or_witness']]);
    });
  });

  it('the stories above show every violation reason and every anomaly code', () => {
    expect([...seen.reasons].sort()).toEqual([...VIOLATION_REASONS].sort());
    expect([...seen.anomalies].sort()).toEqual([...ANOMALY_CODES].sort());
  });
});
