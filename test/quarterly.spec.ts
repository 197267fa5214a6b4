/**
 * The quarterly statistical review (issue 29, docs/quarterly-review.md) and the custody filters it
 * is checked against, over hand-counted stories in two facilities' calendars (Chicago, New York).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { pdfText } from './support/pdf-text.js';
import { bytes } from './support/bytes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sheriff: string;
let supervisor: string;
const CHI = 'chi';
const NY = 'ny';

const flagged = (bookingId: string, flag: string, occurredAt: string) => ({ eventId: `${bookingId}-flag-${flag}`, type: 'booking.flagged', occurredAt, facilityId: CHI, bookingId, flag });
const charge = (level: string, disposition: string) => [{ code: level.toUpperCase(), level, disposition }];

/**
 * Chicago, federal-48-business-hours. In 2025-Q1 (Chicago calendar) five people, one per outcome:
 * - p1 felony, convicted: eligible Tue 7 Jan 10:00, to ICE Wed 10:00: transferred; 86,400 s authorised.
 * - p2 misdemeanor, charged: eligible Tue 11 Feb 10:00, detainer Tue 18:00, released Thu 09:00: released;
 *   no_detainer 10:00-18:00 = 28,800 s; authorised Tue 18:00 to Thu 09:00 = 140,400 s.
 * - p3 traffic only, charged, flagged victim: detainer cancelled before eligibility Wed 5 Mar 10:00, released 10:30:
 *   cancelled; not_authorized 1,800 s.
 * - p4 infraction, convicted: I-247N only, eligible Tue 11 Mar 10:00, released 12:00: notify_only; not_authorized 7,200 s.
 * - p5 no charge, flagged witness: never eligible: in_custody.
 * In 2024-Q4: p0, detainer Tue 31 Dec 23:30 Chicago (1 January in UTC), eligible Thu 2 Jan 10:00, released 11:00: released; 3,600 s authorised.
 */
const CHICAGO = [
  ev.opened({ facilityId: CHI, bookingId: 'p0', occurredAt: '2024-12-30T09:00:00-06:00', personId: 'P0' }),
  ev.lodged({ facilityId: CHI, bookingId: 'p0', occurredAt: '2024-12-31T23:30:00-06:00' }),
  ev.eligible({ facilityId: CHI, bookingId: 'p0', occurredAt: '2025-01-02T10:00:00-06:00' }),
  ev.released({ facilityId: CHI, bookingId: 'p0', occurredAt: '2025-01-02T11:00:00-06:00' }),

  ev.opened({
    facilityId: CHI,
    bookingId: 'p1',
    occurredAt: '2025-01-05T09:00:00-06:00',
    personId: 'P1',
    person: { name: 'Ana Quarter', aNumber: 'A111222333' },
    charges: charge('felony', 'convicted'),
  }),
  ev.lodged({ facilityId: CHI, bookingId: 'p1', occurredAt: '2025-01-06T09:00:00-06:00' }),
  ev.eligible({ facilityId: CHI, bookingId: 'p1', occurredAt: '2025-01-07T10:00:00-06:00' }),
  ev.transferred({ facilityId: CHI, bookingId: 'p1', occurredAt: '2025-01-08T10:00:00-06:00', toAgency: 'ICE' }),

  ev.opened({ facilityId: CHI, bookingId: 'p2', occurredAt: '2025-02-10T09:00:00-06:00', personId: 'P2', charges: charge('misdemeanor', 'pending') }),
  ev.eligible({ facilityId: CHI, bookingId: 'p2', occurredAt: '2025-02-11T10:00:00-06:00' }),
  ev.lodged({ facilityId: CHI, bookingId: 'p2', occurredAt: '2025-02-11T18:00:00-06:00' }),
  ev.released({ facilityId: CHI, bookingId: 'p2', occurredAt: '2025-02-13T09:00:00-06:00' }),

  ev.opened({ facilityId: CHI, bookingId: 'p3', occurredAt: '2025-03-02T09:00:00-06:00', personId: 'P3', charges: charge('traffic', 'pending') }),
  ev.lodged({ facilityId: CHI, bookingId: 'p3', occurredAt: '2025-03-03T09:00:00-06:00' }),
  ev.cancelled({ facilityId: CHI, bookingId: 'p3', occurredAt: '2025-03-04T09:00:00-06:00' }),
  flagged('p3', 'victim', '2025-03-04T10:00:00-06:00'),
  ev.eligible({ facilityId: CHI, bookingId: 'p3', occurredAt: '2025-03-05T10:00:00-06:00' }),
  ev.released({ facilityId: CHI, bookingId: 'p3', occurredAt: '2025-03-05T10:30:00-06:00' }),

  ev.opened({ facilityId: CHI, bookingId: 'p4', occurredAt: '2025-03-09T09:00:00-05:00', personId: 'P4', charges: charge('infraction', 'convicted') }),
  ev.lodged({ facilityId: CHI, bookingId: 'p4', occurredAt: '2025-03-10T09:00:00-05:00', form: 'I-247N' }),
  ev.eligible({ facilityId: CHI, bookingId: 'p4', occurredAt: '2025-03-11T10:00:00-05:00' }),
  ev.released({ facilityId: CHI, bookingId: 'p4', occurredAt: '2025-03-11T12:00:00-05:00' }),

  ev.opened({ facilityId: CHI, bookingId: 'p5', occurredAt: '2025-03-19T09:00:00-05:00', personId: 'P5' }),
  ev.lodged({ facilityId: CHI, bookingId: 'p5', occurredAt: '2025-03-20T09:00:00-05:00' }),
  flagged('p5', 'witness', '2025-03-20T10:00:00-05:00'),
];

