/**
 * Custody records through the outside contract: events posted to POST /api/events, verdicts read
 * from GET /api/custody, as a jail lawyer would try them. The design note's worked examples
 * (shared/design/custody-authority.md) with exact seconds, and what the events and rules add.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SweepService } from '../src/alerts/sweep.service.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let supervisor: string;
let sheriff: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2025-07-01T12:00:00.000Z' });
  supervisor = await t.keyFor('supervisor');
  sheriff = await t.keyFor('sheriff');
  await t.http
    .put('/api/facilities/ny')
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/New_York' }))
    .expect(200);
});
afterAll(() => t.close());

const post = async (events: object[]) => (await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200)).body;
const custodyOf = async (facilityId: string, bookingId: string) => {
  const items = (await t.http.get(`/api/custody?facilityId=${facilityId}&bookingId=${bookingId}`).set('Authorization', supervisor).expect(200)).body.items;
  expect(items).toHaveLength(1);
  return items[0];
};
const brief = (v: { from: string; until: string | null; seconds: number; reason: string }) => [v.from, v.until, v.seconds, v.reason];
/** A booking's events at local New York times (EST before 9 March 2025, EDT after). */
const story = (f: string, b: string) => ({
  opened: (at: string) => ev.opened({ facilityId: f, bookingId: b, occurredAt: at }),
  lodged: (at: string, detainerId: string, form: string, warrant?: string) => ev.lodged({ facilityId: f, bookingId: b, occurredAt: at, detainerId, form, warrant }),
  eligible: (at: string) => ev.eligible({ facilityId: f, bookingId: b, occurredAt: at }),
  cancelled: (at: string, detainerId: string) => ev.cancelled({ facilityId: f, bookingId: b, occurredAt: at, detainerId }),
  released: (at: string) => ev.released({ facilityId: f, bookingId: b, occurredAt: at }),
  ended: (at: string, reason: string) => ({ eventId: `${b}-end-${at}`, type: 'booking.eligibility_ended', occurredAt: at, facilityId: f, bookingId: b, reason }),
});

