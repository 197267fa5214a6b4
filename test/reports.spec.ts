import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_GRANTS_SQL } from '../migrations/1765000000000-GrantsByFacility.js';
import { ev, facilityBody } from './support/factories.js';
import { pdfText } from './support/pdf-text.js';
import { bytes } from './support/bytes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sheriff: string;
const F = 'cook';

/** Four bookings in November 2026 (Chicago, federal rule) with known verdicts. */
const EVENTS = [
  // b1: felony, convicted; eligible Thu 5 Nov 15:00, deadline Mon 9 Nov 15:00; transferred to ICE Mon 14:00: compliant, honoured.
  ev.opened({
    facilityId: F,
    bookingId: 'b1',
    occurredAt: '2026-11-01T10:00:00-06:00',
    eventId: 'b1-o',
    personId: 'p1',
    person: { name: 'Ana Example', aNumber: 'A123456789' },
    charges: [{ code: 'X', level: 'felony', disposition: 'convicted' }],
  }),
  ev.lodged({ facilityId: F, bookingId: 'b1', occurredAt: '2026-11-02T09:00:00-06:00', eventId: 'b1-l', form: 'I-247A', warrant: 'administrative' }),
  ev.eligible({ facilityId: F, bookingId: 'b1', occurredAt: '2026-11-05T15:00:00-06:00', eventId: 'b1-e', reason: 'bail_posted' }),
  ev.transferred({ facilityId: F, bookingId: 'b1', occurredAt: '2026-11-09T14:00:00-06:00', eventId: 'b1-t', toAgency: 'ICE' }),
  // b2: misdemeanor, pending; eligible Wed 25 Nov 10:00, deadline Mon 30 Nov 10:00; released Mon 12:30: 2.5 h past.
  ev.opened({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-20T10:00:00-06:00', eventId: 'b2-o', personId: 'p2', charges: [{ code: 'Y', level: 'misdemeanor', disposition: 'pending' }] }),
  ev.lodged({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-21T09:00:00-06:00', eventId: 'b2-l', form: 'I-247D' }),
  ev.eligible({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-25T10:00:00-06:00', eventId: 'b2-e', reason: 'charges_dismissed' }),
  ev.released({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-30T12:30:00-06:00', eventId: 'b2-r' }),
  // b3: no charges; detainer cancelled before eligibility: it never held anyone, so the hour from
  // eligibility to release had no authority (not_authorized, 3,600 s: the person counts as held past the limit).
  ev.opened({ facilityId: F, bookingId: 'b3', occurredAt: '2026-11-03T10:00:00-06:00', eventId: 'b3-o', personId: 'p3' }),
  ev.lodged({ facilityId: F, bookingId: 'b3', occurredAt: '2026-11-03T12:00:00-06:00', eventId: 'b3-l', form: 'I-247A' }),
  ev.cancelled({ facilityId: F, bookingId: 'b3', occurredAt: '2026-11-04T12:00:00-06:00', eventId: 'b3-c' }),
  ev.eligible({ facilityId: F, bookingId: 'b3', occurredAt: '2026-11-06T12:00:00-06:00', eventId: 'b3-e' }),
  ev.released({ facilityId: F, bookingId: 'b3', occurredAt: '2026-11-06T13:00:00-06:00', eventId: 'b3-r' }),
  // b4: traffic; eligible Fri 27 Nov, still held at the end of the period; the release-eligible event sent twice, once corrected.
  ev.opened({ facilityId: F, bookingId: 'b4', occurredAt: '2026-11-26T10:00:00-06:00', eventId: 'b4-o', personId: 'p2', charges: [{ code: 'Z', level: 'traffic' }] }),
  ev.lodged({ facilityId: F, bookingId: 'b4', occurredAt: '2026-11-26T11:00:00-06:00', eventId: 'b4-l', form: 'I-247N' }),
  ev.eligible({ facilityId: F, bookingId: 'b4', occurredAt: '2026-11-27T08:00:00-06:00', eventId: 'b4-e1' }),
  ev.retracted({ facilityId: F, bookingId: 'b4', occurredAt: '2026-11-27T09:00:00-06:00', eventId: 'b4-r', retractsEventId: 'b4-e1', reason: 'wrong booking' }),
  ev.eligible({ facilityId: F, bookingId: 'b4', occurredAt: '2026-11-27T10:00:00-06:00', eventId: 'b4-e2' }),
];

beforeAll(async () => {
  t = await startTestApp({ now: '2026-12-02T12:00:00.000Z' });
  sheriff = await t.keyFor('sheriff');
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Cook County Jail', timeZone: 'America/Chicago' }))
    .expect(200);
  await t.http
    .put('/api/facilities/quiet')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Quiet County Jail' }))
    .expect(200);
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events: EVENTS }).expect(200, { accepted: EVENTS.length, duplicates: 0, rejected: [] });
});
afterAll(() => t.close());

describe('GET /api/reports/compliance', () => {
  it('counts exactly, in SQL, with the policy rules that applied', async () => {
    const res = await t.http.get(`/api/reports/compliance?facilityId=${F}&from=2026-11-01T00:00:00-06:00&to=2026-12-01T00:00:00-06:00`).set('Authorization', sheriff).expect(200);
    const r = res.body;
    expect(r).toMatchObject({
      detainersReceived: 4,
      detainersByForm: { 'I-247A': 2, 'I-247D': 1, 'I-247N': 1 },
      detainersByWarrant: { administrative: 1, none: 3 },
      honoured: 1,
      notHonoured: 1,
      cancelled: 1,
      releasedAtLimit: 1,
      // People, not detainers: b1, b2, b3 and b4 needed an authority from November; b2 and b3 had custody without one.
      holdsStarted: 4,
      holdsClosedCompliant: 1,
      holdsPastDeadline: 2,
      detainersThatNeverHeld: 1,
      holdsRunningAtEnd: 1,
      overageSeconds: { total: 12600, median: 6300, p90: 8460, max: 9000 },
      // 9,000 s = 2.5 h (b2) and 3,600 s = 1 h (b3) without authority: the 1-4 h band.
      overageDistribution: [
        { fromHours: 0, toHours: 1, holds: 0 },
        { fromHours: 1, toHours: 4, holds: 2 },
        { fromHours: 4, toHours: 12, holds: 0 },
        { fromHours: 12, toHours: 24, holds: 0 },
        { fromHours: 24, toHours: 48, holds: 0 },
        { fromHours: 48, toHours: null, holds: 0 },
      ],
      // b2's I-247D is dated 2026, years after the form was replaced: said, not hidden.
      anomalies: { releasedBeforeReleaseEligible: 0, eventsOutOfOrderInTime: 0, byCode: { form_outside_its_years: 1 } },
      custody: {
        unauthorizedSeconds: 12600,
        processingSeconds: 0,
        violationsByReason: { not_authorized: { people: 1, seconds: 3600 }, limit_reached: { people: 1, seconds: 9000 } },
        withAnomalies: 1,
        rejudged: 0,
      },
    });
    // b1: 9 h Thu + 24 h Fri + 14 h Mon = 47 counted, 95 real hours; b2: 50.5 counted, 122.5 real.
    expect(r.holdLengthHours.counted).toEqual({ median: 48.75, p90: 50.15, max: 50.5 });
    expect(r.holdLengthHours.real.max).toBe(122.5);
    expect(r.byChargeLevel.felony).toEqual({ detainersReceived: 1, holdsStarted: 1, holdsClosedCompliant: 1, holdsPastDeadline: 0, honoured: 1 });
    // b3 has no charges: its detainer, and its person held past the limit, count under "none", as the headline counts them.
    expect(r.byChargeLevel.none).toEqual({ detainersReceived: 1, holdsStarted: 1, holdsClosedCompliant: 0, holdsPastDeadline: 1, honoured: 0 });
    expect(r.byChargeLevel.misdemeanor).toEqual({ detainersReceived: 1, holdsStarted: 1, holdsClosedCompliant: 0, holdsPastDeadline: 1, honoured: 0 });
    expect(r.byChargeLevel.traffic).toEqual({ detainersReceived: 1, holdsStarted: 1, holdsClosedCompliant: 0, holdsPastDeadline: 0, honoured: 0 });
    expect(r.byConviction).toEqual({
      anyConviction: { detainersReceived: 1, holdsStarted: 1, holdsClosedCompliant: 1, holdsPastDeadline: 0, honoured: 1 },
      noConviction: { detainersReceived: 3, holdsStarted: 3, holdsClosedCompliant: 0, holdsPastDeadline: 2, honoured: 0 },
    });
    // One population per figure, stated; the people who ended each in one outcome; every table adding up to its headline.
    expect(r.closed).toEqual({ total: 3, withinLimit: 1, pastLimit: 2, withoutNeedingAuthority: 0 });
    expect(Object.values(r.reconciles)).toEqual([true, true, true, true, true, true, true]);
    expect(r.heldPastLimit).toEqual({
      people: 2,
      list: '/api/custody?facilityId=cook&status=closed&compliant=false&endedFrom=2026-11-01T06%3A00%3A00.000Z&endedTo=2026-12-01T06%3A00%3A00.000Z',
    });
    expect(r.periodKind).toBe('instants');
    expect(r.periods).toEqual([
      {
        facilityId: F,
        timeZone: 'America/Chicago',
        from: '2026-11-01T06:00:00.000Z',
        to: '2026-12-01T06:00:00.000Z',
        fromLocal: '2026-11-01T01:00:00.000-05:00',
        toLocal: '2026-12-01T00:00:00.000-06:00',
      },
    ]);
    expect(r.monthly).toEqual([{ month: '2026-11', detainersReceived: 4, holdsStarted: 4, holdsClosedCompliant: 1, holdsPastDeadline: 2 }]);
    expect(r.policies).toEqual([expect.objectContaining({ facilityId: F, policy: 'federal-48-business-hours', timeZone: 'America/Chicago', effectiveFrom: null })]);
  });

  it('counts a clock start sent ahead only once it has come (as of generatedAt)', async () => {
    await t.http
      .put('/api/facilities/ahead')
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'ahead', bookingId: 'a1', occurredAt: '2026-11-20T10:00:00-06:00' }),
          ev.lodged({ facilityId: 'ahead', bookingId: 'a1', occurredAt: '2026-11-21T10:00:00-06:00' }),
          ev.eligible({ facilityId: 'ahead', bookingId: 'a1', occurredAt: '2026-12-10T10:00:00-06:00', reason: 'sentence_completed' }),
        ],
      })
      .expect(200);
    const report = async () =>
      (await t.http.get('/api/reports/compliance?facilityId=ahead&from=2026-12-01T00:00:00-06:00&to=2027-01-01T00:00:00-06:00').set('Authorization', sheriff).expect(200)).body;
    expect(await report()).toMatchObject({ generatedAt: '2026-12-02T12:00:00.000Z', holdsStarted: 0, holdsRunningAtEnd: 0, monthly: [] });
    t.clock.set('2026-12-10T16:00:00.000Z');
    try {
      expect(await report()).toMatchObject({
        holdsStarted: 1,
        holdsRunningAtEnd: 1,
        monthly: [{ month: '2026-12', detainersReceived: 0, holdsStarted: 1, holdsClosedCompliant: 0, holdsPastDeadline: 0 }],
      });
    } finally {
      t.clock.set('2026-12-02T12:00:00.000Z');
    }
  });

  it('as CSV a spreadsheet reads: one row per figure in words, with its group, rounded value, unit and JSON key', async () => {
    const res = await t.http.get(`/api/reports/compliance?facilityId=${F}&from=2026-11-01&to=2026-12-01&format=csv`).set('Authorization', sheriff).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('compliance-cook-2026-11-01.csv');
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('Section,Figure,Group,Value,Unit,Key');
    expect(lines).toContain('Period,From,all,2026-11-01,"date, each facility\'s midnight",from');
    expect(lines).toContain('Period,From (local),cook,2026-11-01T00:00:00.000-05:00,America/Chicago,periods.fromLocal');
    expect(lines).toContain('People (custody records),Custody ended past the limit (the late list),all,2,people,holdsPastDeadline');
    expect(lines).toContain('People (custody records),Custody ended,all,3,people,closed.total');
    expect(lines).toContain('Time held past the limit,"People, by hours past the limit",1 to 4 h,2,people,overageDistribution');
    expect(lines).toContain('Time held past the limit,"Time, by reason",not authorized,3600,seconds,custody.violationsByReason.seconds');
    expect(lines).toContain('Time held past the limit,"People, by hours past the limit",48 h or more,0,people,overageDistribution');
    expect(lines).toContain('Detainers received,"Detainers received, by form",I-247A,2,detainers,detainersByForm');
    expect(lines).toContain('Hold length,"Counted (as the rule counts) hours, p90",all,50.15,hours,holdLengthHours.counted.p90');
    expect(lines).toContain('By most serious charge,Custody ended past the limit,none,1,people,byChargeLevel.holdsPastDeadline');
    expect(lines).toContain('By month (local calendar),Custody ended past the limit,2026-11,2,people,monthly.holdsPastDeadline');
    expect(lines).toContain('Checks,byChargeLevel adds up to its headline,all,yes,,reconciles.byChargeLevel');
    // No floating-point residue anywhere: at most two decimals.
    for (const l of lines) expect(l).not.toMatch(/,\d+\.\d{3,},/);
  });

  it("the late list: the custody list's closed records past the limit in the period, on the page, as CSV and in the PDF", async () => {
    const r = (await t.http.get(`/api/reports/compliance?facilityId=${F}&from=2026-11-01&to=2026-12-01`).set('Authorization', sheriff).expect(200)).body;
    expect(r.heldPastLimit.list).toBe('/api/custody?facilityId=cook&status=closed&compliant=false&endedFrom=2026-11-01&endedTo=2026-12-01');
    const list = (await t.http.get(r.heldPastLimit.list).set('Authorization', sheriff).expect(200)).body;
    expect(list.items.map((c: { bookingId: string }) => c.bookingId).sort()).toEqual(['b2', 'b3']);
    expect(list.items.map((c: { compliant: boolean }) => c.compliant)).toEqual([false, false]);
    // The closed-custody view with its other filters: within the limit, and all that ended.
    expect(
      (await t.http.get('/api/custody?facilityId=cook&status=closed&compliant=true&endedFrom=2026-11-01&endedTo=2026-12-01').set('Authorization', sheriff).expect(200)).body.items.map(
        (c: { bookingId: string }) => c.bookingId,
      ),
    ).toEqual(['b1']);
    expect(
      (await t.http.get('/api/custody?facilityId=cook&status=closed&endedFrom=2026-11-07&endedTo=2026-12-01').set('Authorization', sheriff).expect(200)).body.items
        .map((c: { bookingId: string }) => c.bookingId)
        .sort(),
    ).toEqual(['b1', 'b2']);
    const csv = (await t.http.get(`${r.heldPastLimit.list}&format=csv`).set('Authorization', sheriff).expect(200)).text.trim().split('\n');
    expect(csv[0]).toBe(
      'Facility,Booking,Person,Status,Verdict,Time without authority (h:mm:ss),Seconds without authority,Reasons,Custody ended (local),Custody ended (UTC),Outcome,To agency,Time zone,Custody record',
    );
    expect(
      csv
        .slice(1)
        .map((l) => l.split(',').slice(0, 12).join(','))
        .sort(),
    ).toEqual([
      'cook,b2,p2,closed,held past the limit,2:30:00,9000,limit reached,Mon 30 Nov 2026 12:30 CST,2026-11-30T18:30:00.000Z,released,',
      'cook,b3,p3,closed,held past the limit,1:00:00,3600,not authorized,Fri 6 Nov 2026 13:00 CST,2026-11-06T19:00:00.000Z,released,',
    ]);
    // Names only for roles that see them.
    expect((await t.http.get(`${r.heldPastLimit.list}&format=csv`).set('Authorization', t.admin).expect(200)).text.split('\n')[0]).toContain('Person,Name,A-number,Status');
    const pdf = await bytes(t.http.get(`/api/reports/compliance?facilityId=${F}&from=2026-11-01&to=2026-12-01&format=pdf`).set('Authorization', sheriff)).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
    writeFileSync(join(process.cwd(), 'test-artifacts', 'compliance-cook-2026-11.pdf'), pdf.body as Buffer);
    const text = pdfText(pdf.body as Buffer).replace(/\s/g, '');
    const has = (s: string) => expect(text).toContain(s.replace(/\s/g, ''));
    has('Compliance report — Cook County Jail');
    has('Cook County Jail (cook): 2026-11-01T00:00:00.000-05:00 to 2026-12-01T00:00:00.000-06:00, local time in America/Chicago.');
    has('The figures reconcile: the 3 people whose custody ended are each in exactly one outcome');
    has('Held past the limit: 2 people');
    has('Mon 30 Nov 2026 12:30 CST');
    has('limit reached');
    has('By month (local calendar)');
    has('Definitions');
    has('page 1 of');
    expect((pdf.body as Buffer).includes(Buffer.from('/Subtype /Image'))).toBe(false);
  });

  it('400 naming the field; 403 for counsel', async () => {
    expect((await t.http.get('/api/reports/compliance?from=2026-11-01T00:00:00Z').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('to');
    expect((await t.http.get('/api/reports/compliance?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('to');
    expect((await t.http.get('/api/reports/compliance?from=2026-11-01&to=2026-12-01T00:00:00Z').set('Authorization', sheriff).expect(400)).body.errors).toEqual([
      { field: 'to', message: 'must be of the same kind as from: both dates or both instants' },
    ]);
    expect((await t.http.get('/api/reports/compliance?from=2026-11-31&to=2026-12-01').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('from');
    expect((await t.http.get('/api/reports/compliance?from=2026-11-01&to=2026-11-01').set('Authorization', sheriff).expect(400)).body.errors[0]).toEqual({
      field: 'to',
      message: 'must be after from',
    });
    expect((await t.http.get('/api/custody?endedFrom=2026-11-01&endedTo=2026-10-01').set('Authorization', sheriff).expect(400)).body.errors[0]).toEqual({
      field: 'endedTo',
      message: 'must be after endedFrom',
    });
    await t.http
      .get('/api/reports/compliance?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z')
      .set('Authorization', await t.keyFor('counsel'))
      .expect(403);
  });

  it("an all-facilities report in dates counts each jail's own days: a release at 23:30 on 30 November in Los Angeles is November's", async () => {
    await t.http
      .put('/api/facilities/la')
      .set('Authorization', t.admin)
      .send(facilityBody({ name: 'LA Test Jail', timeZone: 'America/Los_Angeles', policy: 'calendar-48-hours' }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'la', bookingId: 'l1', occurredAt: '2026-11-20T10:00:00-08:00' }),
          ev.lodged({ facilityId: 'la', bookingId: 'l1', occurredAt: '2026-11-20T11:00:00-08:00' }),
          ev.eligible({ facilityId: 'la', bookingId: 'l1', occurredAt: '2026-11-27T12:00:00-08:00' }),
          ev.released({ facilityId: 'la', bookingId: 'l1', occurredAt: '2026-11-30T23:30:00-08:00' }),
        ],
      })
      .expect(200);
    const local = (await t.http.get('/api/reports/compliance?from=2026-11-01&to=2026-12-01').set('Authorization', sheriff).expect(200)).body;
    expect(local).toMatchObject({
      periodKind: 'local-dates',
      from: '2026-11-01',
      to: '2026-12-01',
      holdsPastDeadline: 3,
      closed: { total: 4, withinLimit: 1, pastLimit: 3, withoutNeedingAuthority: 0 },
    });
    expect(local.monthly.map((m: { month: string }) => m.month)).toEqual(['2026-11']);
    expect(local.monthly[0].holdsPastDeadline).toBe(3);
    expect(local.periods.find((p: { facilityId: string }) => p.facilityId === 'la')).toEqual({
      facilityId: 'la',
      timeZone: 'America/Los_Angeles',
      from: '2026-11-01T07:00:00.000Z',
      to: '2026-12-01T08:00:00.000Z',
      fromLocal: '2026-11-01T00:00:00.000-07:00',
      toLocal: '2026-12-01T00:00:00.000-08:00',
    });
    // The late list of the same period has the same three people.
    const late = (await t.http.get(local.heldPastLimit.list).set('Authorization', sheriff).expect(200)).body.items.map((c: { bookingId: string }) => c.bookingId);
    expect(late.sort()).toEqual(['b2', 'b3', 'l1']);
    // In UTC instants the Los Angeles release falls in December.
    const utc = (await t.http.get('/api/reports/compliance?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z').set('Authorization', sheriff).expect(200)).body;
    expect(utc.holdsPastDeadline).toBe(2);
  });
});

describe('GET /api/reports/illinois-trust-act', () => {
  it('one row per detainer, no personal identifiers', async () => {
    const res = await t.http.get(`/api/reports/illinois-trust-act?facilityId=${F}&year=2026`).set('Authorization', sheriff).expect(200);
    expect(res.body.rows).toHaveLength(4);
    expect(res.body.rows[0]).toEqual({
      row: 1,
      detainerReceivedDate: '2026-11-02',
      detainerForm: 'I-247A',
      warrant: 'administrative',
      bailPostedAt: '2026-11-05T15:00-06:00',
      outcome: 'transferred',
      outcomeAt: '2026-11-09T14:00-06:00',
      receivingAgency: 'ICE',
    });
    const text = JSON.stringify(res.body);
    for (const secret of ['Ana Example', 'A123456789', 'p1', 'b1']) expect(text).not.toContain(`"${secret}"`);
    expect(res.body.certification).toBeNull();
  });

  it('certifies none were received', async () => {
    const res = await t.http.get('/api/reports/illinois-trust-act?facilityId=quiet&year=2026&format=csv').set('Authorization', sheriff).expect(200);
    expect(res.text.trim().split('\n')).toEqual([
      'row,detainer_received_date,detainer_form,warrant,bail_posted_at,outcome,outcome_at,receiving_agency,certification',
      ',,,,,,,,Quiet County Jail certifies that it received no immigration detainers in 2026.',
    ]);
  });
});

describe('hold histories and who may read them', () => {
  let counsel: string;
  let counselId: string;
  beforeAll(async () => {
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'Public Defender', role: 'counsel' }).expect(201);
    counsel = `Bearer ${made.body.key}`;
    counselId = made.body.id;
  });

  it('counsel sees nothing until granted, then exactly what was granted', async () => {
    await t.http.get('/api/bookings/b2/history').set('Authorization', counsel).expect(403);
    const grant = await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F, bookingId: 'b2' }).expect(201);
    const res = await t.http.get('/api/bookings/b2/history').set('Authorization', counsel).expect(200);
    expect(res.body.booking).toMatchObject({ bookingId: 'b2', personId: 'p2', releaseReason: 'charges_dismissed' });
    await t.http.get('/api/bookings/b1/history').set('Authorization', counsel).expect(403);
    // The person's history shows only what is granted: b2, not the person's other booking b4.
    expect((await t.http.get('/api/people/p2/history').set('Authorization', counsel).expect(200)).body.bookings.map((b: { booking: { bookingId: string } }) => b.booking.bookingId)).toEqual(['b2']);
    await t.http.get('/api/people/p1/history').set('Authorization', counsel).expect(403);
    await t.http.get('/api/holds').set('Authorization', counsel).expect(403);
    await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F, personId: 'p2' }).expect(201);
    const person = await t.http.get('/api/people/p2/history').set('Authorization', counsel).expect(200);
    expect(person.body.bookings.map((b: { booking: { bookingId: string } }) => b.booking.bookingId).sort()).toEqual(['b2', 'b4']);
    await t.http.delete(`/api/grants/${grant.body.id}`).set('Authorization', t.admin).expect(200);
    // The person grant still covers b2.
    await t.http.get('/api/bookings/b2/history').set('Authorization', counsel).expect(200);
    expect((await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F }).expect(400)).body.errors[0].field).toBe('bookingId');
    expect((await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, bookingId: 'b2' }).expect(400)).body.errors).toEqual([
      { field: 'facilityId', message: 'is required: the facility whose booking or person this grant opens' },
    ]);
    expect((await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: 'nowhere', bookingId: 'b2' }).expect(400)).body.errors).toEqual([
      { field: 'facilityId', message: 'unknown facility "nowhere"' },
    ]);
  });

  it('explains the clock in words and shows every event as received, retractions included, with hashes', async () => {
    const b2 = (await t.http.get('/api/bookings/b2/history').set('Authorization', t.admin).expect(200)).body;
    expect(b2.holds[0].explanation.excludedDays).toEqual([
      { date: '2026-11-26', reason: 'Thanksgiving Day' },
      { date: '2026-11-28', reason: 'Saturday' },
      { date: '2026-11-29', reason: 'Sunday' },
    ]);
    expect(b2.holds[0].explanation.sentences).toContain('The hold ended 2 hours 30 minutes after its deadline.');
    // Which of the facility's rule versions judged it, to match against the facility's change log.
    expect(b2.holds[0].policyVersion).toEqual({ effectiveFrom: null, recordedAt: '2026-12-02T12:00:00.000Z' });
    expect(b2.holds[0].explanation.sentences[3]).toBe(
      "These rules, in force when the clock started, are the facility's first (they cover all time before any later version), and were recorded Wed 2 Dec 2026 06:00 CST.",
    );
    expect(b2.events.map((e: { eventId: string }) => e.eventId)).toEqual(['b2-o', 'b2-l', 'b2-e', 'b2-r']);
    for (const e of b2.events) expect(e.chainHash).toMatch(/^[0-9a-f]{64}$/);
    const b4 = (await t.http.get('/api/bookings/b4/history').set('Authorization', t.admin).expect(200)).body;
    expect(b4.events.map((e: { eventId: string; retractedBy: string | null }) => [e.eventId, e.retractedBy])).toEqual([
      ['b4-o', null],
      ['b4-l', null],
      ['b4-e1', 'b4-r'],
      ['b4-r', null],
      ['b4-e2', null],
    ]);
    const csv = (await t.http.get('/api/bookings/b4/history?format=csv').set('Authorization', t.admin).expect(200)).text.trim().split('\n');
    expect(csv[0]).toBe('facility_id,booking_id,seq,event_id,type,occurred_at_utc,occurred_local,received_at_utc,retracted_by,no_effect,content_hash,prev_hash,chain_hash,event_json');
    expect(csv).toHaveLength(6);
  });

  it('renders a printable PDF whose first page is not blank', async () => {
    const res = await bytes(t.http.get('/api/bookings/b2/history?format=pdf').set('Authorization', t.admin)).expect(200);
    const pdf = res.body as Buffer;
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = join(process.cwd(), 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'history-b2.pdf'), pdf);
    if (!existsSync('/usr/bin/pdftoppm')) {
      console.warn('SKIPPED in part: pdftoppm (poppler-utils) is not installed, so the PDF page was not rendered to an image.');
      return;
    }
    const out = mkdtempSync(join(tmpdir(), 'dm-pdf-'));
    execFileSync('pdftoppm', ['-r', '40', '-gray', '-singlefile', join(dir, 'history-b2.pdf'), join(out, 'page')]);
    const pgm = readFileSync(join(out, 'page.pgm'));
    // Kept as a test artifact, to look at.
    execFileSync('pdftoppm', ['-r', '60', '-png', '-singlefile', join(dir, 'history-b2.pdf'), join(dir, 'history-b2-page1')]);
    // P5 header: "P5\n<w> <h>\n255\n", then one byte per pixel.
    const header = pgm.subarray(0, 40).toString('latin1').split(/\s+/);
    const [w, h] = [Number(header[1]), Number(header[2])];
    const pixels = pgm.subarray(pgm.length - w * h);
    const dark = pixels.filter((p) => p < 128).length;
    expect(dark / (w * h)).toBeGreaterThan(0.01);
  });

  describe("a booking's custody record, explained", () => {
    // New York, federal-48-business-hours. An I-247N dated before the booking opened (said, not
    // hidden) and an I-247A; eligible Wed 5 March 2025 14:00; the I-247A is cancelled Thu 10:00
    // and the person released Thu 12:00: two hours with no authority, one violation for the person
    // (the design's first worked example).
    const NY = 'ny';
    beforeAll(async () => {
      await t.http
        .put(`/api/facilities/${NY}`)
        .set('Authorization', t.admin)
        .send(facilityBody({ name: 'New York County Jail', timeZone: 'America/New_York' }))
        .expect(200);
      const b = { facilityId: NY, bookingId: 'n1' };
      const events = [
        ev.opened({ ...b, occurredAt: '2025-03-03T09:00:00-05:00', eventId: 'n1-o', personId: 'p-ny' }),
        ev.lodged({ ...b, occurredAt: '2025-03-02T12:00:00-05:00', eventId: 'n1-n', detainerId: 'dn', form: 'I-247N' }),
        ev.lodged({ ...b, occurredAt: '2025-03-04T10:00:00-05:00', eventId: 'n1-a', detainerId: 'da', form: 'I-247A', warrant: 'administrative' }),
        ev.eligible({ ...b, occurredAt: '2025-03-05T14:00:00-05:00', eventId: 'n1-e', reason: 'bail_posted' }),
        ev.cancelled({ ...b, occurredAt: '2025-03-06T10:00:00-05:00', eventId: 'n1-c', detainerId: 'da' }),
        ev.released({ ...b, occurredAt: '2025-03-06T12:00:00-05:00', eventId: 'n1-r' }),
      ];
      // n2: the same, the I-247A not cancelled; released Fri 10:00, within its window (to Fri 14:00). n3: no detainer.
      const b2 = { facilityId: NY, bookingId: 'n2' };
      events.push(
        ev.opened({ ...b2, occurredAt: '2025-03-03T09:00:00-05:00', personId: 'p-ny2' }),
        ev.lodged({ ...b2, occurredAt: '2025-03-04T09:00:00-05:00', detainerId: 'dn', form: 'I-247N' }),
        ev.lodged({ ...b2, occurredAt: '2025-03-04T10:00:00-05:00', detainerId: 'da', form: 'I-247A' }),
        ev.eligible({ ...b2, occurredAt: '2025-03-05T14:00:00-05:00' }),
        ev.released({ ...b2, occurredAt: '2025-03-07T10:00:00-05:00' }),
        ev.opened({ facilityId: NY, bookingId: 'n3', occurredAt: '2025-03-03T09:00:00-05:00', personId: 'p-ny3' }),
      );
      await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
    });

    it('the history carries the stored custody record in sentences, and a hold whose own clock says otherwise points to it', async () => {
      const h = (await t.http.get(`/api/bookings/n1/history?facilityId=${NY}`).set('Authorization', t.admin).expect(200)).body;
      const c = h.custody;
      expect([c.status, c.compliant, c.overageSeconds, c.unauthorizedSeconds, c.processingSeconds, c.rejudged, c.outcome]).toEqual(['closed', false, 7200, 7200, 0, null, 'released']);
      expect(c.violations).toEqual([
        {
          from: '2025-03-06T15:00:00.000Z',
          fromLocal: '2025-03-06T10:00:00.000-05:00',
          until: '2025-03-06T17:00:00.000Z',
          untilLocal: '2025-03-06T12:00:00.000-05:00',
          seconds: 7200,
          reason: 'cancelled',
        },
      ]);
      expect(c.anomalies.map((a: { code: string; eventIds: string[] }) => [a.code, a.eventIds])).toEqual([['lodged_before_booking', ['n1-n']]]);
      expect(c.eligibility).toEqual([
        { from: '2025-03-05T19:00:00.000Z', fromLocal: '2025-03-05T14:00:00.000-05:00', until: '2025-03-06T17:00:00.000Z', untilLocal: '2025-03-06T12:00:00.000-05:00', endedBy: 'released' },
      ]);
      expect(
        c.detainers.map((d: { detainerId: string; authority: string; windows: Array<{ until: string; endedBy: string }> }) => [
          d.detainerId,
          d.authority,
          d.windows.map((w) => `${w.until} ${w.endedBy}`),
        ]),
      ).toEqual([
        ['da', 'hold', ['2025-03-06T15:00:00.000Z cancelled']],
        ['dn', 'notify_only', []],
      ]);
      expect(c.explanation).toContain('Custody without authority from Thu 6 Mar 2025 10:00 EST to Thu 6 Mar 2025 12:00 EST (2 h 0 min): the detainer was cancelled.');
      expect(c.explanation).toContain('Verdict: not compliant, 2 h 0 min of custody without authority.');
      // The stored record, as GET /api/custody/:id gives it (less its timeline).
      const { timeline, ...api } = (await t.http.get(`/api/custody/${c.id}`).set('Authorization', t.admin).expect(200)).body;
      expect(timeline).toHaveLength(6);
      expect(c).toEqual(api);
      // Both holds show the one verdict; the I-247N's own deadline (the clock start) is 22 hours before
      // the release, so its sentences say where the booking's verdict is. The I-247A's clock agrees with it.
      const holds = Object.fromEntries(h.holds.map((x: { detainerId: string }) => [x.detainerId, x]));
      expect([holds.dn.status, holds.dn.compliant, holds.dn.overageSeconds, holds.da.overageSeconds]).toEqual(['closed', false, 7200, 7200]);
      expect(holds.dn.explanation.sentences.slice(-2)).toEqual([
        'The hold ended 22 hours after its deadline.',
        "This detainer's own clock is not the booking's verdict: custody is judged for the whole booking, where every detainer's window counts. The booking's custody verdict is in the custody section: not compliant, 2 hours of custody without authority.",
      ]);
      expect(holds.da.explanation.sentences.at(-1)).toBe('The hold ended 2 hours after its deadline.');
      // The CSV stays the event timeline.
      expect((await t.http.get(`/api/bookings/n1/history?facilityId=${NY}&format=csv`).set('Authorization', t.admin).expect(200)).text.trim().split('\n')).toHaveLength(7);
    });

    it("an I-247N beside an I-247A whose window covered the custody: the I-247N's deadline is not the verdict", async () => {
      const h = (await t.http.get(`/api/bookings/n2/history?facilityId=${NY}`).set('Authorization', t.admin).expect(200)).body;
      expect([h.custody.status, h.custody.compliant, h.custody.violations, h.custody.unauthorizedSeconds, h.custody.anomalies]).toEqual(['closed', true, [], 0, []]);
      expect(h.custody.explanation.at(-1)).toBe('Verdict: compliant, no custody without authority.');
      const n = h.holds.find((x: { form: string }) => x.form === 'I-247N');
      expect([n.status, n.compliant]).toEqual(['closed', true]);
      expect(n.explanation.sentences.at(-1)).toBe(
        "This detainer's own clock is not the booking's verdict: custody is judged for the whole booking, where every detainer's window counts. The booking's custody verdict is in the custody section: compliant, no custody without authority.",
      );
      expect(h.holds.find((x: { form: string }) => x.form === 'I-247A').explanation.sentences.at(-1)).toBe('The hold ended at or before its deadline.');
    });

    it('a booking with no detainer has no custody record', async () => {
      expect((await t.http.get(`/api/bookings/n3/history?facilityId=${NY}`).set('Authorization', t.admin).expect(200)).body).toMatchObject({ custody: null, holds: [] });
    });

    it('the PDF has a custody section before the holds, in sentences with 24-hour local times', async () => {
      const res = await bytes(t.http.get(`/api/bookings/n1/history?facilityId=${NY}&format=pdf`).set('Authorization', t.admin)).expect(200);
      // Compared without spaces: a long line wraps at a hyphen or a slash as well as at a space.
      const text = pdfText(res.body as Buffer).replace(/\s/g, '');
      const has = (sentence: string) => expect(text).toContain(sentence.replace(/\s/g, ''));
      has('Custody status closed (custody has ended); verdict: not compliant, 7200 seconds without authority.');
      has('Release-eligible from Wed 5 Mar 2025 14:00 EST until Thu 6 Mar 2025 12:00 EST (released); every instant of custody in this period needs an authority.');
      has(
        'Detainer da (I-247A, administrative warrant, ICE) was received Tue 4 Mar 2025 10:00 EST; it authorised custody from Wed 5 Mar 2025 14:00 EST until Thu 6 Mar 2025 10:00 EST (it was cancelled).',
      );
      has('Custody without authority from Thu 6 Mar 2025 10:00 EST to Thu 6 Mar 2025 12:00 EST (2 h 0 min): the detainer was cancelled.');
      has('Violation 1: from Thu 6 Mar 2025 10:00 EST to Thu 6 Mar 2025 12:00 EST, 7200 seconds, reason cancelled.');
      has('Note (lodged_before_booking):');
      expect(text.indexOf('Custodystatusclosed')).toBeGreaterThan(-1);
      expect(text.indexOf('Custodystatusclosed')).toBeLessThan(text.indexOf('Detainerdn:closed'));
    });
  });

  it('every read of a history or report is in the access log, refusals too', async () => {
    const log = (await t.http.get('/api/audit/access-log?limit=1000').set('Authorization', t.admin).expect(200)).body.items;
    const counselReads = log
      .filter((e: { keyName: string }) => e.keyName === 'Public Defender')
      .map((e: { action: string; outcome: string; resource: string }) => `${e.action} ${e.outcome} ${e.resource}`);
    expect(counselReads).toContain('history.booking forbidden /api/bookings/b1/history');
    expect(counselReads).toContain('history.booking ok /api/bookings/b2/history');
    expect(log.some((e: { action: string; role: string }) => e.action === 'report.compliance' && e.role === 'sheriff')).toBe(true);
    expect(log[0]).toHaveProperty('ip');
    await expect(t.ds.query('DELETE FROM access_log')).rejects.toThrow(/append-only/);
  });
});

