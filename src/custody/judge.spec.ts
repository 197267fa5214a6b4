import { describe, expect, it } from '@jest/globals';
import type { JmsEvent } from '../events/event.schema.js';
import { addFact, emptyFacts } from './custody-facts.js';
import { custodyStatusAt, judgeCustody } from './judge.js';
import { at, facts, rules, since } from './story.testing.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const A = { detainerId: 'A', form: 'I-247A' };
const N = { detainerId: 'N', form: 'I-247N' };
/** Detainer A as first lodged on an I-247N. */
const N_AS_A = { detainerId: 'A', form: 'I-247N' };

describe('the design note\'s worked examples (New York, federal-48-business-hours)', () => {
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
    expect([n.detainerId, n.authority, n.reasons, n.windows, iso(n.deadlineAt)]).toEqual(['N', 'notify_only', ['notify_only_form'], [], '2025-03-05T19:00:00.000Z']);
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
      facts(NY, [['detainer.lodged', '2025-06-02T08:00', A], ['booking.release_eligible', '2025-06-03T10:00'], ['booking.released', released]]);
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
