/**
 * The custody judge against a naive minute-by-minute judge (naive-judge.testing.ts), over random
 * stories: detainers of every kind lodged, re-lodged, amended and cancelled before, inside and after
 * several eligibility periods, several custody ends, a rule version changing mid-story, in four
 * zones over spans of days to two weeks across weekends, federal holidays and clock changes.
 *
 * Checked to catch a wrong rule (each mutation of judge.ts made by hand, never committed): "judge ==
 * naive" fails within the first 50 runs with the limit counted from the window's start instead of
 * the period's, a gap's processing allowance read at its end instead of its start, an eligibility
 * start processed before an end at one instant (the time sum fails too), the latest cancellation
 * counting instead of the earliest, no_detainer not turning not_authorized at a lodging, or the limit
 * not spent cumulatively across periods. Not caught: a later version withdrawing the authority only
 * when its limit is spent strictly before its effectiveFrom (an exact coincidence; see the unit story).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { deriveHold, rulesInForce } from '../clock/derive-hold.js';
import { localIsoDate, type DetainerForm, type PolicyName, type WarrantKind } from '../clock/hold-clock.js';
import type { JmsEvent } from '../events/event.schema.js';
import type { AuthorityRules } from '../rules/authority.js';
import { addFact, emptyFacts, type CustodyFacts } from './custody-facts.js';
import { judgeCustody, type CustodyJudgement, type RuleVersion, type ViolationReason } from './judge.js';
import { naiveJudge } from './naive-judge.testing.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ZONES = ['America/New_York', 'America/Chicago', 'Pacific/Honolulu', 'America/Phoenix'];
/** Days near a federal holiday (Christmas and New Year, MLK, Presidents, Memorial, Juneteenth, 4 July, Labor, Columbus, Veterans, Thanksgiving) and both clock changes. */
const ANCHORS = ['2024-12-20', '2025-01-16', '2025-02-13', '2025-05-22', '2025-06-16', '2025-07-01', '2025-08-28', '2025-10-09', '2025-11-06', '2025-11-24', '2025-10-30', '2026-03-05'];
const FORMS: DetainerForm[] = ['I-247A', 'I-247N', 'I-247D'];
const WARRANTS: Array<WarrantKind | undefined> = [undefined, 'none', 'administrative', 'judicial'];
const POLICIES: PolicyName[] = ['federal-48-business-hours', 'calendar-48-hours', 'no-hold'];

interface StoryEvent {
  body: JmsEvent;
  at: number;
}
interface Story {
  zone: string;
  events: StoryEvent[];
  versions: RuleVersion[];
}

type Fields = Record<string, unknown>;

/**
 * A random story. Instants are whole multiples of a granule (a minute, a quarter or an hour) after
 * local midnight of a day near a holiday, so that events often coincide (a release exactly at a
 * window's end, an eligibility end and start at one instant).
 */
