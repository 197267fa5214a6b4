/**
 * Jurisdiction rule sets through the outside contract (issue 28): what the jail sends about the
 * person, the facility's rule set, and the verdicts, reviews, decisions, disclosure and contacts
 * that follow from them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SweepService } from '../src/alerts/sweep.service.js';
import { bytes } from './support/bytes.js';
import { ev, facilityBody } from './support/factories.js';
import { pdfText } from './support/pdf-text.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let supervisor: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T12:00:00.000Z' });
  supervisor = await t.keyFor('supervisor');
  await t.http.put('/api/facilities/rs').set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const base = (type: string, eventId: string, bookingId = 'b1') => ({ eventId, type, occurredAt: '2026-03-01T10:00:00-05:00', facilityId: 'rs', bookingId });

describe('what the jail sends about the person', () => {
  it('takes classes on charges, a criminal history and flags', async () => {
    const res = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'rs', bookingId: 'b1', occurredAt: '2026-03-01T09:00:00-05:00', charges: [{ code: 'PL 120.05', level: 'felony', classes: ['violent_felony', 'class_b_felony'] }] }),
          { ...base('booking.criminal_history', 'h1'), convictions: [{ code: 'PL 160.10', description: 'robbery 2', classes: ['violent_felony'], convictedAt: '2022-06-01', jurisdiction: 'NY' }] },
          { ...base('booking.criminal_history', 'h2'), convictions: [] },
          { ...base('booking.flagged', 'f1'), flag: 'terrorist_screening_match' },
          { ...base('booking.unflagged', 'f2'), flag: 'terrorist_screening_match' },
        ],
      })
      .expect(200);
    expect(res.body).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
  });

  it('refuses an unknown class or flag with 400 naming the field, storing nothing', async () => {
    const one = async (body: object) => (await t.http.post('/api/events').set('Authorization', t.admin).send(body).expect(400)).body.errors;
    expect(await one({ ...base('booking.charges_updated', 'x1'), charges: [{ level: 'felony', classes: ['violent felony'] }] })).toEqual([
      { field: 'charges.0.classes.0', message: expect.stringContaining('must be a known class') },
    ]);
    expect(await one({ ...base('booking.criminal_history', 'x2'), convictions: [{ classes: ['felony'], convictedAt: '2022-13-01' }] })).toEqual([
      { field: 'convictions.0.convictedAt', message: 'must be a date YYYY-MM-DD' },
    ]);
    expect(await one({ ...base('booking.flagged', 'x3'), flag: 'gang_member' })).toEqual([{ field: 'flag', message: expect.stringContaining('must be one of victim, witness') }]);
    const stored = await t.ds.query(`SELECT count(*)::int AS n FROM events WHERE event_id IN ('x1', 'x2', 'x3')`);
    expect(stored[0].n).toBe(0);
  });
});

describe("a facility's charge-code table", () => {
  it('is stored with the rules and returned by GET', async () => {
    const chargeClasses = [
      { code: 'PL 125*', classes: ['violent_felony'] },
      { code: 'VTL 1192.3', classes: ['misdemeanor'] },
    ];
    await t.http.put('/api/facilities/rs2').set('Authorization', t.admin).send(facilityBody({ chargeClasses })).expect(200);
    const got = (await t.http.get('/api/facilities/rs2').set('Authorization', supervisor).expect(200)).body;
    expect(got.ruleSet).toEqual({ chargeClasses });
  });

  it('refuses an unknown class naming the field, and leaves the rules as they were', async () => {
    const res = await t.http
      .put('/api/facilities/rs2')
      .set('Authorization', t.admin)
      .send(facilityBody({ chargeClasses: [{ code: 'PL*', classes: ['felony', 'felonious'] }] }))
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'chargeClasses.0.classes.1', message: expect.stringContaining('must be a known class') }]);
    expect((await t.http.get('/api/facilities/rs2').set('Authorization', supervisor).expect(200)).body.ruleSet.chargeClasses).toHaveLength(2);
  });
});

describe('criteria per form, judged', () => {
  const criteria = {
    'I-247A': {
      allOf: [{ kind: 'judicial_warrant' }],
      anyOf: [
        { kind: 'conviction', classes: ['violent_felony'], withinYears: 5 },
        { kind: 'flag', flag: 'terrorist_screening_match' },
      ],
    },
  };
  const post = async (events: object[]) => (await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200)).body;
  const custodyOf = async (bookingId: string) => (await t.http.get(`/api/custody?facilityId=crit&bookingId=${bookingId}`).set('Authorization', supervisor).expect(200)).body.items[0];
  const story = (b: string, warrant: string, extra: object[] = []) => [
    ev.opened({ facilityId: 'crit', bookingId: b, occurredAt: '2026-02-23T08:00:00-05:00' }),
    ev.lodged({ facilityId: 'crit', bookingId: b, occurredAt: '2026-02-23T09:00:00-05:00', warrant }),
    ...extra,
    ev.eligible({ facilityId: 'crit', bookingId: b, occurredAt: '2026-02-23T10:00:00-05:00' }),
    ev.released({ facilityId: 'crit', bookingId: b, occurredAt: '2026-02-23T12:00:00-05:00' }),
  ];
  const history = (b: string, convictions: object[]) => ({
    eventId: `${b}-h`,
    type: 'booking.criminal_history',
    occurredAt: '2026-02-23T08:30:00-05:00',
    facilityId: 'crit',
    bookingId: b,
    convictions,
  });

  beforeAll(async () => {
    await t.http
      .put('/api/facilities/crit')
      .set('Authorization', t.admin)
      .send(facilityBody({ criteria, review: ['victim_or_witness'] }))
      .expect(200);
  });

  it('refuse an unknown flag or class in a criterion naming the field', async () => {
    const bad = {
      'I-247A': {
        allOf: [],
        anyOf: [
          { kind: 'flag', flag: 'gang' },
          { kind: 'charge', classes: ['arson'] },
        ],
      },
    };
    const res = await t.http
      .put('/api/facilities/crit')
      .set('Authorization', t.admin)
      .send(facilityBody({ criteria: bad }))
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['criteria.I-247A.anyOf.0.flag', 'criteria.I-247A.anyOf.1.classes.0']);
    expect((await t.http.get('/api/facilities/crit').set('Authorization', supervisor).expect(200)).body.ruleSet).toEqual({ criteria, review: ['victim_or_witness'] });
  });

  it('a judicial warrant and a violent felony four years ago: holds, compliant', async () => {
    await post(story('c1', 'judicial', [history('c1', [{ classes: ['violent_felony'], convictedAt: '2022-02-01', jurisdiction: 'NY' }])]));
    const c = await custodyOf('c1');
    expect([c.compliant, c.unauthorizedSeconds, c.detainers[0].authority, c.detainers[0].reasons]).toEqual([true, 0, 'hold', []]);
    expect(c.detainers[0].screen).toEqual({
      met: ['judicial_warrant', 'conviction:violent_felony within 5 years'],
      notMet: ['flag:terrorist_screening_match'],
      unknown: [],
      review: [],
      decision: null,
    });
  });

  it('an administrative warrant: criteria_not_met, naming which; every hour after eligibility unauthorised (7200 s)', async () => {
    await post(story('c2', 'administrative', [history('c2', [{ classes: ['violent_felony'], convictedAt: '2022-02-01' }])]));
    const c = await custodyOf('c2');
    expect([c.compliant, c.overageSeconds, c.detainers[0].authority, c.detainers[0].reasons, c.detainers[0].screen.notMet]).toEqual([
      false,
      7200,
      'none',
      ['criteria_not_met'],
      ['judicial_warrant', 'flag:terrorist_screening_match'],
    ]);
    expect(c.violations.map((v: { reason: string; seconds: number }) => [v.reason, v.seconds])).toEqual([['not_authorized', 7200]]);
    expect(c.explanation).toContain('Rule set for detainer d1: met: conviction:violent_felony within 5 years; not met: judicial_warrant, flag:terrorist_screening_match.');
  });

  it('no criminal history on file: needs_review, custody unauthorised until decided', async () => {
    await post(story('c3', 'judicial'));
    const c = await custodyOf('c3');
    expect([c.overageSeconds, c.detainers[0].authority, c.detainers[0].screen.unknown, c.violations.map((v: { reason: string }) => v.reason)]).toEqual([
      7200,
      'needs_review',
      ['conviction:violent_felony within 5 years'],
      ['needs_review'],
    ]);
  });
});

describe('reviews and decisions', () => {
  // Now is 2026-03-02 12:00Z (07:00 New York). Booking r1: a victim with an I-247A, eligible at 06:00 today and still held.
  const B = 'r1';
  const at = (local: string) => `2026-03-02T${local}:00-05:00`;
  let custodyId: string;

  beforeAll(async () => {
    await t.http
      .put('/api/facilities/rev')
      .set('Authorization', t.admin)
      .send(facilityBody({ review: ['victim_or_witness', 'claims_us_citizenship'] }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'rev', bookingId: B, occurredAt: at('01:00') }),
          ev.lodged({ facilityId: 'rev', bookingId: B, occurredAt: at('02:00') }),
          { eventId: 'r1-flag', type: 'booking.flagged', occurredAt: at('03:00'), facilityId: 'rev', bookingId: B, flag: 'victim' },
          ev.eligible({ facilityId: 'rev', bookingId: B, occurredAt: at('06:00') }),
        ],
      })
      .expect(200);
  });

  it('lists the detainer waiting for a decision, to supervisors, while the person is held without authority', async () => {
    const items = (await t.http.get('/api/reviews?facilityId=rev').set('Authorization', supervisor).expect(200)).body.items;
    custodyId = items[0].custodyId;
    expect(items).toEqual([
      {
        custodyId,
        facilityId: 'rev',
        bookingId: B,
        personId: `person-${B}`,
        detainerId: 'd1',
        form: 'I-247A',
        warrant: null,
        lodgedAt: '2026-03-02T07:00:00.000Z',
        status: 'overdue',
        unknown: [],
        review: ['victim_or_witness'],
        met: [],
        notMet: [],
      },
    ]);
    const sheriff = await t.keyFor('sheriff');
    await t.http.get('/api/reviews').set('Authorization', sheriff).expect(403);
  });

  it('raises a review alert beside the overdue one', async () => {
    await t.app.get(SweepService).sweep();
    const alerts = (await t.http.get(`/api/alerts?custodyId=${custodyId}`).set('Authorization', supervisor).expect(200)).body.items;
    expect(alerts.map((a: { level: string; deadlineAt: string; state: string }) => [a.level, a.deadlineAt, a.state]).sort()).toEqual([
      ['overdue', '2026-03-02T11:00:00.000Z', 'open'],
      ['review', '2026-03-02T11:00:00.000Z', 'open'],
    ]);
  });

  it('refuses a decision sent as an event by a JMS, naming type', async () => {
    const res = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        eventId: 'forged',
        type: 'detainer.decided',
        occurredAt: at('06:30'),
        facilityId: 'rev',
        bookingId: B,
        detainerId: 'd1',
        decision: 'honour',
        basis: 'x',
        decidedBy: { keyId: 'k', name: 'n' },
      })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'type', message: 'a decision on a detainer is recorded by a supervisor through POST /api/custody/{id}/decisions' }]);
  });

  it('records a decision in the log: honoured from 07:00, unauthorised before (3600 s), the review alert resolved', async () => {
    const res = await t.http
      .post(`/api/custody/${custodyId}/decisions`)
      .set('Authorization', supervisor)
      .send({ detainerId: 'd1', decision: 'honour', basis: 'Victim status not certified; ICE confirms removal order.' })
      .expect(201);
    expect(res.body.decision).toMatchObject({ detainerId: 'd1', decision: 'honour', decidedBy: { name: 'test supervisor' }, decidedAt: '2026-03-02T12:00:00.000Z' });
    const c = res.body.custody;
    expect([c.status, c.detainers[0].authority, c.detainers[0].authorizedFrom, c.violations.map((v: { reason: string; seconds: number; until: string }) => [v.reason, v.seconds, v.until])]).toEqual([
      'running',
      'hold',
      '2026-03-02T12:00:00.000Z',
      [['needs_review', 3600, '2026-03-02T12:00:00.000Z']],
    ]);
    expect(c.explanation).toContain(
      'Rule set for detainer d1: needs review: victim_or_witness. A supervisor (test supervisor) decided to honour it on Mon 2 Mar 2026 07:00 EST: Victim status not certified; ICE confirms removal order.',
    );
    const logged = await t.ds.query(`SELECT type, body->>'basis' AS basis FROM events WHERE facility_id = 'rev' AND type = 'detainer.decided'`);
    expect(logged).toEqual([{ type: 'detainer.decided', basis: 'Victim status not certified; ICE confirms removal order.' }]);
    const alerts = (await t.http.get(`/api/alerts?custodyId=${custodyId}&level=review`).set('Authorization', supervisor).expect(200)).body.items;
    expect(alerts.map((a: { state: string }) => a.state)).toEqual(['resolved']);
    expect((await t.http.get('/api/reviews?facilityId=rev').set('Authorization', supervisor).expect(200)).body.items).toEqual([]);
  });

  it('answers 409 naming detainerId when the detainer needs no decision, and 400 for a bad body', async () => {
    const again = await t.http.post(`/api/custody/${custodyId}/decisions`).set('Authorization', supervisor).send({ detainerId: 'd1', decision: 'decline', basis: 'second thoughts' }).expect(409);
    expect(again.body.errors).toEqual([{ field: 'detainerId', message: 'detainer "d1" needs no decision: its authority is hold' }]);
    const bad = await t.http.post(`/api/custody/${custodyId}/decisions`).set('Authorization', supervisor).send({ detainerId: 'd1', decision: 'maybe', basis: '' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['decision', 'basis']);
    const n = await t.ds.query(`SELECT count(*)::int AS n FROM events WHERE facility_id = 'rev' AND type = 'detainer.decided'`);
    expect(n[0].n).toBe(1);
  });

  it('a decline resolves the review item too, while the overdue alert beside it stays', async () => {
    await t.http
      .put('/api/facilities/rev2')
      .set('Authorization', t.admin)
      .send(facilityBody({ review: ['victim_or_witness', 'claims_us_citizenship'] }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'rev2', bookingId: 'r2', occurredAt: at('01:00') }),
          ev.lodged({ facilityId: 'rev2', bookingId: 'r2', occurredAt: at('02:00') }),
          { eventId: 'r2-flag', type: 'booking.flagged', occurredAt: at('03:00'), facilityId: 'rev2', bookingId: 'r2', flag: 'witness' },
          ev.eligible({ facilityId: 'rev2', bookingId: 'r2', occurredAt: at('06:00') }),
        ],
      })
      .expect(200);
    await t.app.get(SweepService).sweep();
    const id = (await t.http.get('/api/reviews?facilityId=rev2').set('Authorization', supervisor).expect(200)).body.items[0].custodyId;
    await t.http
      .post(`/api/custody/${id}/decisions`)
      .set('Authorization', supervisor)
      .send({ detainerId: 'd1', decision: 'decline', basis: 'A witness in a pending case: the jail will not hold.' })
      .expect(201);
    const alerts = (await t.http.get(`/api/alerts?custodyId=${id}`).set('Authorization', supervisor).expect(200)).body.items;
    expect(alerts.map((a: { level: string; state: string; resolution: string | null }) => [a.level, a.state, a.resolution]).sort()).toEqual([
      ['overdue', 'open', null],
      ['review', 'resolved', 'no detainer waits for a decision any more'],
    ]);
  });
});

describe('release-date disclosure and the ICE-contact log', () => {
  const at = (local: string) => `2026-03-02T${local}:00-05:00`;
  const facts = (f: string, b: string, warrant: string) => [
    ev.opened({ facilityId: f, bookingId: b, occurredAt: at('01:00') }),
    ev.lodged({ facilityId: f, bookingId: b, occurredAt: at('02:00'), warrant }),
  ];
  const custody = async (f: string, b: string) => (await t.http.get(`/api/custody?facilityId=${f}&bookingId=${b}`).set('Authorization', supervisor).expect(200)).body.items[0];

  beforeAll(async () => {
    const judicialOnly = { 'I-247A': { allOf: [{ kind: 'judicial_warrant' }], anyOf: [] } };
    await t.http
      .put('/api/facilities/disc')
      .set('Authorization', t.admin)
      .send(facilityBody({ criteria: judicialOnly, disclosure: 'if_criteria' }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: [...facts('disc', 'k1', 'judicial'), ...facts('disc', 'k2', 'administrative')] })
      .expect(200);
  });

  it('custody records say whether a release date may be told to ICE, and why', async () => {
    expect((await custody('disc', 'k1')).disclosure).toEqual({ allowed: true, basis: 'detainer d1 meets the criteria for holding: judicial_warrant (if_criteria)' });
    expect((await custody('disc', 'k2')).disclosure).toEqual({
      allowed: false,
      basis: 'no detainer meets the criteria for holding, and the rules allow telling ICE a release date only then (if_criteria)',
    });
    expect((await custody('crit', 'c1')).disclosure).toEqual({ allowed: true, basis: 'the rules allow telling ICE a release date (always)' });
  });

  it('logs contacts, flags one the rules did not allow, and the report counts it', async () => {
    const k2 = (await custody('disc', 'k2')).id;
    const shared = await t.http
      .post(`/api/custody/${k2}/contacts`)
      .set('Authorization', supervisor)
      .send({ kind: 'release_date_shared', at: at('05:00'), note: 'ERO called the desk' })
      .expect(201);
    expect(shared.body).toMatchObject({
      custodyId: k2,
      kind: 'release_date_shared',
      at: '2026-03-02T10:00:00.000Z',
      note: 'ERO called the desk',
      recordedBy: 'test supervisor',
      allowed: false,
      flagged: true,
    });
    const records = await t.http
      .post(`/api/custody/${k2}/contacts`)
      .set('Authorization', supervisor)
      .send({ kind: 'records_request', at: at('05:30') })
      .expect(201);
    expect([records.body.allowed, records.body.basis]).toEqual([true, 'discloses no release date']);
    const bad = await t.http.post(`/api/custody/${k2}/contacts`).set('Authorization', supervisor).send({ kind: 'gossip', at: '2026-03-02 05:00' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['kind', 'at']);
    const list = (await t.http.get(`/api/custody/${k2}/contacts`).set('Authorization', supervisor).expect(200)).body.items;
    expect(list.map((c: { kind: string; flagged: boolean }) => [c.kind, c.flagged])).toEqual([
      ['release_date_shared', true],
      ['records_request', false],
    ]);
    // Counsel read the contacts in the booking's history, as JSON and PDF.
    const history = (await t.http.get('/api/bookings/k2/history?facilityId=disc').set('Authorization', supervisor).expect(200)).body;
    expect(history.custody.disclosure.allowed).toBe(false);
    expect(history.contacts.map((c: { kind: string; at: string; allowed: boolean; recordedBy: string; note: string | null }) => [c.kind, c.at, c.allowed, c.recordedBy, c.note])).toEqual([
      ['release_date_shared', '2026-03-02T10:00:00.000Z', false, 'test supervisor', 'ERO called the desk'],
      ['records_request', '2026-03-02T10:30:00.000Z', true, 'test supervisor', null],
    ]);
    const pdf = await bytes(t.http.get('/api/bookings/k2/history?facilityId=disc&format=pdf').set('Authorization', supervisor)).expect(200);
    const text = pdfText(pdf.body as Buffer).replace(/\s/g, '');
    for (const line of [
      'Release date and contacts with ICE',
      'Telling ICE the release date is not allowed now: no detainer meets the criteria for holding, and the rules allow telling ICE a release date only then (if_criteria).',
      'Mon 2 Mar 2026 05:00 EST: release date shared, recorded',
      'by test supervisor; FLAGGED: not allowed by the rules when recorded (no detainer meets the criteria for holding, and the rules allow telling ICE a release date only then (if_criteria)). Note: ERO called the desk',
      'Mon 2 Mar 2026 05:30 EST: records request, recorded',
      'by test supervisor; allowed by the rules when recorded.',
    ]) {
      expect(text).toContain(line.replace(/\s/g, ''));
    }
    const sheriff = await t.keyFor('sheriff');
    const report = (await t.http.get('/api/reports/compliance?facilityId=disc&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z').set('Authorization', sheriff).expect(200)).body;
    expect(report.iceContacts).toEqual({ total: 2, disallowed: 1 });
    const rev = (await t.http.get('/api/reports/compliance?facilityId=rev&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z').set('Authorization', sheriff).expect(200)).body;
    expect(rev.reviews).toEqual({ needed: 1, awaiting: 0, honoured: 1, declined: 0 });
  });
});

describe('presets through the API', () => {
  it('GET /api/rule-presets lists them, each with citations and whether verified', async () => {
    const items = (await t.http.get('/api/rule-presets').set('Authorization', supervisor).expect(200)).body.items;
    expect(items.map((p: { id: string; verified: boolean }) => [p.id, p.verified])).toEqual([
      ['federal', false],
      ['federal-i247a-calendar', false],
      ['us-ca', false],
      ['us-co', false],
      ['us-ct', false],
      ['us-il', true],
      ['us-ma', false],
      ['us-nj', false],
      ['us-nyc', true],
      ['us-or', false],
      ['us-tx', false],
      ['us-wa', true],
    ]);
    expect(items.find((p: { id: string }) => p.id === 'us-il')).toMatchObject({
      name: 'Illinois TRUST Act',
      jurisdiction: 'Illinois',
      unverified: [],
      citations: [
        { cite: '5 ILCS 805/15(a)', verified: true },
        { cite: '5 ILCS 805/10', verified: true },
      ],
    });
  });

  it('PUT takes a preset and overrides; GET returns both and the rules in force; an unknown preset is refused naming it', async () => {
    const put = await t.http
      .put('/api/facilities/nyc')
      .set('Authorization', t.admin)
      .send({ name: 'Rikers', timeZone: 'America/New_York', preset: 'us-nyc', rules: { chargeClasses: [{ code: 'PL 160.15', classes: ['nyc_violent_or_serious_crime'] }] } })
      .expect(200);
    expect([put.body.policy, put.body.holdHours, put.body.preset.id, put.body.preset.verified, put.body.rules, put.body.ruleSet.disclosure, put.body.ruleSet.chargeClasses]).toEqual([
      'federal-48-business-hours',
      48,
      'us-nyc',
      true,
      { chargeClasses: [{ code: 'PL 160.15', classes: ['nyc_violent_or_serious_crime'] }] },
      'if_criteria',
      [{ code: 'PL 160.15', classes: ['nyc_violent_or_serious_crime'] }],
    ]);
    expect(put.body.preset.unverified).toEqual([]);
    const bad = await t.http
      .put('/api/facilities/nyc')
      .set('Authorization', t.admin)
      .send({ name: 'Rikers', timeZone: 'America/New_York', preset: 'us-nyc-2', rules: { holdHours: 0 } })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['preset', 'rules.holdHours']);
    const none = await t.http.put('/api/facilities/nopolicy').set('Authorization', t.admin).send({ name: 'X', timeZone: 'America/New_York' }).expect(400);
    expect(none.body.errors.map((e: { field: string }) => e.field)).toEqual(['policy']);
    expect((await t.http.get('/api/facilities/nyc').set('Authorization', supervisor).expect(200)).body.preset.id).toBe('us-nyc');
  });

  it('us-nyc honours a judicial warrant for a person convicted of a listed violent felony four years ago, and nothing less', async () => {
    const stories: Array<[string, string, object[], string]> = [
      ['n1', 'judicial', [{ code: 'PL 160.15', description: 'robbery 1', classes: ['nyc_violent_or_serious_crime'], convictedAt: '2022-02-20', jurisdiction: 'NY' }], 'hold'],
      ['n2', 'administrative', [{ classes: ['nyc_violent_or_serious_crime'], convictedAt: '2022-02-20' }], 'none'],
      ['n3', 'judicial', [{ classes: ['nyc_violent_or_serious_crime'], convictedAt: '2020-02-20' }], 'none'],
      ['n4', 'judicial', [{ classes: ['misdemeanor'], convictedAt: '2025-02-20' }], 'none'],
    ];
    for (const [b, warrant, convictions] of stories) {
      await t.http
        .post('/api/events')
        .set('Authorization', t.admin)
        .send({
          events: [
            ev.opened({ facilityId: 'nyc', bookingId: b, occurredAt: '2026-02-23T08:00:00-05:00' }),
            { eventId: `${b}-h`, type: 'booking.criminal_history', occurredAt: '2026-02-23T08:30:00-05:00', facilityId: 'nyc', bookingId: b, convictions },
            ev.lodged({ facilityId: 'nyc', bookingId: b, occurredAt: '2026-02-23T09:00:00-05:00', warrant }),
            ev.eligible({ facilityId: 'nyc', bookingId: b, occurredAt: '2026-02-23T10:00:00-05:00' }),
            ev.released({ facilityId: 'nyc', bookingId: b, occurredAt: '2026-02-24T10:00:00-05:00' }),
          ],
        })
        .expect(200);
    }
    const got = [];
    for (const [b] of stories) {
      const c = (await t.http.get(`/api/custody?facilityId=nyc&bookingId=${b}`).set('Authorization', supervisor).expect(200)).body.items[0];
      got.push([b, c.detainers[0].authority, c.compliant, c.overageSeconds]);
    }
    expect(got).toEqual([
      ['n1', 'hold', true, 0],
      ['n2', 'none', false, 86400],
      ['n3', 'none', false, 86400],
      ['n4', 'none', false, 86400],
    ]);
  });
});

describe('the presets added from their laws, one story each through the API', () => {
  // Each facility runs on a preset; booked Monday 23 February, eligible 10:00, released a day later (86,400 s).
  const storyOf = (facilityId: string, b: string, lodged: { form: string; warrant?: string }, facts: object[] = []) => [
    ev.opened({ facilityId, bookingId: b, occurredAt: '2026-02-23T08:00:00-05:00' }),
    ...facts.map((f, i) => ({ eventId: `${facilityId}-${b}-f${i}`, occurredAt: '2026-02-23T08:30:00-05:00', facilityId, bookingId: b, ...f })),
    ev.lodged({ facilityId, bookingId: b, occurredAt: '2026-02-23T09:00:00-05:00', ...lodged }),
    ev.eligible({ facilityId, bookingId: b, occurredAt: '2026-02-23T10:00:00-05:00' }),
    ev.released({ facilityId, bookingId: b, occurredAt: '2026-02-24T10:00:00-05:00' }),
  ];
  const run = async (preset: string, lodged: { form: string; warrant?: string }, facts: object[] = []) => {
    const facilityId = `p-${preset}`;
    await t.http.put(`/api/facilities/${facilityId}`).set('Authorization', t.admin).send({ name: preset, timeZone: 'America/New_York', preset }).expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: storyOf(facilityId, 'b1', lodged, facts) })
      .expect(200);
    const c = (await t.http.get(`/api/custody?facilityId=${facilityId}&bookingId=b1`).set('Authorization', supervisor).expect(200)).body.items[0];
    return [c.detainers[0].authority, c.detainers[0].reasons, c.compliant, c.overageSeconds, c.disclosure.allowed];
  };
  const history = (convictions: object[]) => ({ type: 'booking.criminal_history', convictions });

  it('us-or: a judicial warrant holds, but no release date may be told (ORS 181A.826)', async () => {
    expect(await run('us-or', { form: 'I-247A', warrant: 'judicial' })).toEqual(['hold', [], true, 0, false]);
  });

  it('us-co: an I-247X with an ICE administrative warrant is a civil immigration detainer: criteria_not_met, a day unauthorised', async () => {
    expect(await run('us-co', { form: 'I-247X', warrant: 'administrative' }, [history([{ classes: ['violent_felony'], convictedAt: '2022-06-01' }])])).toEqual([
      'none',
      ['criteria_not_met'],
      false,
      86400,
      false,
    ]);
  });

  it("us-ma: Lunn's facts, an I-247D and no warrant: criteria_not_met, a day unauthorised; release dates not restricted", async () => {
    expect(await run('us-ma', { form: 'I-247D', warrant: 'none' })).toEqual(['none', ['criteria_not_met'], false, 86400, true]);
  });

  it('us-nj: an administrative warrant for a person convicted of an indictable crime four years ago holds, and the release date may be told', async () => {
    expect(
      await run('us-nj', { form: 'I-247A', warrant: 'administrative' }, [history([{ code: '2C:18-2', classes: ['nj_indictable_crime'], convictedAt: '2022-06-01', jurisdiction: 'NJ' }])]),
    ).toEqual(['hold', [], true, 0, true]);
  });

  it('us-ct: an administrative warrant for a person convicted of a class B felony ten years ago holds', async () => {
    expect(await run('us-ct', { form: 'I-247A', warrant: 'administrative' }, [history([{ classes: ['class_b_felony'], convictedAt: '2016-01-01' }])])).toEqual(['hold', [], true, 0, true]);
  });

  it('us-tx: a person who claims US citizenship waits for a supervisor; until decided the day past eligibility is unauthorised', async () => {
    expect(await run('us-tx', { form: 'I-247A', warrant: 'administrative' }, [{ type: 'booking.flagged', flag: 'claims_us_citizenship' }])).toEqual([
      'needs_review',
      ['needs_review'],
      false,
      86400,
      true,
    ]);
  });
});