/** New York: n1's detainer at 23:30 on 31 March New York time (Q1 there, 1 April in UTC); n2's at 00:30 on 1 April (Q2). */
const NEW_YORK = [
  ev.opened({ facilityId: NY, bookingId: 'n1', occurredAt: '2025-03-30T09:00:00-04:00', personId: 'N1' }),
  ev.lodged({ facilityId: NY, bookingId: 'n1', occurredAt: '2025-03-31T23:30:00-04:00' }),
  ev.opened({ facilityId: NY, bookingId: 'n2', occurredAt: '2025-03-30T09:00:00-04:00', personId: 'N2' }),
  ev.lodged({ facilityId: NY, bookingId: 'n2', occurredAt: '2025-04-01T00:30:00-04:00' }),
];

const bookings = (items: Array<{ bookingId: string }>) => items.map((c) => c.bookingId);

beforeAll(async () => {
  t = await startTestApp({ now: '2025-07-01T12:00:00.000Z' });
  sheriff = await t.keyFor('sheriff');
  supervisor = await t.keyFor('supervisor');
  await t.http
    .put(`/api/facilities/${CHI}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Chicago Test Jail', timeZone: 'America/Chicago' }))
    .expect(200);
  await t.http
    .put(`/api/facilities/${NY}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'New York Test Jail', timeZone: 'America/New_York' }))
    .expect(200);
  const events = [...CHICAGO, ...NEW_YORK];
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  // One ICE contact in Q1 about p1 (no rule set: allowed).
  const p1 = (await t.http.get(`/api/custody?facilityId=${CHI}&bookingId=p1`).set('Authorization', supervisor).expect(200)).body.items[0];
  await t.http.post(`/api/custody/${p1.id}/contacts`).set('Authorization', supervisor).send({ kind: 'release_date_shared', at: '2025-01-07T11:00:00-06:00' }).expect(201);
  // Complaints, filed as the clock stood then: one in Q1 about p2, acknowledged four days later
  // (past the 72 hours allowed), and one in the quarter before, never acknowledged.
  const complaint = async (at: string, body: object) => {
    t.clock.set(at);
    return (
      await t.http
        .post('/api/complaints')
        .set('Authorization', supervisor)
        .send({ facilityId: CHI, receivedVia: 'written', ...body })
        .expect(201)
    ).body;
  };
  const c1 = await complaint('2025-02-10T15:00:00.000Z', { bookingId: 'p2', category: 'held_too_long', narrative: 'Held past bail.' });
  t.clock.set('2025-02-14T16:00:00.000Z');
  await t.http.post(`/api/complaints/${c1.id}/transition`).set('Authorization', supervisor).send({ to: 'acknowledged' }).expect(201);
  await complaint('2024-12-15T15:00:00.000Z', { category: 'treatment', narrative: 'Cold cell.' });
  t.clock.set('2025-07-01T12:00:00.000Z');
});
afterAll(() => t.close());