describe('tamper evidence', () => {
  it("verifies the chain, then names the first event edited behind the app's back", async () => {
    const ok = (await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', sheriff).expect(200)).body;
    expect(ok).toMatchObject({ facilityId: F, eventsChecked: EVENTS.length, ok: true, firstBroken: null });
    await t.ds.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    const [{ body }] = await t.ds.query(`SELECT body FROM events WHERE event_id = 'b1-t'`);
    try {
      await t.ds.query(`UPDATE events SET body = jsonb_set(body, '{occurredAt}', '"2026-11-09T10:00:00-06:00"') WHERE event_id = 'b1-t'`);
      const bad = (await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', sheriff).expect(200)).body;
      expect(bad).toMatchObject({ ok: false, firstBroken: { eventId: 'b1-t', problem: expect.stringContaining('content hash') } });
      // Put it back: the chain holds again.
      await t.ds.query(`UPDATE events SET body = $1 WHERE event_id = 'b1-t'`, [body]);
      expect((await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', sheriff).expect(200)).body.ok).toBe(true);
    } finally {
      await t.ds.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    }
  });

  it('a removed event breaks the next link', async () => {
    const rows: Array<{ event_id: string }> = await t.ds.query(`SELECT event_id FROM events WHERE facility_id = $1 ORDER BY seq`, [F]);
    const next = rows[rows.findIndex((r) => r.event_id === 'b3-c') + 1].event_id;
    await t.ds.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
    try {
      await t.ds.query(`DELETE FROM events WHERE event_id = 'b3-c'`);
    } finally {
      await t.ds.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
    }
    const res = (await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', sheriff).expect(200)).body;
    expect(res).toMatchObject({ ok: false, firstBroken: { eventId: next, problem: expect.stringContaining('link to the previous event') } });
    expect((await t.http.get('/api/audit/verify?facilityId=quiet').set('Authorization', sheriff).expect(200)).body).toMatchObject({ ok: true, eventsChecked: 0 });
  });
});

// Last: it adds a booking "b2" at another facility, so that "b2" alone no longer names one.
describe('grants and facilities', () => {
  it('a grant opens its facility only: the same booking and person ids at another jail stay closed', async () => {
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'Defender B', role: 'counsel' }).expect(201);
    const other = `Bearer ${made.body.key}`;
    await t.http
      .put('/api/facilities/elsewhere')
      .set('Authorization', t.admin)
      .send(facilityBody({ name: 'Elsewhere County Jail' }))
      .expect(200);
    // At another jail, another person's booking "b2", and a person "p2" of that jail's own system.
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [
          ev.opened({ facilityId: 'elsewhere', bookingId: 'b2', personId: 'p-other', occurredAt: '2026-11-01T10:00:00Z' }),
          ev.opened({ facilityId: 'elsewhere', bookingId: 'q9', personId: 'p2', occurredAt: '2026-11-01T10:00:00Z' }),
        ],
      })
      .expect(200);
    await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: made.body.id, facilityId: F, bookingId: 'b2' }).expect(201);
    await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: made.body.id, facilityId: F, personId: 'p2' }).expect(201);
    await t.http.get('/api/bookings/b2/history?facilityId=elsewhere').set('Authorization', other).expect(403);
    await t.http.get('/api/bookings/q9/history').set('Authorization', other).expect(403);
    // Without naming the facility: the one granted, as if the other did not exist (it is not even named).
    const mine = (await t.http.get('/api/bookings/b2/history').set('Authorization', other).expect(200)).body;
    expect([mine.facility.id, mine.booking.personId]).toEqual([F, 'p2']);
    const person = (await t.http.get('/api/people/p2/history').set('Authorization', other).expect(200)).body;
    expect(person.bookings.map((b: { facility: { id: string }; booking: { bookingId: string } }) => `${b.facility.id}/${b.booking.bookingId}`).sort()).toEqual([`${F}/b2`, `${F}/b4`]);
    // An admin is asked to name the facility, and may read either.
    expect((await t.http.get('/api/bookings/b2/history').set('Authorization', t.admin).expect(400)).body.errors[0].field).toBe('facilityId');
    expect(
      (await t.http.get('/api/people/p2/history?facilityId=elsewhere').set('Authorization', t.admin).expect(200)).body.bookings.map((b: { booking: { bookingId: string } }) => b.booking.bookingId),
    ).toEqual(['q9']);
    // The grants list says which facility each opens.
    const grants = (await t.http.get(`/api/grants?apiKeyId=${made.body.id}`).set('Authorization', t.admin).expect(200)).body.items;
    expect(
      grants.map((g: { facilityId: string; bookingId: string | null; personId: string | null }) => `${g.facilityId} ${g.bookingId ? `booking ${g.bookingId}` : `person ${g.personId}`}`).sort(),
    ).toEqual([`${F} booking b2`, `${F} person p2`]);
  });

  it('grants made before they named a facility get the facilities where what they name is known; a grant of nothing known is revoked', async () => {
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'Defender C', role: 'counsel' }).expect(201);
    const legacy = (id: string, booking: string | null, person: string | null) =>
      t.ds.query(`INSERT INTO grants (id, api_key_id, booking_id, person_id, created_at) VALUES ($1, $2, $3, $4, '2026-11-01T00:00:00Z')`, [id, made.body.id, booking, person]);
    await t.ds.query(`ALTER TABLE grants DROP CONSTRAINT grants_facility`);
    try {
      await legacy('00000000-0000-4000-8000-00000000000a', 'b1', null); // known in one facility
      await legacy('00000000-0000-4000-8000-00000000000b', 'b2', null); // known in two
      await legacy('00000000-0000-4000-8000-00000000000c', null, 'p2'); // a person known in two
      await legacy('00000000-0000-4000-8000-00000000000d', 'not-yet', null); // known nowhere
      for (const sql of LEGACY_GRANTS_SQL) await t.ds.query(sql);
    } finally {
      await t.ds.query(`ALTER TABLE grants ADD CONSTRAINT grants_facility CHECK (facility_id IS NOT NULL OR revoked_at IS NOT NULL)`);
    }
    const rows: Array<{ id: string; facility_id: string | null; booking_id: string | null; person_id: string | null; revoked: boolean }> = await t.ds.query(
      `SELECT id, facility_id, booking_id, person_id, revoked_at IS NOT NULL AS revoked FROM grants WHERE api_key_id = $1 ORDER BY booking_id NULLS LAST, person_id, facility_id`,
      [made.body.id],
    );
    expect(rows.map((r) => [r.id.startsWith('00000000-0000-4000-8000-0000000000') ? r.id.slice(-2) : 'new', r.facility_id, r.booking_id ?? r.person_id, r.revoked])).toEqual([
      ['0a', F, 'b1', false],
      ['0b', F, 'b2', false],
      ['new', 'elsewhere', 'b2', false],
      ['0d', null, 'not-yet', true],
      ['0c', F, 'p2', false],
      ['new', 'elsewhere', 'p2', false],
    ]);
  });
});
