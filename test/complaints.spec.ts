import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let supervisor: string;
let sheriff: string;
let counsel: string;
const NOW = '2026-11-24T12:00:00.000Z';

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  supervisor = await t.keyFor('supervisor');
  sheriff = await t.keyFor('sheriff');
  const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'Ms. Counsel', role: 'counsel' }).expect(201);
  counsel = `Bearer ${made.body.key}`;
  await t.http
    .put('/api/facilities/f1')
    .set('Authorization', t.admin)
    .send(facilityBody({ complaintDeadlines: { acknowledgeHours: 24, closeDays: 10 } }))
    .expect(200);
  await t.http.put('/api/facilities/f2').set('Authorization', t.admin).send(facilityBody()).expect(200);
  const events = ['b1', 'b2'].flatMap((b) => [
    ev.opened({ facilityId: 'f1', bookingId: b, occurredAt: '2026-11-20T10:00:00Z' }),
    ev.lodged({ facilityId: 'f1', bookingId: b, occurredAt: '2026-11-21T10:00:00Z' }),
  ]);
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200);
  await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: made.body.id, facilityId: 'f1', bookingId: 'b1' }).expect(201);
});
afterAll(() => t.close());

const file = (auth: string, body: object) => t.http.post('/api/complaints').set('Authorization', auth).send(body);
const count = async () => Number((await t.ds.query('SELECT count(*) AS n FROM complaints'))[0].n);
const logOf = (bookingId: string) => t.ds.query(`SELECT type, body FROM events WHERE facility_id = 'f1' AND booking_id = $1 AND type LIKE 'complaint.%' ORDER BY seq`, [bookingId]);

