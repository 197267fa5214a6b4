import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { custodyId } from '../src/holds/booking-key.js';
import { ev, facilityBody } from './support/factories.js';
import { bytes } from './support/bytes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let sheriff: string;
const PERIOD = 'facilityId=f1&from=2025-04-01T00:00:00Z&to=2025-07-01T00:00:00Z';
const PUBLIC_HEADER =
  'record,detainer_forms,first_detainer_received_at,first_detainer_received_local,release_eligible_at,custody_ended_at,custody_status,outcome,to_agency,honoured,compliant,unauthorized_seconds,processing_seconds,violation_reasons,anomalies';
const PERSON = { name: 'Ana María Quispe', dateOfBirth: '1990-02-03', aNumber: 'A123456789' };

beforeAll(async () => {
  t = await startTestApp({ now: '2025-06-30T12:00:00.000Z' });
  sheriff = await t.keyFor('sheriff');
  const supervisor = await t.keyFor('supervisor');
  await t.http.put('/api/facilities/f1').set('Authorization', t.admin).send(facilityBody()).expect(200);
  const f = { facilityId: 'f1' };
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        // custody story 2 of the design (New York): eligible Tue 10:00, lodged Tue 18:00, released Thu 09:00: 8 hours unauthorised
        { ...ev.opened({ ...f, bookingId: 'BK-4471', personId: 'P-77', occurredAt: '2025-04-07T12:00:00Z' }), person: PERSON },
        { ...ev.lodged({ ...f, bookingId: 'BK-4471', occurredAt: '2025-04-08T22:00:00Z' }), icePreparedDate: '2025-04-08', iceFacilityCode: 'NYC', iceLiftReason: 'Released' },
        ev.eligible({ ...f, bookingId: 'BK-4471', occurredAt: '2025-04-08T14:00:00Z' }),
        ev.released({ ...f, bookingId: 'BK-4471', occurredAt: '2025-04-10T13:00:00Z' }),
        // lodged before the period: not in it
        ev.opened({ ...f, bookingId: 'b0', occurredAt: '2025-03-01T12:00:00Z' }),
        ev.lodged({ ...f, bookingId: 'b0', occurredAt: '2025-03-02T12:00:00Z' }),
      ],
    })
    .expect(200);
  await t.http
    .post(`/api/custody/${custodyId('f1', 'BK-4471')}/contacts`)
    .set('Authorization', supervisor)
    .send({ kind: 'release_date_shared', at: '2025-04-09T15:00:00Z' })
    .expect(201);
  await t.http
    .post('/api/complaints')
    .set('Authorization', supervisor)
    .send({ facilityId: 'f1', bookingId: 'BK-4471', category: 'held_without_authority', receivedVia: 'written', narrative: `${PERSON.name} was held 8 hours with nothing.` })
    .expect(201);
});
afterAll(() => t.close());

describe('ICE reconciliation export', () => {
  it("one row per detainer received in the period, ICE's fields beside the jail's hour-level verdict", async () => {
    const res = await t.http.get(`/api/exports/ice-reconciliation?${PERIOD}`).set('Authorization', sheriff).expect(200);
    expect(res.body.items).toEqual([
      {
        facilityId: 'f1',
        bookingId: 'BK-4471',
        detainerId: 'd1',
        form: 'I-247A',
        agency: 'ICE',
        warrant: null,
        receivedAt: '2025-04-08T22:00:00.000Z',
        cancelledAt: null,
        icePrepareDate: '2025-04-08',
        iceFacilityCode: 'NYC',
        iceLiftReason: 'Released',
        custodyStatus: 'closed',
        releaseEligibleAt: '2025-04-08T14:00:00.000Z',
        custodyEndedAt: '2025-04-10T13:00:00.000Z',
        outcome: 'released',
        toAgency: null,
        honoured: null,
        heldAfterEligibleHours: 47,
        unauthorizedHours: 8,
        processingHours: 0,
        compliant: false,
      },
    ]);
    const csv = await t.http.get(`/api/exports/ice-reconciliation?${PERIOD}&format=csv`).set('Authorization', sheriff).expect(200);
    expect(csv.text.split('\n').slice(0, 2)).toEqual([
      'facility_id,booking_id,detainer_id,form,agency,warrant,received_at,cancelled_at,ice_prepare_date,ice_facility_code,ice_lift_reason,custody_status,release_eligible_at,custody_ended_at,outcome,to_agency,honoured,held_after_eligible_hours,unauthorized_hours,processing_hours,compliant',
      'f1,BK-4471,d1,I-247A,ICE,,2025-04-08T22:00:00.000Z,,2025-04-08,NYC,Released,closed,2025-04-08T14:00:00.000Z,2025-04-10T13:00:00.000Z,released,,,47,8,0,false',
    ]);
  });

  it('refuses a bad period naming the field; detainer.lodged refuses a malformed ICE date naming it', async () => {
    const res = await t.http.get('/api/exports/ice-reconciliation?facilityId=f1&from=2025-07-01T00:00:00Z&to=2025-04-01T00:00:00Z').set('Authorization', sheriff).expect(400);
    expect(res.body.errors).toEqual([{ field: 'to', message: 'must be after from' }]);
    const bad = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ ...ev.lodged({ facilityId: 'f1', bookingId: 'b9', occurredAt: '2025-05-01T00:00:00Z' }), icePreparedDate: '05/01/2025' })
      .expect(400);
    expect(bad.body.errors).toEqual([{ field: 'icePreparedDate', message: 'must be a date YYYY-MM-DD' }]);
  });
});

