import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { policyDeadline, type DetainerForm, type HoldRules, type PolicyName, type WarrantKind } from '../src/clock/hold-clock.js';
import { naiveBusinessDeadline } from '../src/clock/naive-clock.testing.js';
import { ev } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'Pacific/Guam',
  'America/Boise',
  'America/Detroit',
  'America/Adak',
];
const POLICIES: PolicyName[] = ['federal-48-business-hours', 'calendar-48-hours', 'no-hold'];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const sample = fc.record({
  zone: fc.constantFrom(...ZONES),
  policy: fc.constantFrom(...POLICIES),
  holdHours: fc.constantFrom(48, 48, 48, 24, 72),
  requireJudicialWarrant: fc.boolean(),
  form: fc.constantFrom<DetainerForm>('I-247A', 'I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-247', 'other'),
  warrant: fc.constantFrom<WarrantKind>('none', 'administrative', 'judicial'),
  // Whole minutes in 2015-2031 (so the naive minute-stepper can check it), plus a millisecond offset for half of them.
  minute: fc.integer({ min: Date.UTC(2015, 0, 1) / 60_000, max: Date.UTC(2031, 0, 1) / 60_000 }),
  extraMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 59_999 })),
});

describe('random holds ingested over the API get exactly the deadline the rules give', () => {
  it('in every zone and policy, to the millisecond (300 holds)', async () => {
    const samples = fc.sample(sample, { numRuns: 300, seed: 20261124 });
    const ingest = await t.keyFor('ingest');
    // One facility per distinct rule set.
    const facilityOf = new Map<string, string>();
    for (const s of samples) {
      const key = `${s.zone}|${s.policy}|${s.holdHours}|${s.requireJudicialWarrant}`;
      if (facilityOf.has(key)) continue;
      const id = `f${facilityOf.size}`;
      facilityOf.set(key, id);
      await t.http
        .put(`/api/facilities/${id}`)
        .set('Authorization', t.admin)
        .send({ name: id, timeZone: s.zone, policy: s.policy, holdHours: s.holdHours, requireJudicialWarrant: s.requireJudicialWarrant })
        .expect(200);
    }
    const events = samples.flatMap((s, i) => {
      const facilityId = facilityOf.get(`${s.zone}|${s.policy}|${s.holdHours}|${s.requireJudicialWarrant}`)!;
      const start = new Date(s.minute * 60_000 + s.extraMs).toISOString();
      return [
        ev.lodged({ facilityId, bookingId: `b${i}`, occurredAt: new Date(s.minute * 60_000 - 86_400_000).toISOString(), form: s.form, warrant: s.warrant }),
        ev.eligible({ facilityId, bookingId: `b${i}`, occurredAt: start }),
      ];
    });
    const res = await t.http.post('/api/events').set('Authorization', ingest).send({ events }).expect(200);
    expect(res.body).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });

    let checkedAgainstNaive = 0;
    for (const [i, s] of samples.entries()) {
      const [hold] = (await t.http.get(`/api/holds?bookingId=b${i}`).set('Authorization', t.admin).expect(200)).body.items;
      const start = s.minute * 60_000 + s.extraMs;
      const rules: HoldRules = { timeZone: s.zone, policy: s.policy, holdHours: s.holdHours, extraHolidays: [], requireJudicialWarrant: s.requireJudicialWarrant };
      const authorised = s.policy !== 'no-hold' && s.form !== 'I-247N' && (!s.requireJudicialWarrant || s.warrant === 'judicial');
      let expected: number;
      if (!authorised) expected = start;
      else if (s.policy === 'calendar-48-hours') expected = start + s.holdHours * 3_600_000;
      else if (s.extraMs === 0) {
        expected = naiveBusinessDeadline(start, s.holdHours, s.zone);
        checkedAgainstNaive++;
      } else expected = policyDeadline(start, rules, s.form, s.warrant);
      // Starts after the test's "now" are pending, their clock start and deadline under `scheduled`.
      const known = hold.scheduled ? { deadlineAt: hold.scheduled.deadlineAt, clockStartedAt: hold.scheduled.clockStartsAt } : hold;
      expect({ i, deadlineAt: known.deadlineAt, clockStartedAt: known.clockStartedAt }).toEqual({
        i,
        deadlineAt: new Date(expected).toISOString(),
        clockStartedAt: new Date(start).toISOString(),
      });
    }
    expect(checkedAgainstNaive).toBeGreaterThan(20);
  });
});
