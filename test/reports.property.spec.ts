import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { ev } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The compliance report is computed in SQL; here the same figures are counted again in plain
 * code from the holds the API lists, over random holds in two facilities (other zones, other
 * policies, a daylight-saving change inside) and random periods, many of them starting or
 * ending on the very millisecond a hold started, ended or was lodged (where a `<` written as
 * `<=` would show). The two must agree exactly.
 */

const FACILITIES = {
  'rp-chi': { name: 'Chicago', timeZone: 'America/Chicago', policy: 'federal-48-business-hours' },
  'rp-hnl': { name: 'Honolulu', timeZone: 'Pacific/Honolulu', policy: 'calendar-48-hours', holdHours: 36 },
} as const;
type FacilityId = keyof typeof FACILITIES;
const NOW = '2026-12-20T12:00:00.000Z';
const START = Date.parse('2026-09-20T00:00:00Z'); // stories run over three months, across 1 November (Chicago's clocks fall back)
const HOURS = 90 * 24;

const storySample = fc.record({
  facility: fc.constantFrom<FacilityId>('rp-chi', 'rp-hnl'),
  lodgedH: fc.integer({ min: 0, max: HOURS }),
  // Release-eligible before or after lodging, or never.
  eligibleH: fc.option(fc.integer({ min: -48, max: 120 }), { nil: null, freq: 6 }),
  // Custody ends this long after the clock would start (or after lodging when it never does), or not yet.
  endH: fc.option(fc.integer({ min: -30, max: 200 }), { nil: null, freq: 5 }),
  cancelH: fc.option(fc.integer({ min: -10, max: 150 }), { nil: null, freq: 2 }),
  form: fc.constantFrom('I-247A', 'I-247A', 'I-247D', 'I-247N', 'I-247X'),
  transferred: fc.boolean(),
  minutes: fc.integer({ min: 0, max: 59 }),
});

interface Custody {
  id: string;
  facilityId: string;
  status: string;
  eligibility: Array<{ from: string }>;
  endedAt: string | null;
  compliant: boolean | null;
  overageSeconds: number | null;
}

interface Hold {
  facilityId: string;
  form: string;
  status: string;
  lodgedAt: string;
  clockStartedAt: string | null;
  endedAt: string | null;
  outcome: string | null;
  compliant: boolean | null;
  overageSeconds: number | null;
}

let t: TestApp;
let holds: Hold[];
let custody: Custody[];
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  for (const [id, body] of Object.entries(FACILITIES)) await t.http.put(`/api/facilities/${id}`).set('Authorization', t.admin).send(body).expect(200);
  const events = fc.sample(storySample, { numRuns: 300, seed: 4242 }).flatMap((s, i) => {
    const b = { facilityId: s.facility, bookingId: `rp-${i}` };
    const at = (h: number) => new Date(START + h * 3_600_000 + s.minutes * 60_000).toISOString();
    const clockH = s.eligibleH === null ? s.lodgedH : s.lodgedH + Math.max(0, s.eligibleH);
    const list: object[] = [ev.opened({ ...b, occurredAt: at(s.lodgedH - 100) }), ev.lodged({ ...b, occurredAt: at(s.lodgedH), form: s.form })];
    if (s.eligibleH !== null) list.push(ev.eligible({ ...b, occurredAt: at(s.lodgedH + s.eligibleH) }));
    if (s.cancelH !== null) list.push(ev.cancelled({ ...b, occurredAt: at(clockH + s.cancelH) }));
    if (s.endH !== null && Date.parse(at(clockH + s.endH)) < Date.parse(NOW)) {
      list.push(s.transferred ? ev.transferred({ ...b, occurredAt: at(clockH + s.endH) }) : ev.released({ ...b, occurredAt: at(clockH + s.endH) }));
    }
    return list;
  });
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  holds = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page: { items: Hold[]; nextCursor: string | null } = (
      await t.http
        .get(`/api/holds?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', t.admin)
        .expect(200)
    ).body;
    holds.push(...page.items);
    cursor = page.nextCursor;
  }
  custody = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page: { items: Custody[]; nextCursor: string | null } = (
      await t.http
        .get(`/api/custody?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', t.admin)
        .expect(200)
    ).body;
    custody.push(...page.items);
    cursor = page.nextCursor;
  }
});
afterAll(() => t.close());