const storyArb = (opts: { ends: { min: number; max: number }; simple?: boolean }): fc.Arbitrary<Story> =>
  fc
    .record({
      zone: fc.constantFrom(...ZONES),
      anchor: fc.constantFrom(...ANCHORS),
      dayOffset: fc.integer({ min: 0, max: 5 }),
      granule: fc.constantFrom(1, 15, 60),
      spanDays: fc.integer({ min: 2, max: 14 }),
    })
    .chain(({ zone, anchor, dayOffset, granule, spanDays }) => {
      const base = DateTime.fromISO(anchor, { zone }).plus({ days: dayOffset }).toMillis();
      const steps = (spanDays * 24 * 60) / granule;
      const time = (lo: number, hi: number) => fc.integer({ min: Math.floor(lo * steps), max: Math.ceil(hi * steps) }).map((k) => base + k * granule * MINUTE);
      // Weighted towards detainers that can hold, so that limits, cancellations and amendments matter.
      const form = fc.oneof({ weight: 2, arbitrary: fc.constant(FORMS[0]) }, fc.constantFrom(...FORMS));
      const warrant = fc.constantFrom(...WARRANTS);
      const rulesArb = fc.record({
        policy: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...POLICIES.slice(0, 2)) }, fc.constantFrom(...POLICIES)),
        holdHours: fc.constantFrom(24, 48),
        requireJudicialWarrant: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
        releaseProcessingMinutes: opts.simple ? fc.constant(0) : fc.constantFrom(0, 30, 60),
        extraHoliday: fc.option(time(0, 1), { freq: 4 }),
      });
      const detainer = fc.record({
        // Often early (its limit spent across periods), anywhere else too, sometimes never (only amended or cancelled).
        lodgedAt: fc.option(fc.oneof(time(-0.3, 0.2), time(-0.3, 1.1)), { freq: 12 }),
        form,
        warrant,
        relodge: opts.simple ? fc.constant(null) : fc.option(fc.record({ at: time(-0.1, 1), form, warrant }), { freq: 3 }),
        amend: opts.simple ? fc.constant(null) : fc.option(fc.record({ at: time(-0.1, 1), form: fc.option(form), warrant: fc.option(warrant) }), { freq: 3 }),
        // Mostly none or one cancellation, sometimes two (the earliest counts).
        cancels: fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 3, arbitrary: time(-0.1, 1.1).map((t) => [t]) },
          { weight: opts.simple ? 0 : 1, arbitrary: fc.tuple(time(-0.1, 1.1), time(-0.1, 1.1)) },
        ),
      });
      return fc.record({
        zone: fc.constant(zone),
        opened: fc.option(time(-0.4, 0.2)),
        starts: opts.simple ? time(0, 0.8).map((t) => [t]) : fc.array(time(0, 0.9), { minLength: 1, maxLength: 3 }),
        // Between two starts, mostly an eligibility end (at a fraction of the way, the next start's instant included), and sometimes one anywhere.
        between: fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { freq: 5 }), { minLength: 2, maxLength: 2 }),
        strayEnd: opts.simple ? fc.constant(null) : fc.option(time(0, 1), { freq: 3 }),
        granuleMs: fc.constant(granule * MINUTE),
        ends: fc.array(fc.record({ at: fc.oneof(time(0.7, 1.05), time(0.1, 1.05)), kind: fc.constantFrom('released', 'ICE', 'unknown', 'Marshals') }), {
          minLength: opts.ends.min,
          maxLength: opts.ends.max,
        }),
        detainers: fc.array(detainer, { minLength: 1, maxLength: opts.simple ? 1 : 3 }),
        versions: fc.array(fc.record({ effectiveFrom: time(-0.1, 1), rules: rulesArb }), { minLength: 1, maxLength: 2 }),
      });
    })
    .map((s) => {
      const steps: Array<[string, number, Fields]> = [];
      if (s.opened !== null) steps.push(['booking.opened', s.opened, {}]);
      for (const t of s.starts) steps.push(['booking.release_eligible', t, {}]);
      const starts = [...s.starts].sort((a, b) => a - b);
      const eligibilityEnds = s.strayEnd === null ? [] : [s.strayEnd];
      for (let i = 0; i + 1 < starts.length; i++) {
        const fraction = s.between[i];
        if (fraction !== null) eligibilityEnds.push(starts[i] + Math.round(((starts[i + 1] - starts[i]) * fraction) / 100 / s.granuleMs) * s.granuleMs);
      }
      for (const t of eligibilityEnds) steps.push(['booking.eligibility_ended', t, { reason: 'warrant' }]);
      for (const e of s.ends) {
        if (e.kind === 'released') steps.push(['booking.released', e.at, {}]);
        else steps.push(['booking.custody_transferred', e.at, e.kind === 'unknown' ? {} : { toAgency: e.kind }]);
      }
      s.detainers.forEach((d, i) => {
        const detainerId = 'ABC'[i];
        const withWarrant = (w: WarrantKind | undefined | null) => (w ? { warrant: w } : {});
        if (d.lodgedAt !== null) steps.push(['detainer.lodged', d.lodgedAt, { detainerId, form: d.form, ...withWarrant(d.warrant) }]);
        if (d.relodge) steps.push(['detainer.lodged', d.relodge.at, { detainerId, form: d.relodge.form, ...withWarrant(d.relodge.warrant) }]);
        if (d.amend) steps.push(['detainer.amended', d.amend.at, { detainerId, ...(d.amend.form ? { form: d.amend.form } : {}), ...withWarrant(d.amend.warrant) }]);
        for (const c of d.cancels) steps.push(['detainer.cancelled', c, { detainerId }]);
      });
      const toRules = (r: (typeof s.versions)[number]['rules']): AuthorityRules => ({
        timeZone: s.zone,
        policy: r.policy,
        holdHours: r.holdHours,
        extraHolidays: r.extraHoliday === null ? [] : [localIsoDate(r.extraHoliday, s.zone)],
        requireJudicialWarrant: r.requireJudicialWarrant,
        releaseProcessingMinutes: r.releaseProcessingMinutes,
      });
      const versions: RuleVersion[] = s.versions
        .sort((a, b) => a.effectiveFrom - b.effectiveFrom)
        .map((v, i) => ({ effectiveFrom: i === 0 ? null : v.effectiveFrom, rules: toRules(v.rules) }))
        .filter((v, i, all) => i === 0 || v.effectiveFrom !== all[i - 1].effectiveFrom);
      const events = steps.map(([type, at, fields], i) => ({
        at,
        body: { eventId: `e${String(i + 1).padStart(2, '0')}`, type, occurredAt: new Date(at).toISOString(), facilityId: 'f', bookingId: 'b', ...fields } as unknown as JmsEvent,
      }));
      return { zone: s.zone, events, versions };
    });