describe('GET /api/custody: compliant, quarter and reason', () => {
  it("a quarter is each facility's own calendar; filters combine; 400 naming the field", async () => {
    const list = async (q: string) => bookings((await t.http.get(`/api/custody?${q}`).set('Authorization', sheriff).expect(200)).body.items).sort();
    expect(await list('quarter=2025-Q1')).toEqual(['n1', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(await list(`quarter=2024-Q4&facilityId=${CHI}`)).toEqual(['p0']);
    expect(await list('quarter=2025-Q2')).toEqual(['n2']);
    expect(await list('quarter=2025-Q1&compliant=false')).toEqual(['p2', 'p3', 'p4']);
    expect(await list('quarter=2025-Q1&reason=not_authorized')).toEqual(['p3', 'p4']);
    expect(await list('reason=no_detainer')).toEqual(['p2']);
    expect((await t.http.get('/api/custody?quarter=2025-Q5').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('quarter');
    expect((await t.http.get('/api/custody?reason=late').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('reason');
  });

  it('pages with the cursor through a filtered list: each record once, in the order of one page', async () => {
    const whole = bookings((await t.http.get('/api/custody?quarter=2025-Q1&limit=100').set('Authorization', sheriff).expect(200)).body.items);
    const paged: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const body: { items: Array<{ bookingId: string }>; nextCursor: string | null } = (
        await t.http
          .get(`/api/custody?quarter=2025-Q1&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .set('Authorization', sheriff)
          .expect(200)
      ).body;
      paged.push(...bookings(body.items));
      cursor = body.nextCursor;
    }
    expect(paged).toEqual(whole);
    expect(paged).toHaveLength(6);
  });
});

describe('GET /api/reports/quarterly', () => {
  const EMPTY_REASONS = { no_detainer: 0, not_authorized: 0, limit_reached: 0, cancelled: 0, rules_changed: 0, amended: 0, criteria_not_met: 0, needs_review: 0 };
  /** The counts of one complaint of this category in this state, acknowledged and closed late (by July). */
  const oneComplaint = (category: string, state: string) => ({
    received: 1,
    byCategory: { held_too_long: 0, held_without_authority: 0, claims_us_citizenship: 0, access_to_counsel: 0, treatment: 0, other: 0, [category]: 1 },
    byState: { received: 0, acknowledged: 0, investigating: 0, closed: 0, [state]: 1 },
    byFinding: { substantiated: 0, unsubstantiated: 0, referred: 0 },
    acknowledgedLate: 1,
    closedLate: 1,
  });
  const NO_NOTICES = { due: 0, servedOnTime: 0, servedLate: 0, missing: 0, pending: 0, byKind: {} };
  const charges = (over: Record<string, Partial<Record<'convicted' | 'charged_only', number>>>) =>
    Object.fromEntries(['felony', 'misdemeanor', 'traffic', 'infraction', 'none'].map((l) => [l, { convicted: 0, charged_only: 0, ...over[l] }]));

  it('one facility: every person in exactly one outcome, every group adding up, the quarter before beside it', async () => {
    const r = (await t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1`).set('Authorization', sheriff).expect(200)).body;
    expect(r.facilities).toEqual([{ facilityId: CHI, name: 'Chicago Test Jail', timeZone: 'America/Chicago', from: '2025-01-01T00:00:00.000-06:00', to: '2025-04-01T00:00:00.000-05:00' }]);
    expect({ ...r, facilities: undefined, definitions: undefined }).toEqual({
      quarter: '2025-Q1',
      facilityId: CHI,
      facilities: undefined,
      generatedAt: '2025-07-01T12:00:00.000Z',
      definitions: undefined,
      people: 5,
      outcomes: { in_custody: 1, transferred: 1, cancelled: 1, notify_only: 1, released: 1 },
      byCharge: charges({ felony: { convicted: 1 }, misdemeanor: { charged_only: 1 }, traffic: { charged_only: 1 }, infraction: { convicted: 1 }, none: { charged_only: 1 } }),
      conviction: { convicted: 2, chargedOnly: 3 },
      trafficOrInfractionOnly: { yes: 1, no: 4 },
      victimOrWitness: { yes: 2, no: 3 },
      beyondEligibility: {
        // p1 86,400 and p2 140,400: median 113,400; p90 86,400 + 0.9 × 54,000 = 135,000.
        authorised: { people: 2, seconds: 226800, medianSeconds: 113400, p90Seconds: 135000 },
        // 1,800 (p3), 7,200 (p4), 28,800 (p2): p90 at 1.8 of 2 steps = 7,200 + 0.8 × 21,600 = 24,480.
        unauthorised: { people: 3, seconds: 37800, medianSeconds: 7200, p90Seconds: 24480 },
        processing: { people: 0, seconds: 0 },
        peopleWithViolation: 3,
      },
      violationsByReason: { ...EMPTY_REASONS, no_detainer: 1, not_authorized: 2 },
      reviews: { needed: 0, awaiting: 0, decidedHonour: 0, decidedDecline: 0 },
      iceContacts: { total: 1, disallowed: 0 },
      // c1: held too long, acknowledged four days on (late), not closed within 30 days.
      complaints: oneComplaint('held_too_long', 'acknowledged'),
      notices: NO_NOTICES,
      reconciles: { outcomes: true, byCharge: true, conviction: true, trafficOrInfractionOnly: true, victimOrWitness: true },
      previous: {
        quarter: '2024-Q4',
        people: 1,
        outcomes: { in_custody: 0, transferred: 0, cancelled: 0, notify_only: 0, released: 1 },
        byCharge: charges({ none: { charged_only: 1 } }),
        conviction: { convicted: 0, chargedOnly: 1 },
        trafficOrInfractionOnly: { yes: 0, no: 1 },
        victimOrWitness: { yes: 0, no: 1 },
        beyondEligibility: {
          authorised: { people: 1, seconds: 3600, medianSeconds: 3600, p90Seconds: 3600 },
          unauthorised: { people: 0, seconds: 0, medianSeconds: null, p90Seconds: null },
          processing: { people: 0, seconds: 0 },
          peopleWithViolation: 0,
        },
        violationsByReason: EMPTY_REASONS,
        reviews: { needed: 0, awaiting: 0, decidedHonour: 0, decidedDecline: 0 },
        iceContacts: { total: 0, disallowed: 0 },
        // Filed in December, never acknowledged.
        complaints: oneComplaint('treatment', 'received'),
        notices: NO_NOTICES,
      },
    });
    expect(Object.keys(r.definitions)).toEqual(expect.arrayContaining(['population', 'people', 'outcomes', 'byCharge', 'beyondEligibility', 'violationsByReason', 'complaints', 'previous']));
  });

  it('all facilities: each in its own calendar (n1 at 23:30 on 31 March New York time counts in Q1)', async () => {
    const r = (await t.http.get('/api/reports/quarterly?quarter=2025-Q1').set('Authorization', t.admin).expect(200)).body;
    expect([r.facilityId, r.people, r.outcomes, r.previous.people]).toEqual([null, 6, { in_custody: 2, transferred: 1, cancelled: 1, notify_only: 1, released: 1 }, 1]);
    expect(r.facilities.map((f: { facilityId: string; from: string }) => [f.facilityId, f.from])).toEqual([
      [CHI, '2025-01-01T00:00:00.000-06:00'],
      [NY, '2025-01-01T00:00:00.000-05:00'],
    ]);
    // The same people as GET /api/custody?quarter=2025-Q1, and its compliant=false list is the people with a violation.
    expect(r.beyondEligibility.peopleWithViolation).toBe(3);
  });

  it('CSV: one row per figure and group, the quarter before beside it, whole numbers', async () => {
    const res = await t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1&format=csv`).set('Authorization', sheriff).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('quarterly-chi-2025-Q1.csv');
    const lines = res.text.trim().split('\n');
    expect(lines.slice(0, 7)).toEqual([
      'Figure,Group,2025-Q1,2024-Q4',
      'People,all,5,1',
      'Outcome,in_custody,1,0',
      'Outcome,transferred,1,0',
      'Outcome,cancelled,1,0',
      'Outcome,notify_only,1,0',
      'Outcome,released,1,1',
    ]);
    expect(lines).toContain('Most serious charge,"felony, convicted",1,0');
    expect(lines).toContain('"Custody beyond eligibility, unauthorised",p90 seconds,24480,');
    expect(lines).toContain('"People with a violation, by reason",not_authorized,2,0');
    expect(lines).toContain('Complaints received,all,1,1');
    expect(lines).toContain('"Complaints received, by category",held too long,1,0');
    expect(lines).toContain('Complaints,acknowledged late,1,1');
    expect(lines).toContain('Notices to the person,missing (past due),0,0');
    expect(lines).toHaveLength(69);
  });

  it('per-person rows: one CSV row per custody record, no names unless asked by a role that sees them', async () => {
    const rows = (await t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1&rows=people`).set('Authorization', sheriff).expect(200)).text.trim().split('\n');
    expect(rows).toHaveLength(6);
    expect(rows[0]).toBe(
      'quarter,facility_id,custody_id,booking_id,person_id,first_detainer_received_local,outcome,most_serious_charge,disposition,any_conviction,traffic_or_infraction_only,victim_or_witness,compliant,authorised_seconds_beyond_eligibility,unauthorised_seconds,processing_seconds,violation_reasons,reviews_needed,reviews_awaiting,decided_honour,decided_decline',
    );
    const cells = rows.slice(1).map((l) => l.split(','));
    expect(cells.map((c) => [c[3], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[16]])).toEqual([
      ['p1', '2025-01-06T09:00-06:00', 'transferred', 'felony', 'convicted', 'yes', 'no', 'no', 'yes', '86400', '0', ''],
      ['p2', '2025-02-11T18:00-06:00', 'released', 'misdemeanor', 'charged only', 'no', 'no', 'no', 'no', '140400', '28800', 'no_detainer'],
      ['p3', '2025-03-03T09:00-06:00', 'cancelled', 'traffic', 'charged only', 'no', 'yes', 'yes', 'no', '0', '1800', 'not_authorized'],
      ['p4', '2025-03-10T09:00-05:00', 'notify_only', 'infraction', 'convicted', 'yes', 'no', 'no', 'no', '0', '7200', 'not_authorized'],
      ['p5', '2025-03-20T09:00-05:00', 'in_custody', 'none', 'charged only', 'no', 'no', 'yes', '', '0', '0', ''],
    ]);
    expect(rows.join('\n')).not.toContain('Ana Quarter');
    const named = (await t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1&rows=people&names=true`).set('Authorization', t.admin).expect(200)).text.split('\n');
    expect(named[0]).toContain('person_id,person_name,a_number,');
    expect(named[1]).toContain(',P1,Ana Quarter,A111222333,');
    expect((await t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1&rows=people&names=true`).set('Authorization', sheriff).expect(403)).body.error).toBe('forbidden');
  });

  it('PDF: charts, the reconciliation stated, the definition of every figure, in the shipped fonts', async () => {
    const res = await bytes(t.http.get(`/api/reports/quarterly?facilityId=${CHI}&quarter=2025-Q1&format=pdf`).set('Authorization', sheriff)).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.body as Buffer).replace(/\s/g, '');
    const has = (s: string) => expect(text).toContain(s.replace(/\s/g, ''));
    has('Quarterly statistical review, 2025-Q1 — Chicago Test Jail');
    has('The counts reconcile: every person is in exactly one outcome (the outcomes add up to 5), and every group table below adds up to 5.');
    has('Outcome (each person in exactly one)');
    has('1 (before: 0)');
    has('Unauthorised: 37800 s in all, median 2.0 h, p90 6.8 h');
    has('Complaints received 1 (before: 1); acknowledged late 1, closed late 1 (before: 1, 1).');
    has('Notices to the person due 0');
    has('Definitions');
    has('population: people (custody records');
    has('page 1 of');
    // Bars are vector rectangles in the page content, not images.
    expect((res.body as Buffer).includes(Buffer.from('/Subtype /Image'))).toBe(false);
  });

  it('bad input names the field; unknown facility 404; sheriff and admin only', async () => {
    for (const q of ['2025-Q5', '2025-1', '']) {
      const body = (await t.http.get(`/api/reports/quarterly?quarter=${q}`).set('Authorization', sheriff).expect(400)).body;
      expect(body.errors[0].field).toBe('quarter');
    }
    expect((await t.http.get('/api/reports/quarterly').set('Authorization', sheriff).expect(400)).body.errors[0].field).toBe('quarter');
    await t.http.get('/api/reports/quarterly?quarter=2025-Q1&facilityId=nowhere').set('Authorization', sheriff).expect(404);
    await t.http.get('/api/reports/quarterly?quarter=2025-Q1').set('Authorization', supervisor).expect(403);
    await t.http
      .get('/api/reports/quarterly?quarter=2025-Q1')
      .set('Authorization', await t.keyFor('counsel'))
      .expect(403);
  });
});