/**
 * The report's figures counted from what the API lists, by the report's own definitions: detainers
 * from the holds (one per detainer), everything about time held and violations from the custody
 * records (one per person's booking).
 */
function expected(facilityId: string | null, from: number, to: number, range: (facility: string) => [number, number] = () => [from, to]) {
  const ms = (v: string | null) => (v === null ? null : Date.parse(v));
  // Each record against its own facility's period (the same instants for all, or each facility's own midnights).
  let lo = from;
  let hi = to;
  const within = (v: string | null) => v !== null && ms(v)! >= lo && ms(v)! < hi;
  const inPeriod = (x: { facilityId: string }, v: string | null) => {
    [lo, hi] = range(x.facilityId);
    return within(v);
  };
  const scope = holds.filter((h) => facilityId === null || h.facilityId === facilityId);
  const received = scope.filter((h) => inPeriod(h, h.lodgedAt));
  const closedIn = scope.filter((h) => h.status === 'closed' && inPeriod(h, h.endedAt));
  const byForm: Record<string, number> = {};
  for (const h of received) byForm[h.form] = (byForm[h.form] ?? 0) + 1;
  // People: custody needs an authority from its first eligibility (once that has come, as of NOW).
  const people = custody.filter((c) => facilityId === null || c.facilityId === facilityId);
  const eligibleFrom = (c: Custody) => (c.eligibility.length > 0 && ms(c.eligibility[0].from)! <= Date.parse(NOW) ? c.eligibility[0].from : null);
  const peopleClosedIn = people.filter((c) => c.status === 'closed' && inPeriod(c, c.endedAt));
  const late = peopleClosedIn.filter((c) => c.compliant === false);
  const onTime = peopleClosedIn.filter((c) => c.compliant === true && eligibleFrom(c) !== null);
  const overages = late.map((c) => c.overageSeconds!);
  const bands = [0, 1, 4, 12, 24, 48].map((lo, i, all) => late.filter((c) => c.overageSeconds! >= lo * 3600 && (i + 1 === all.length || c.overageSeconds! < all[i + 1] * 3600)).length);
  // Months in each facility's local calendar.
  const months = new Map<string, { month: string; detainersReceived: number; holdsStarted: number; holdsClosedCompliant: number; holdsPastDeadline: number }>();
  const bump = (facility: string, at: string, field: 'detainersReceived' | 'holdsStarted' | 'holdsClosedCompliant' | 'holdsPastDeadline') => {
    const month = DateTime.fromISO(at, { zone: FACILITIES[facility as FacilityId].timeZone }).toFormat('yyyy-MM');
    const m = months.get(month) ?? { month, detainersReceived: 0, holdsStarted: 0, holdsClosedCompliant: 0, holdsPastDeadline: 0 };
    m[field] += 1;
    months.set(month, m);
  };
  for (const h of received) bump(h.facilityId, h.lodgedAt, 'detainersReceived');
  const started = people.filter((c) => inPeriod(c, eligibleFrom(c)));
  for (const c of started) bump(c.facilityId, eligibleFrom(c)!, 'holdsStarted');
  for (const c of onTime) bump(c.facilityId, c.endedAt!, 'holdsClosedCompliant');
  for (const c of late) bump(c.facilityId, c.endedAt!, 'holdsPastDeadline');
  return {
    detainersReceived: received.length,
    detainersByForm: byForm,
    cancelled: received.filter((h) => h.outcome === 'cancelled').length,
    holdsStarted: started.length,
    holdsClosedCompliant: onTime.length,
    holdsPastDeadline: late.length,
    detainersThatNeverHeld: closedIn.filter((h) => h.clockStartedAt === null).length,
    holdsRunningAtEnd: people.filter((c) => eligibleFrom(c) !== null && ms(eligibleFrom(c))! < range(c.facilityId)[1] && (c.endedAt === null || ms(c.endedAt)! >= range(c.facilityId)[1])).length,
    closed: peopleClosedIn.length,
    late: late.map((c) => c.id).sort(),
    overageSeconds: { total: overages.reduce((a, b) => a + b, 0), max: overages.length ? Math.max(...overages) : null },
    overageDistribution: bands,
    monthly: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
  };
}