function factsOf(events: StoryEvent[]): CustodyFacts {
  const f = emptyFacts();
  for (const e of events) addFact(f, e.body, e.at, e.at);
  return f;
}

/** Violations with adjacent stretches of one reason merged (the judge cuts at period boundaries). */
function merged(violations: Array<{ from: number; until: number | null; reason: ViolationReason }>) {
  const out: Array<{ from: string; until: string; reason: ViolationReason }> = [];
  let lastUntil: number | null = null;
  for (const v of [...violations].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && lastUntil === v.from && last.reason === v.reason) last.until = new Date(v.until!).toISOString();
    else out.push({ from: new Date(v.from).toISOString(), until: new Date(v.until!).toISOString(), reason: v.reason });
    lastUntil = v.until;
  }
  return out;
}

const describeStory = (s: Story) =>
  [
    s.zone,
    ...s.versions.map((v) => JSON.stringify(v)),
    ...[...s.events].sort((a, b) => a.at - b.at).map((e) => `${DateTime.fromMillis(e.at, { zone: s.zone }).toFormat("ccc yyyy-MM-dd'T'HH:mm")} ${JSON.stringify(e.body)}`),
  ].join('\n');

const closedStory = storyArb({ ends: { min: 1, max: 2 } });
const anyStory = storyArb({ ends: { min: 0, max: 2 } });
const RUNS = 300;