describe("the design note's worked examples, through the API", () => {
  it('1. an I-247N beside a valid I-247A: compliant, no overdue alert ever; cancelled Thursday, one violation of 7,200 s on both holds, one person in the report', async () => {
    const s = story('ny', 'ex1');
    await post([
      s.opened('2025-03-03T09:00:00-05:00'),
      s.lodged('2025-03-04T09:00:00-05:00', 'A', 'I-247A'),
      s.lodged('2025-03-04T09:30:00-05:00', 'N', 'I-247N'),
      s.eligible('2025-03-05T14:00:00-05:00'),
      s.released('2025-03-07T10:00:00-05:00'),
    ]);
    const c = await custodyOf('ny', 'ex1');
    expect([c.status, c.compliant, c.overageSeconds, c.unauthorizedSeconds, c.violations]).toEqual(['closed', true, 0, 0, []]);
    expect(c.detainers.map((d: Record<string, unknown>) => [d.detainerId, d.authority, d.authorizedFrom, d.deadlineAt])).toEqual([
      ['A', 'hold', '2025-03-05T19:00:00.000Z', '2025-03-07T19:00:00.000Z'],
      // Authorises nothing: no authorizedFrom; its deadline is its clock start, as its hold's is.
      ['N', 'notify_only', null, '2025-03-05T19:00:00.000Z'],
    ]);
    expect((await t.http.get('/api/alerts?facilityId=ny').set('Authorization', supervisor).expect(200)).body.items.filter((a: { bookingId: string }) => a.bookingId === 'ex1')).toEqual([]);

    const x = story('ny', 'ex1b');
    await post([
      x.opened('2025-03-03T09:00:00-05:00'),
      x.lodged('2025-03-04T09:00:00-05:00', 'A', 'I-247A'),
      x.lodged('2025-03-04T09:30:00-05:00', 'N', 'I-247N'),
      x.eligible('2025-03-05T14:00:00-05:00'),
      x.cancelled('2025-03-06T10:00:00-05:00', 'A'),
      x.released('2025-03-06T12:00:00-05:00'),
    ]);
    const cb = await custodyOf('ny', 'ex1b');
    expect(cb.violations.map(brief)).toEqual([['2025-03-06T15:00:00.000Z', '2025-03-06T17:00:00.000Z', 7200, 'cancelled']]);
    expect([cb.compliant, cb.overageSeconds]).toEqual([false, 7200]);
    const holds = (await t.http.get('/api/holds?bookingId=ex1b').set('Authorization', supervisor).expect(200)).body.items;
    expect(holds.map((h: Record<string, unknown>) => [h.detainerId, h.status, h.compliant, h.overageSeconds, h.custodyId])).toEqual([
      ['N', 'closed', false, 7200, cb.id],
      ['A', 'closed', false, 7200, cb.id],
    ]);
    const r = (await t.http.get('/api/reports/compliance?facilityId=ny&from=2025-03-01T00:00:00-05:00&to=2025-04-01T00:00:00-04:00').set('Authorization', sheriff).expect(200)).body;
    expect([r.holdsPastDeadline, r.overageSeconds.total, r.holdsClosedCompliant, r.detainersReceived]).toEqual([1, 7200, 1, 4]);
  });

  it('2. a detainer lodged eight hours after bail: no_detainer, 28,800 s; the window Tuesday 18:00 to Thursday 10:00', async () => {
    const s = story('ny', 'ex2');
    await post([s.opened('2025-04-07T09:00:00-04:00'), s.eligible('2025-04-08T10:00:00-04:00'), s.lodged('2025-04-08T18:00:00-04:00', 'D', 'I-247A'), s.released('2025-04-10T09:00:00-04:00')]);
    const c = await custodyOf('ny', 'ex2');
    expect(c.violations.map(brief)).toEqual([['2025-04-08T14:00:00.000Z', '2025-04-08T22:00:00.000Z', 28800, 'no_detainer']]);
    expect([c.compliant, c.overageSeconds]).toEqual([false, 28800]);
    expect([c.detainers[0].authorizedFrom, c.detainers[0].deadlineAt]).toEqual(['2025-04-08T22:00:00.000Z', '2025-04-10T14:00:00.000Z']);
  });

  it('3. a county that adopts no-hold on 1 January: the window ends at 00:00 (rules_changed), 118,800 s; still held, overdue at 00:00 and alerted then', async () => {
    await t.http
      .put('/api/facilities/chi')
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
    await t.http
      .put('/api/facilities/chi')
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago', policy: 'no-hold', effectiveFrom: '2025-01-01T00:00:00-06:00' }))
      .expect(200);
    const s = story('chi', 'ex3');
    await post([s.opened('2024-12-26T09:00:00-06:00'), s.lodged('2024-12-27T09:00:00-06:00', 'D', 'I-247A'), s.eligible('2024-12-30T10:00:00-06:00'), s.released('2025-01-02T09:00:00-06:00')]);
    const c = await custodyOf('chi', 'ex3');
    expect(c.violations.map(brief)).toEqual([['2025-01-01T06:00:00.000Z', '2025-01-02T15:00:00.000Z', 118800, 'rules_changed']]);
    expect(c.overageSeconds).toBe(118800);

    // The same story still held: running until midnight, overdue from then, and the sweep raises it.
    const o = story('chi', 'ex3-open');
    t.clock.set('2024-12-31T18:00:00.000Z');
    try {
      await post([o.opened('2024-12-26T09:00:00-06:00'), o.lodged('2024-12-27T09:00:00-06:00', 'D', 'I-247A'), o.eligible('2024-12-30T10:00:00-06:00')]);
      const running = await custodyOf('chi', 'ex3-open');
      expect([running.status, running.authorizedUntil, running.authorizedUntilLocal]).toEqual(['running', '2025-01-01T06:00:00.000Z', '2025-01-01T00:00:00.000-06:00']);
      t.clock.set('2025-01-01T06:00:00.001Z');
      expect((await custodyOf('chi', 'ex3-open')).status).toBe('overdue');
      await t.app.get(SweepService).sweep();
      const alerts = (await t.http.get(`/api/alerts?custodyId=${running.id}`).set('Authorization', supervisor).expect(200)).body.items;
      expect(alerts.filter((a: { level: string }) => a.level === 'overdue').map((a: Record<string, unknown>) => [a.deadlineAt, a.dueAt, a.state])).toEqual([
        ['2025-01-01T06:00:00.000Z', '2025-01-01T06:00:00.001Z', 'open'],
      ]);
    } finally {
      t.clock.set('2025-07-01T12:00:00.000Z');
    }
  });

  it('4. bail, a new warrant, bail again: 23 + 23 counted hours of 48, compliant; the second window ends Friday 11:00', async () => {
    const s = story('ny', 'ex4');
    await post([
      s.opened('2025-02-06T09:00:00-05:00'),
      s.lodged('2025-02-07T09:00:00-05:00', 'D', 'I-247A'),
      s.eligible('2025-02-10T10:00:00-05:00'),
      s.ended('2025-02-11T09:00:00-05:00', 'warrant'),
      s.eligible('2025-02-13T10:00:00-05:00'),
      s.released('2025-02-14T09:00:00-05:00'),
    ]);
    const c = await custodyOf('ny', 'ex4');
    expect([c.compliant, c.overageSeconds, c.detainers[0].deadlineAt]).toEqual([true, 0, '2025-02-14T16:00:00.000Z']);
    expect(c.eligibility.map((p: Record<string, unknown>) => [p.from, p.until, p.endedBy])).toEqual([
      ['2025-02-10T15:00:00.000Z', '2025-02-11T14:00:00.000Z', 'warrant'],
      ['2025-02-13T15:00:00.000Z', '2025-02-14T14:00:00.000Z', 'released'],
    ]);
  });

  it('5. no-hold with 60 minutes of release processing: 45 minutes is compliant (2,700 s processing); 90 minutes is 1,800 s unauthorised and 3,600 s processing', async () => {
    await t.http
      .put('/api/facilities/nohold')
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'no-hold', releaseProcessingMinutes: 60 }))
      .expect(200);
    for (const [b, released] of [
      ['ex5-quick', '2025-06-03T10:45:00-04:00'],
      ['ex5-slow', '2025-06-03T11:30:00-04:00'],
    ]) {
      const s = story('nohold', b);
      await post([s.opened('2025-06-01T09:00:00-04:00'), s.lodged('2025-06-02T09:00:00-04:00', 'D', 'I-247A'), s.eligible('2025-06-03T10:00:00-04:00'), s.released(released)]);
    }
    const quick = await custodyOf('nohold', 'ex5-quick');
    expect([quick.compliant, quick.unauthorizedSeconds, quick.processingSeconds, quick.violations]).toEqual([true, 0, 2700, []]);
    const slow = await custodyOf('nohold', 'ex5-slow');
    expect([slow.compliant, slow.overageSeconds, slow.unauthorizedSeconds, slow.processingSeconds]).toEqual([false, 1800, 1800, 3600]);
    expect(slow.violations.map(brief)).toEqual([['2025-06-03T15:00:00.000Z', '2025-06-03T15:30:00.000Z', 1800, 'not_authorized']]);
  });

  it('6. two custody ends: the latest counts, 82,800 s, anomaly several_custody_ends naming both', async () => {
    const s = story('ny', 'ex6');
    const first = s.released('2025-05-06T11:00:00-04:00');
    const last = s.released('2025-05-09T09:00:00-04:00');
    await post([s.opened('2025-05-05T08:00:00-04:00'), s.lodged('2025-05-05T09:00:00-04:00', 'D', 'I-247A'), s.eligible('2025-05-06T10:00:00-04:00'), first, last]);
    const c = await custodyOf('ny', 'ex6');
    expect([c.overageSeconds, c.endedAt]).toEqual([82800, '2025-05-09T13:00:00.000Z']);
    expect(c.anomalies.map((a: { code: string; eventIds: string[] }) => [a.code, a.eventIds])).toEqual([['several_custody_ends', [first.eventId, last.eventId]]]);
  });
});