/** The report's figures, and its late list as the custody list gives it (every page). */
async function reported(facilityId: string | null, from: string, to: string) {
  const q = `${facilityId ? `facilityId=${facilityId}&` : ''}from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const r = (await t.http.get(`/api/reports/compliance?${q}`).set('Authorization', t.admin).expect(200)).body;
  // Every table adds up to its headline, and the people who ended are each in one outcome.
  expect(r.reconciles).toEqual({ closed: true, detainersByForm: true, detainersByWarrant: true, byChargeLevel: true, byConviction: true, monthly: true, overageDistribution: true });
  const late: string[] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page: { items: Custody[]; nextCursor: string | null } = (
      await t.http
        .get(`${r.heldPastLimit.list}&limit=50${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', t.admin)
        .expect(200)
    ).body;
    late.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  }
  expect(r.heldPastLimit.people).toBe(late.length);
  return {
    detainersReceived: r.detainersReceived,
    detainersByForm: r.detainersByForm,
    cancelled: r.cancelled,
    holdsStarted: r.holdsStarted,
    holdsClosedCompliant: r.holdsClosedCompliant,
    holdsPastDeadline: r.holdsPastDeadline,
    detainersThatNeverHeld: r.detainersThatNeverHeld,
    holdsRunningAtEnd: r.holdsRunningAtEnd,
    overageSeconds: { total: r.overageSeconds.total, max: r.overageSeconds.max },
    overageDistribution: r.overageDistribution.map((b: { holds: number }) => b.holds),
    monthly: r.monthly,
    closed: r.closed.total,
    late: late.sort(),
  };
}

describe('the compliance report agrees with the holds and custody records it counts', () => {
  it('over 60 random periods, half their bounds on the instant a hold was lodged, started or ended, for each facility and for both at once', async () => {
    const instants = holds
      .flatMap((h) => [h.lodgedAt, h.clockStartedAt, h.endedAt])
      .filter((v): v is string => v !== null)
      .map(Date.parse)
      .sort((a, b) => a - b);
    expect(holds.length).toBe(300);
    const period = fc
      .tuple(
        fc.oneof(fc.integer({ min: START - 86_400_000, max: START + HOURS * 3_600_000 }), fc.constantFrom(...instants)),
        fc.oneof(
          fc.integer({ min: 3_600_000, max: 60 * 86_400_000 }),
          fc.constantFrom(...instants).map((v) => -v),
        ),
        fc.constantFrom<string | null>('rp-chi', 'rp-hnl', null),
      )
      .map(([from, span, facilityId]) => ({ from, to: span < 0 ? -span : from + span, facilityId }))
      .filter((p) => p.to > p.from);
    const samples = fc.sample(period, { numRuns: 60, seed: 4243 });
    let nonEmpty = 0;
    for (const p of samples) {
      const want = expected(p.facilityId, p.from, p.to);
      if (want.detainersReceived > 0 && want.holdsPastDeadline > 0) nonEmpty++;
      expect({ ...p, report: await reported(p.facilityId, new Date(p.from).toISOString(), new Date(p.to).toISOString()) }).toEqual({ ...p, report: want });
    }
    // The periods are not all empty: most count late holds too.
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it("over 30 random periods of local dates: each facility's own midnights (Chicago and Honolulu are 4 to 5 hours apart)", async () => {
    const day = fc.integer({ min: -2, max: 95 }).map((d) => DateTime.fromMillis(START, { zone: 'UTC' }).plus({ days: d }).toISODate()!);
    const period = fc
      .tuple(day, fc.integer({ min: 1, max: 45 }), fc.constantFrom<string | null>('rp-chi', 'rp-hnl', null))
      .map(([from, days, facilityId]) => ({ from, to: DateTime.fromISO(from, { zone: 'UTC' }).plus({ days }).toISODate()!, facilityId }));
    let nonEmpty = 0;
    for (const p of fc.sample(period, { numRuns: 30, seed: 4244 })) {
      const midnights = (facility: string): [number, number] => {
        const zone = FACILITIES[facility as FacilityId].timeZone;
        return [DateTime.fromISO(p.from, { zone }).toMillis(), DateTime.fromISO(p.to, { zone }).toMillis()];
      };
      const want = expected(p.facilityId, 0, 0, midnights);
      if (want.holdsPastDeadline > 0) nonEmpty++;
      expect({ ...p, report: await reported(p.facilityId, p.from, p.to) }).toEqual({ ...p, report: want });
    }
    expect(nonEmpty).toBeGreaterThan(10);
  });
});