describe('complaints', () => {
  let id: string;

  it('are filed about a booking, with due dates from the facility, and logged in the chain', async () => {
    const res = await file(supervisor, { facilityId: 'f1', bookingId: 'b1', category: 'held_too_long', receivedVia: 'written', narrative: 'Held two days past bail.' }).expect(201);
    id = res.body.id;
    expect(res.body).toEqual({
      id,
      facilityId: 'f1',
      bookingId: 'b1',
      personId: 'person-b1',
      category: 'held_too_long',
      receivedVia: 'written',
      narrative: 'Held two days past bail.',
      state: 'received',
      finding: null,
      response: null,
      receivedAt: NOW,
      acknowledgedAt: null,
      investigatingAt: null,
      closedAt: null,
      acknowledgeDueAt: '2026-11-25T12:00:00.000Z',
      closeDueAt: '2026-12-04T12:00:00.000Z',
      acknowledgementOverdue: false,
      closureOverdue: false,
      filedBy: 'test supervisor',
      logBookingId: 'b1',
      history: '/api/bookings/b1/history?facilityId=f1',
    });
    const log = await logOf('b1');
    expect(log.map((e: { type: string }) => e.type)).toEqual(['complaint.filed']);
    expect(log[0].body).toMatchObject({ complaintId: id, category: 'held_too_long', narrative: 'Held two days past bail.', filedBy: { name: 'test supervisor' } });
  });

  it('refuse a complaint with no narrative, naming the field, and store nothing', async () => {
    const before = await count();
    const absent = await file(supervisor, { facilityId: 'f1', category: 'other', receivedVia: 'phone' }).expect(400);
    expect(absent.body.errors).toEqual([{ field: 'narrative', message: 'is required' }]);
    const blank = await file(supervisor, { facilityId: 'f1', category: 'other', receivedVia: 'phone', narrative: '   ' }).expect(400);
    expect(blank.body.errors).toEqual([{ field: 'narrative', message: 'must say what happened' }]);
    const bad = await file(supervisor, { facilityId: 'f1', bookingId: 'nope', category: 'rude', receivedVia: 'phone', narrative: 'x' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['category']);
    const unknownBooking = await file(supervisor, { facilityId: 'f1', bookingId: 'nope', category: 'other', receivedVia: 'phone', narrative: 'x' }).expect(400);
    expect(unknownBooking.body.errors).toEqual([{ field: 'bookingId', message: 'facility "f1" has no booking "nope"' }]);
    expect(await count()).toBe(before);
  });

  it('refuse a step the workflow does not allow (409 naming to) and closing without a finding (400 naming it); nothing changes', async () => {
    const skip = await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'closed', finding: 'unsubstantiated', response: 'No.' }).expect(409);
    expect(skip.body).toMatchObject({ error: 'conflict', errors: [{ field: 'to', message: 'a complaint received cannot go to closed; next: acknowledged' }] });
    await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'acknowledged' }).expect(201);
    const noFinding = await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'closed' }).expect(400);
    expect(noFinding.body.errors).toEqual([
      { field: 'finding', message: 'is required to close: one of substantiated, unsubstantiated, referred' },
      { field: 'response', message: 'is required to close: the response given' },
    ]);
    const early = await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'investigating', finding: 'referred' }).expect(400);
    expect(early.body.errors).toEqual([{ field: 'finding', message: 'is given only when closing' }]);
    const again = await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'acknowledged' }).expect(409);
    expect(again.body.errors).toEqual([{ field: 'to', message: 'a complaint acknowledged cannot go to acknowledged; next: investigating or closed' }]);
    const [row] = await t.ds.query('SELECT state, finding FROM complaints WHERE id = $1', [id]);
    expect(row).toEqual({ state: 'acknowledged', finding: null });
    expect((await logOf('b1')).map((e: { type: string }) => e.type)).toEqual(['complaint.filed', 'complaint.transitioned']);
  });

  it('close with a finding and a response; every step is in the booking history and the chain verifies', async () => {
    t.clock.advance(3_600_000);
    await t.http.post(`/api/complaints/${id}/transition`).set('Authorization', supervisor).send({ to: 'investigating' }).expect(201);
    const closed = await t.http
      .post(`/api/complaints/${id}/transition`)
      .set('Authorization', supervisor)
      .send({ to: 'closed', finding: 'substantiated', response: 'Released; policy retrained.' })
      .expect(201);
    expect(closed.body).toMatchObject({
      state: 'closed',
      finding: 'substantiated',
      response: 'Released; policy retrained.',
      acknowledgedAt: NOW,
      investigatingAt: '2026-11-24T13:00:00.000Z',
      closedAt: '2026-11-24T13:00:00.000Z',
    });
    const history = await t.http.get('/api/bookings/b1/history?facilityId=f1').set('Authorization', supervisor).expect(200);
    const steps = history.body.events
      .filter((e: { type: string }) => e.type.startsWith('complaint.'))
      .map((e: { event: { to?: string; finding?: string } }) => [e.event.to ?? 'received', e.event.finding ?? null]);
    expect(steps).toEqual([
      ['received', null],
      ['acknowledged', null],
      ['investigating', null],
      ['closed', 'substantiated'],
    ]);
    const verify = await t.http.get('/api/audit/verify?facilityId=f1').set('Authorization', sheriff).expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('may name no booking: its events are chained under complaint:<id>', async () => {
    const res = await file(supervisor, { facilityId: 'f2', personId: 'p-77', category: 'claims_us_citizenship', receivedVia: 'in_person', narrative: 'Says he was born in Texas.' }).expect(201);
    expect(res.body).toMatchObject({
      bookingId: null,
      personId: 'p-77',
      logBookingId: `complaint:${res.body.id}`,
      acknowledgeDueAt: '2026-11-27T13:00:00.000Z',
      closeDueAt: '2026-12-24T13:00:00.000Z',
      history: null,
    });
    const [row] = await t.ds.query(`SELECT type FROM events WHERE facility_id = 'f2' AND booking_id = $1`, [`complaint:${res.body.id}`]);
    expect(row).toEqual({ type: 'complaint.filed' });
  });

  it('counsel files only about people granted to the key, and lists only those', async () => {
    const refused = await file(counsel, { facilityId: 'f1', bookingId: 'b2', category: 'access_to_counsel', receivedVia: 'counsel', narrative: 'No phone call.' }).expect(403);
    expect(refused.body.error).toBe('forbidden');
    const none = await file(counsel, { facilityId: 'f1', category: 'access_to_counsel', receivedVia: 'counsel', narrative: 'No phone call.' }).expect(400);
    expect(none.body.errors).toEqual([{ field: 'bookingId', message: 'counsel must name the booking or person the complaint is about' }]);
    await file(counsel, { facilityId: 'f1', bookingId: 'b1', category: 'access_to_counsel', receivedVia: 'counsel', narrative: 'No phone call.' }).expect(201);
    t.clock.advance(60_000);
    await file(supervisor, { facilityId: 'f1', bookingId: 'b2', category: 'treatment', receivedVia: 'email', narrative: 'Cold cell.' }).expect(201);
    const mine = await t.http.get('/api/complaints').set('Authorization', counsel).expect(200);
    expect(mine.body.items.map((c: { bookingId: string; category: string }) => [c.bookingId, c.category])).toEqual([
      ['b1', 'access_to_counsel'],
      ['b1', 'held_too_long'],
    ]);
    const all = await t.http.get('/api/complaints?facilityId=f1').set('Authorization', supervisor).expect(200);
    expect(all.body.items.map((c: { bookingId: string }) => c.bookingId)).toEqual(['b2', 'b1', 'b1']);
  });

  it('sheriffs read counts, zero where none', async () => {
    const res = await t.http.get('/api/complaints/counts?facilityId=f1&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z').set('Authorization', sheriff).expect(200);
    expect(res.body).toEqual({
      facilityId: 'f1',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      received: 3,
      byCategory: { held_too_long: 1, held_without_authority: 0, claims_us_citizenship: 0, access_to_counsel: 1, treatment: 1, other: 0 },
      byState: { received: 2, acknowledged: 0, investigating: 0, closed: 1 },
      byFinding: { substantiated: 1, unsubstantiated: 0, referred: 0 },
      acknowledgedLate: 0,
      closedLate: 0,
    });
    const bad = await t.http.get('/api/complaints/counts?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z').set('Authorization', sheriff).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'to', message: 'must be after from' }]);
  });

  it('are not sent by a JMS', async () => {
    const res = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        eventId: 'x-complaint',
        type: 'complaint.filed',
        occurredAt: NOW,
        facilityId: 'f1',
        bookingId: 'b1',
        complaintId: 'c',
        category: 'other',
        receivedVia: 'phone',
        narrative: 'x',
        filedBy: { keyId: 'k', name: 'n' },
      })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'type', message: 'a complaint.filed event is recorded through /api/complaints or /api/notices' }]);
  });
});