describe('what senders send, and what the rules say', () => {
  it('a misspelt field is refused naming it; a transfer naming no agency is not taken for ICE; the facility names ICE by its own aliases', async () => {
    const s = story('ny', 'agency');
    const refused = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ ...ev.transferred({ facilityId: 'ny', bookingId: 'agency', occurredAt: '2025-05-06T11:00:00-04:00' }), toAgncy: 'ICE' })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'toAgncy', message: 'is not a known field; put the sender\'s own data in "extensions"' }]);
    await post([
      s.opened('2025-05-05T08:00:00-04:00'),
      s.lodged('2025-05-05T09:00:00-04:00', 'D', 'I-247A'),
      s.eligible('2025-05-06T10:00:00-04:00'),
      ev.transferred({ facilityId: 'ny', bookingId: 'agency', occurredAt: '2025-05-06T11:00:00-04:00' }),
    ]);
    const c = await custodyOf('ny', 'agency');
    expect([c.outcome, c.toAgency, c.honoured, c.anomalies.map((a: { code: string }) => a.code)]).toEqual(['transferred', null, false, ['transfer_without_agency']]);

    await t.http
      .put('/api/facilities/alias')
      .set('Authorization', t.admin)
      .send(facilityBody({ agencyAliases: ['Enforcement and Removal Operations Seattle'] }))
      .expect(200);
    const a = story('alias', 'alias');
    await post([
      a.opened('2025-05-05T08:00:00-04:00'),
      a.lodged('2025-05-05T09:00:00-04:00', 'D', 'I-247A'),
      a.eligible('2025-05-06T10:00:00-04:00'),
      ev.transferred({ facilityId: 'alias', bookingId: 'alias', occurredAt: '2025-05-06T11:00:00-04:00', toAgency: '  enforcement AND removal operations   seattle ' }),
    ]);
    expect((await custodyOf('alias', 'alias')).honoured).toBe(true);
  });

  it('a detainer lodged again with a judicial warrant authorises custody from then on, where one is required', async () => {
    await t.http
      .put('/api/facilities/judicial')
      .set('Authorization', t.admin)
      .send(facilityBody({ requireJudicialWarrant: true }))
      .expect(200);
    const s = story('judicial', 'relodged');
    await post([
      s.opened('2025-05-05T08:00:00-04:00'),
      s.lodged('2025-05-05T09:00:00-04:00', 'D', 'I-247A', 'administrative'),
      s.eligible('2025-05-06T10:00:00-04:00'),
      s.lodged('2025-05-06T12:00:00-04:00', 'D', 'I-247A', 'judicial'),
      s.released('2025-05-07T10:00:00-04:00'),
    ]);
    const c = await custodyOf('judicial', 'relodged');
    expect(c.violations.map(brief)).toEqual([['2025-05-06T14:00:00.000Z', '2025-05-06T16:00:00.000Z', 7200, 'not_authorized']]);
    expect([c.detainers[0].warrant, c.detainers[0].authority, c.detainers[0].authorizedFrom]).toEqual(['judicial', 'hold', '2025-05-06T16:00:00.000Z']);
    expect(c.anomalies.map((a: { code: string }) => a.code)).toEqual(['lodged_again']);
    // And detainer.amended does the same from its instant.
    const m = story('judicial', 'amended');
    await post([
      m.opened('2025-05-05T08:00:00-04:00'),
      m.lodged('2025-05-05T09:00:00-04:00', 'D', 'I-247A'),
      m.eligible('2025-05-06T10:00:00-04:00'),
      { eventId: 'amended-warrant', type: 'detainer.amended', occurredAt: '2025-05-06T11:00:00-04:00', facilityId: 'judicial', bookingId: 'amended', detainerId: 'D', warrant: 'judicial' },
      m.released('2025-05-07T10:00:00-04:00'),
    ]);
    expect((await custodyOf('judicial', 'amended')).violations.map(brief)).toEqual([['2025-05-06T14:00:00.000Z', '2025-05-06T15:00:00.000Z', 3600, 'not_authorized']]);
  });

  it('a back-dated facility holiday that changes a closed verdict flags it rejudged with the verdict before, and lists the change', async () => {
    await t.http.put('/api/facilities/back').set('Authorization', t.admin).send(facilityBody()).expect(200);
    const s = story('back', 'late');
    // Eligible Thursday 1 May 10:00: 48 business hours end Monday 5 May 10:00; released 12:00, 7,200 s late.
    await post([s.opened('2025-04-28T08:00:00-04:00'), s.lodged('2025-04-29T09:00:00-04:00', 'D', 'I-247A'), s.eligible('2025-05-01T10:00:00-04:00'), s.released('2025-05-05T12:00:00-04:00')]);
    expect([(await custodyOf('back', 'late')).overageSeconds, (await custodyOf('back', 'late')).rejudged]).toEqual([7200, null]);
    // Friday 2 May was a county holiday, recorded now with the rules from April on.
    await t.http
      .put('/api/facilities/back')
      .set('Authorization', t.admin)
      .send(facilityBody({ extraHolidays: ['2025-05-02'], effectiveFrom: '2025-04-01T00:00:00-04:00' }))
      .expect(200);
    const c = await custodyOf('back', 'late');
    expect([c.compliant, c.overageSeconds, c.rejudged]).toEqual([true, 0, { compliant: false, overageSeconds: 7200, recordedAt: '2025-07-01T12:00:00.000Z' }]);
    const changes = (await t.http.get('/api/custody/verdict-changes').set('Authorization', t.admin).expect(200)).body.items.filter((x: { bookingId: string }) => x.bookingId === 'late');
    expect(changes.map((x: Record<string, unknown>) => [x.cause, x.before, x.after])).toEqual([
      ['rules_changed', { phase: 'closed', compliant: false, overageSeconds: 7200 }, { phase: 'closed', compliant: true, overageSeconds: 0 }],
    ]);
    await t.http.get('/api/custody/verdict-changes').set('Authorization', supervisor).expect(403);
  });

  it('filters, orders least authority left first, pages with a cursor, and names bad input', async () => {
    const all = (await t.http.get('/api/custody?facilityId=ny&limit=2').set('Authorization', sheriff).expect(200)).body;
    expect(all.items).toHaveLength(2);
    const next = (await t.http.get(`/api/custody?facilityId=ny&limit=100&cursor=${all.nextCursor}`).set('Authorization', sheriff).expect(200)).body;
    const ids = [...all.items, ...next.items].map((c: { bookingId: string }) => c.bookingId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(['agency', 'ex1', 'ex1b', 'ex2', 'ex4', 'ex6']);
    expect((await t.http.get('/api/custody?facilityId=ny&compliant=false').set('Authorization', sheriff).expect(200)).body.items.map((c: { bookingId: string }) => c.bookingId).sort()).toEqual([
      'ex1b',
      'ex2',
      'ex6',
    ]);
    for (const [query, field] of [
      ['status=late', 'status'],
      ['authorizedBefore=tomorrow', 'authorizedBefore'],
      ['compliant=maybe', 'compliant'],
      ['colour=red', 'colour'],
      ['cursor=xyz', 'cursor'],
    ]) {
      const res = await t.http.get(`/api/custody?${query}`).set('Authorization', sheriff).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    await t.http.get('/api/custody/00000000-0000-4000-8000-000000000000').set('Authorization', sheriff).expect(404);
    await t.http
      .get('/api/custody')
      .set('Authorization', await t.keyFor('counsel'))
      .expect(403);
    const one = (await t.http.get(`/api/custody/${all.items[0].id}`).set('Authorization', sheriff).expect(200)).body;
    expect(one.timeline.length).toBeGreaterThan(2);
    expect(one.explanation.length).toBeGreaterThan(2);
  });

  it("the deadline worked out ahead uses the form's own setting", async () => {
    await t.http
      .put('/api/facilities/forms')
      .set('Authorization', t.admin)
      .send(facilityBody({ forms: { 'I-247A': { authority: 'hold', limitHours: 24, counting: 'calendar' } } }))
      .expect(200);
    const d = (await t.http.get('/api/facilities/forms/deadline?releaseEligibleAt=2025-06-06T10:00:00-04:00&form=I-247A').set('Authorization', supervisor).expect(200)).body;
    expect([d.authority, d.limitHours, d.counting, d.deadlineAt]).toEqual(['hold', 24, 'calendar', '2025-06-07T14:00:00.000Z']);
    const n = (await t.http.get('/api/facilities/forms/deadline?releaseEligibleAt=2025-06-06T10:00:00-04:00&form=I-247N').set('Authorization', supervisor).expect(200)).body;
    expect([n.authority, n.authorisesHold, n.deadlineAt]).toEqual(['notify_only', false, '2025-06-06T14:00:00.000Z']);
  });
});
