import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { HoldRules } from '../src/clock/hold-clock.js';
import { SweepService } from '../src/alerts/sweep.service.js';
import { ev } from './support/factories.js';
import { holdsNotMatchingLog, viaDataSource } from './support/refold-check.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The contract: "holds are derived from all events, whatever the order of arrival". Random
 * booking stories (several detainers lodged and cancelled, lodgings and releases sent twice with
 * other instants, charges replaced, retractions of events, of retractions and of events that
 * never come) are sent twice under other ids: once in time order in one batch, once shuffled
 * across stories, cut into batches of random sizes, some events sent again. Every hold, and
 * what each hold's timeline says was counted, must come out the same; and the stored holds must
 * be those a full refold of each booking's log gives. The instants of a story are distinct, so no
 * tie (which goes to the event received first) makes the order matter.
 */

const FACILITIES = {
  'ao-fed': { name: 'Federal rules, Chicago', timeZone: 'America/Chicago', policy: 'federal-48-business-hours', extraHolidays: ['2026-10-28'] },
  'ao-cal': { name: 'Calendar hours, Guam', timeZone: 'Pacific/Guam', policy: 'calendar-48-hours', holdHours: 24 },
  'ao-judicial': { name: 'Judicial warrants only, Phoenix', timeZone: 'America/Phoenix', policy: 'federal-48-business-hours', requireJudicialWarrant: true },
  'ao-none': { name: 'No holds, New York', timeZone: 'America/New_York', policy: 'no-hold' },
} as const;
// A second version of ao-fed's rules from 30 October: which one judges a hold depends on when its clock starts.
const AO_FED_LATER = { ...FACILITIES['ao-fed'], policy: 'calendar-48-hours', holdHours: 36, effectiveFrom: '2026-10-30T00:00:00-05:00' };

/** A third version for each round, from a day of its own, with a facility holiday inside the stories' time. */
const laterRules = (round: number) => ({
  ...FACILITIES['ao-fed'],
  holdHours: 24 + 12 * round,
  extraHolidays: ['2026-11-04'],
  effectiveFrom: `2026-11-0${2 + round}T00:00:00-06:00`,
});

const NOW = '2026-11-06T12:00:00.000Z';
const START = Date.parse('2026-10-20T00:00:00Z');
const MINUTES = 20 * 24 * 60; // a story's events fall in the 20 days from START, around NOW

type Kind = 'opened' | 'charges' | 'lodged' | 'cancelled' | 'eligible' | 'released' | 'transferred' | 'retracts-event' | 'retracts-retraction' | 'retracts-missing';
interface Step {
  kind: Kind;
  detainer: number;
  pick: number;
  variant: number;
}

const step = fc.record({
  kind: fc.constantFrom<Kind>(
    'opened',
    'charges',
    'lodged',
    'lodged',
    'lodged',
    'cancelled',
    'eligible',
    'eligible',
    'released',
    'transferred',
    'retracts-event',
    'retracts-event',
    'retracts-retraction',
    'retracts-missing',
  ),
  detainer: fc.integer({ min: 1, max: 3 }),
  pick: fc.nat(),
  variant: fc.nat(5),
});
const storyShape = fc
  .record({ facility: fc.constantFrom(...(Object.keys(FACILITIES) as Array<keyof typeof FACILITIES>)), steps: fc.array(step, { minLength: 2, maxLength: 12 }) })
  .chain(({ facility, steps }) =>
    fc.record({
      facility: fc.constant(facility),
      steps: fc.constant(steps),
      // One distinct minute for the opening and for each step, plus a millisecond offset.
      minutes: fc.uniqueArray(fc.integer({ min: 0, max: MINUTES }), { minLength: steps.length + 1, maxLength: steps.length + 1 }),
      ms: fc.integer({ min: 0, max: 59_999 }),
    }),
  );

const FORMS = ['I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-247', 'other'];
const WARRANTS = ['none', 'administrative', 'judicial'];
const CHARGES = [[], [{ level: 'felony', disposition: 'pending' }], [{ level: 'misdemeanor', disposition: 'convicted' }, { level: 'traffic' }]];

type Sent = Record<string, unknown> & { eventId: string; occurredAt: string };