describe('public-records export', () => {
  it('holds every custody record of the period with no name, date of birth, A-number or id; rules, counts, a manifest and the chain head', async () => {
    const res = await t.http.get(`/api/exports/public-records?${PERIOD}&format=json`).set('Authorization', sheriff).expect(200);
    const [head] = await t.ds.query(`SELECT seq, chain_hash FROM events WHERE facility_id = 'f1' ORDER BY seq DESC LIMIT 1`);
    expect(res.body.manifest).toMatchObject({ records: 1, chainHead: { seq: Number(head.seq), chainHash: head.chain_hash }, verify: 'GET /api/audit/verify?facilityId=f1' });
    expect(res.body.records).toEqual([
      [
        1,
        'I-247A',
        '2025-04-08T22:00:00.000Z',
        '2025-04-08T18:00:00.000-04:00',
        '2025-04-08T14:00:00.000Z',
        '2025-04-10T13:00:00.000Z',
        'closed',
        'released',
        '',
        '',
        false,
        28800,
        0,
        'no_detainer',
        0,
      ],
    ]);
    // the complaint (filed 2025-06-30) is counted; its narrative, which names the person, is not exported
    expect(res.body.complaints).toMatchObject({ received: 1, byCategory: { held_too_long: 0, held_without_authority: 1, claims_us_citizenship: 0, access_to_counsel: 0, treatment: 0, other: 0 } });
    expect(res.body.iceContacts).toEqual([{ kind: 'release_date_shared', allowed: true, contacts: 1 }]);
    expect(res.body.rulesInForce).toEqual([
      { effectiveFrom: null, policy: 'federal-48-business-hours', holdHours: 48, requireJudicialWarrant: false, preset: null, ruleSet: null, recordedAt: '2025-06-30T12:00:00.000Z' },
    ]);
    for (const format of ['csv', 'json']) {
      const body = (await t.http.get(`/api/exports/public-records?${PERIOD}&format=${format}`).set('Authorization', sheriff).expect(200)).text;
      if (format === 'csv')
        expect(body.split('\n').slice(-3)).toEqual([
          PUBLIC_HEADER,
          '1,I-247A,2025-04-08T22:00:00.000Z,2025-04-08T18:00:00.000-04:00,2025-04-08T14:00:00.000Z,2025-04-10T13:00:00.000Z,closed,released,,,false,28800,0,no_detainer,0',
          '',
        ]);
      for (const secret of [PERSON.name, 'Quispe', PERSON.dateOfBirth, PERSON.aNumber, 'P-77', 'BK-4471', custodyId('f1', 'BK-4471')])
        expect([format, secret, body.includes(secret)]).toEqual([format, secret, false]);
    }
  });

  it('as a PDF set in the shipped fonts', async () => {
    const res = await bytes(t.http.get(`/api/exports/public-records?${PERIOD}&format=pdf`).set('Authorization', sheriff)).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/DejaVuSans/);
  });
});