describe('custody judge against a naive minute-by-minute judge', () => {
  it('closed custody: the same unauthorised, processing and authorised time, verdict, and violations with their reasons', () => {
    fc.assert(
      fc.property(closedStory, (story) => {
        const facts = factsOf(story.events);
        const j = judgeCustody(facts, story.versions);
        const n = naiveJudge(facts, story.versions);
        const got = { unauthorizedMs: j.unauthorizedMs, processingMs: j.processingMs, authorizedMs: j.authorizedMs, compliant: j.compliant, violations: merged(j.violations) };
        const want = { unauthorizedMs: n.unauthorizedMs, processingMs: n.processingMs, authorizedMs: n.authorizedMs, compliant: n.compliant, violations: merged(n.violations) };
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ story: describeStory(story), ...got }).toEqual({ story: describeStory(story), ...want });
      }),
      { numRuns: RUNS },
    );
  });

  it('closed custody: unauthorised + authorised + processing time is the custody inside eligibility periods', () => {
    fc.assert(
      fc.property(closedStory, (story) => {
        const facts = factsOf(story.events);
        const j = judgeCustody(facts, story.versions);
        const periodsMs = j.eligibility.reduce((sum, p) => sum + (p.until! - p.from), 0);
        expect(j.unauthorizedMs + j.authorizedMs + j.processingMs).toBe(periodsMs);
        expect(periodsMs).toBe(naiveJudge(facts, story.versions).inPeriodsMs);
        expect(j.overageMs).toBe(j.unauthorizedMs);
      }),
      { numRuns: RUNS },
    );
  });

  it('arrival order does not matter: the events in any order, some twice, give the same judgement', () => {
    const shuffled = anyStory.chain((story) =>
      fc
        .tuple(fc.constant(story), fc.shuffledSubarray(story.events, { minLength: story.events.length }), fc.subarray(story.events))
        .chain(([s, all, again]) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...all, ...again], { minLength: all.length + again.length }))),
    );
    fc.assert(
      fc.property(shuffled, ([story, arrival]) => {
        const inOrder: CustodyJudgement = judgeCustody(factsOf(story.events), story.versions);
        expect(judgeCustody(factsOf(arrival), story.versions)).toEqual(inOrder);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('open custody', () => {
  it('is the same custody released three weeks after its last event, its last stretch still open; due when the last cover ends', () => {
    const openStory = storyArb({ ends: { min: 0, max: 0 } });
    fc.assert(
      fc.property(openStory, (story) => {
        const open = judgeCustody(factsOf(story.events), story.versions);
        const horizon = Math.max(...story.events.map((e) => e.at)) + 21 * 24 * HOUR;
        const release = { at: horizon, body: { eventId: 'e99', type: 'booking.released', occurredAt: new Date(horizon).toISOString(), facilityId: 'f', bookingId: 'b' } as JmsEvent };
        const closed = judgeCustody(factsOf([...story.events, release]), story.versions);
        const atHorizon = (list: Array<{ until: number | null }>) => list.map((x) => ({ ...x, until: x.until ?? horizon }));
        expect(atHorizon(open.violations)).toEqual(closed.violations);
        expect(atHorizon(open.processing)).toEqual(closed.processing);
        if (open.phase !== 'open') return expect([open.phase, open.dueAt]).toEqual(['pending', null]);
        // Due where the last period's cover ends (its start if nothing covers it): unauthorised from there to the horizon.
        const last = closed.eligibility[closed.eligibility.length - 1];
        const windows = closed.detainers.flatMap((d) => d.windows.filter((w) => w.clockStartedAt === last.from));
        const coverEnd = Math.max(last.from, ...windows.map((w) => w.until));
        expect([open.activeFrom, open.dueAt]).toEqual([last.from, coverEnd < horizon ? coverEnd : null]);
        expect(open.authorizedUntil).toBe(windows.some((w) => w.until === coverEnd && coverEnd < horizon) ? coverEnd : null);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('custody judge against the per-hold clock (deriveHold), one detainer, one period, one end', () => {
  it('clock start and deadline agree to the millisecond where both have a clock', () => {
    const simple = storyArb({ ends: { min: 1, max: 1 }, simple: true });
    let compared = 0;
    fc.assert(
      fc.property(simple, (story) => {
        const facts = factsOf(story.events);
        const j = judgeCustody(facts, story.versions);
        const [id] = Object.keys(facts.detainers);
        const d = facts.detainers[id];
        if (!d || d.lodgings.length === 0) return;
        const lodging = d.lodgings[0];
        const end = facts.ends[0];
        const old = deriveHold(
          { releaseEligibleAt: facts.eligibility[0].at, custodyEndedAt: end.at, custodyEndKind: end.kind },
          { lodgedAt: lodging.at, cancelledAt: d.cancellations[0]?.at ?? null, form: lodging.form, warrant: lodging.warrant },
          (t) => rulesInForce(story.versions, t).rules,
        );
        const v = j.detainers[0];
        if (old.clockStartedAt === null || v.clockStartedAt === null) return;
        // A detainer received after its limit was spent authorises nothing: its deadline is its clock start.
        if (lodging.at >= old.deadlineAt!) return expect(v.deadlineAt).toBe(v.clockStartedAt);
        compared++;
        expect(new Date(v.clockStartedAt).toISOString()).toBe(new Date(old.clockStartedAt).toISOString());
        // A later version taking effect after the clock started and before the old deadline may withdraw the authority
        // (rules_changed): the window ends at its effectiveFrom, or never opens if it was in force at the lodging.
        const later = story.versions.find((x) => x.effectiveFrom !== null && x.effectiveFrom > v.clockStartedAt! && x.effectiveFrom < old.deadlineAt!);
        const withdrawn = later ? [later.effectiveFrom! > lodging.at ? later.effectiveFrom! : v.clockStartedAt] : [];
        const allowed = [old.deadlineAt!, ...withdrawn].map((t) => new Date(t).toISOString());
        expect(allowed).toContain(new Date(v.deadlineAt!).toISOString());
        if (!later) expect(v.deadlineAt).toBe(old.deadlineAt);
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS / 5);
  });
});