/** The events of one story, with ids made from `tag` (so the same story can be sent twice). */
function eventsOf(shape: { facility: string; steps: Step[]; minutes: number[]; ms: number }, tag: string): Sent[] {
  const facilityId = shape.facility;
  const bookingId = `b-${tag}`;
  const at = (i: number) => new Date(START + shape.minutes[i] * 60_000 + shape.ms).toISOString();
  const id = (i: number) => `${tag}-e${i}`;
  const out: Sent[] = [ev.opened({ facilityId, bookingId, occurredAt: at(0), eventId: id(0), personId: `p-${tag}`, charges: CHARGES[1] })];
  shape.steps.forEach((s, n) => {
    const i = n + 1;
    const b = { facilityId, bookingId, occurredAt: at(i), eventId: id(i) };
    const detainerId = `d${s.detainer}`;
    // A custody end after NOW has not happened yet: a JMS does not send it (the API refuses one dated ahead).
    const happened = Date.parse(b.occurredAt) <= Date.parse(NOW);
    const earlierOfKind = (pred: (e: Sent) => boolean) => out.filter(pred);
    switch (s.kind) {
      case 'opened':
        out.push(ev.opened({ ...b, personId: `p-${tag}-${s.variant}`, charges: CHARGES[s.variant % 3] }));
        break;
      case 'charges':
        out.push(ev.charges({ ...b, charges: CHARGES[s.variant % 3] }));
        break;
      case 'lodged':
        out.push(ev.lodged({ ...b, detainerId, form: FORMS[s.variant % FORMS.length], warrant: WARRANTS[s.pick % 3] }));
        break;
      case 'cancelled':
        out.push(ev.cancelled({ ...b, detainerId }));
        break;
      case 'eligible':
        out.push(ev.eligible({ ...b, reason: 'bail_posted' }));
        break;
      case 'released':
        if (happened) out.push(ev.released(b));
        break;
      case 'transferred':
        if (happened) out.push(ev.transferred({ ...b, toAgency: s.variant % 2 ? 'ICE' : 'USMS' }));
        break;
      case 'retracts-event': {
        const targets = earlierOfKind((e) => e.type !== 'event.retracted');
        out.push(ev.retracted({ ...b, retractsEventId: targets[s.pick % targets.length].eventId }));
        break;
      }
      case 'retracts-retraction': {
        const targets = earlierOfKind((e) => e.type === 'event.retracted');
        const target = targets.length ? targets[s.pick % targets.length].eventId : id(i + 1 + (s.pick % 3)); // a later step, if it is one
        out.push(ev.retracted({ ...b, retractsEventId: target }));
        break;
      }
      case 'retracts-missing':
        out.push(ev.retracted({ ...b, retractsEventId: `${tag}-never-sent` }));
        break;
    }
  });
  return out;
}

/** A seeded shuffle and cut: the arrival the test sends, with about one event in ten sent again later. */
function arrival(events: Sent[], seed: number): Array<Sent[] | Sent> {
  const [order, cuts, again] = fc.sample(
    fc.tuple(
      fc.shuffledSubarray(
        events.map((_, i) => i),
        { minLength: events.length, maxLength: events.length },
      ),
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: events.length, maxLength: events.length }),
      fc.array(fc.nat(9), { minLength: events.length, maxLength: events.length }),
    ),
    { numRuns: 1, seed },
  )[0];
  const stream = order.map((i) => events[i]);
  for (const [n, i] of order.entries()) if (again[n] === 0) stream.splice(Math.min(stream.length, n + 1 + again[(n + 1) % again.length] * 7), 0, events[i]);
  const requests: Array<Sent[] | Sent> = [];
  for (let from = 0, c = 0; from < stream.length; c++) {
    const size = cuts[c % cuts.length];
    requests.push(size === 1 ? stream[from] : stream.slice(from, from + size));
    from += size;
  }
  return requests;
}

const EVERY_KIND = [
  'pending',
  'running',
  'overdue',
  'closed released',
  'closed transferred',
  'closed cancelled',
  'closed released late',
  'closed transferred late',
  'with a retracted event',
  'a retraction of a retraction, stored',
  'with alerts ahead',
  'with alerts raised',
];

const kinds = new Set<string>();
let t: TestApp;
let ingest: string;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  ingest = await t.keyFor('ingest');
  for (const [id, body] of Object.entries(FACILITIES)) await t.http.put(`/api/facilities/${id}`).set('Authorization', t.admin).send(body).expect(200);
  await t.http.put('/api/facilities/ao-fed').set('Authorization', t.admin).send(AO_FED_LATER).expect(200);
});
afterAll(() => t.close());

async function send(body: Sent[] | Sent): Promise<void> {
  const res = await t.http
    .post('/api/events')
    .set('Authorization', ingest)
    .send(Array.isArray(body) ? { events: body } : body);
  // A single event that is refused answers 400 (a retraction of a retraction) or 409; nothing else may fail.
  if (![200, 400, 409].includes(res.status)) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (res.status === 400) expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['retractsEventId']);
  for (const r of res.body.rejected ?? []) expect(r.errors.map((e: { field: string }) => e.field)).toEqual(['retractsEventId']);
}

/** A booking's holds as the API shows them, with the ids that differ between the two sendings taken out, and what each timeline counted. */
async function seen(tag: string) {
  const holds = (await t.http.get(`/api/holds?bookingId=b-${tag}&limit=1000`).set('Authorization', t.admin).expect(200)).body.items as Array<{
    id: string;
    detainerId: string;
    personId: string;
    status: string;
    outcome: string | null;
    compliant: boolean | null;
  }>;
  holds.sort((a, b) => String(a.detainerId).localeCompare(String(b.detainerId)));
  const out = [];
  for (const h of holds) {
    const { timeline } = (await t.http.get(`/api/holds/${h.id}`).set('Authorization', t.admin).expect(200)).body as {
      timeline: Array<{ eventId: string; type: string; retractedBy: string | null; noEffect: string | null }>;
    };
    const local = (eventId: string) => eventId.slice(tag.length + 1);
    if (timeline.some((e) => e.noEffect?.includes('itself a retraction'))) kinds.add('a retraction of a retraction, stored');
    out.push({
      ...h,
      id: undefined,
      bookingId: undefined,
      custodyId: undefined,
      personId: String(h.personId).slice(`p-${tag}`.length),
      // What alerts are ahead of its booking's custody (alerts are per custody record), and which the sweep at NOW raised.
      schedule: await t.ds.query(`SELECT level, threshold_hours::text, detainer_id, deadline_at, fire_at FROM alert_schedule WHERE booking_id = $1 ORDER BY level, threshold_hours, deadline_at`, [
        `b-${tag}`,
      ]),
      alerts: await t.ds.query(
        `SELECT level, threshold_hours::text, detainer_id, deadline_at, due_at, late, state FROM alerts WHERE booking_id = $1 ORDER BY level, threshold_hours, deadline_at, raised_at`,
        [`b-${tag}`],
      ),
      // What counted: every event the timeline shows that is not a retraction, and whether it was retracted.
      counted: timeline.filter((e) => e.type !== 'event.retracted').map((e) => `${local(e.eventId)}${e.retractedBy ? ' (retracted)' : ''}`),
      // A retraction shown as retracted would tell counsel it had no effect: none is, however they arrived.
      retractionsMarkedRetracted: timeline.filter((e) => e.type === 'event.retracted' && e.retractedBy).map((e) => local(e.eventId)),
    });
  }
  return out;
}

describe('holds do not depend on the order events arrive in', () => {
  // Three rounds of 60 stories; each round's stories and arrival come from its seed.
  for (const [round, seed] of [20261125, 7, 1_000_003].entries()) {
    it(`shuffled across stories, in batches of random sizes, some events sent twice, gives what time order gives (seed ${seed})`, async () => {
      const shapes = fc.sample(storyShape, { numRuns: 60, seed });
      const inOrder = shapes.flatMap((s, i) => eventsOf(s, `s${seed}-${i}-ordered`)).sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
      await send(inOrder);
      const requests = arrival(
        shapes.flatMap((s, i) => eventsOf(s, `s${seed}-${i}-shuffled`)),
        seed,
      );
      for (const [n, request] of requests.entries()) {
        // Halfway, ao-fed gets a new version of its rules: the holds sent in order are recomputed
        // under it, the shuffled ones partly recomputed and partly derived under it as they arrive.
        if (n === Math.floor(requests.length / 2)) await t.http.put('/api/facilities/ao-fed').set('Authorization', t.admin).send(laterRules(round)).expect(200);
        await send(request);
      }
      await t.app.get(SweepService).sweep();

      for (const i of shapes.keys()) {
        const expected = await seen(`s${seed}-${i}-ordered`);
        expect({ story: i, holds: await seen(`s${seed}-${i}-shuffled`) }).toEqual({ story: i, holds: expected });
        for (const h of expected) {
          expect(h.retractionsMarkedRetracted).toEqual([]);
          kinds.add(`${h.status}${h.outcome ? ` ${h.outcome}` : ''}${h.compliant === false ? ' late' : ''}`);
          if (h.counted.some((c) => c.endsWith('(retracted)'))) kinds.add('with a retracted event');
          if (h.schedule.length > 0) kinds.add('with alerts ahead');
          if (h.alerts.length > 0) kinds.add('with alerts raised');
        }
      }
      // The stored holds are what a refold of each booking's whole log gives (facilities with one version of their rules).
      const oneVersion: Array<[string, HoldRules]> = [
        ['ao-cal', { timeZone: 'Pacific/Guam', policy: 'calendar-48-hours', holdHours: 24, extraHolidays: [], requireJudicialWarrant: false }],
        ['ao-judicial', { timeZone: 'America/Phoenix', policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: true }],
        ['ao-none', { timeZone: 'America/New_York', policy: 'no-hold', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false }],
      ];
      for (const [id, rules] of oneVersion) expect({ id, wrong: (await holdsNotMatchingLog(viaDataSource(t.ds), id, rules)).wrong }).toEqual({ id, wrong: [] });
    });
  }

  it('the rounds reach every kind of hold, so the comparisons mean something', () => {
    expect([...kinds].filter((k) => EVERY_KIND.includes(k)).sort()).toEqual([...EVERY_KIND].sort());
  });
});
