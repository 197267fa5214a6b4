import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let ingest: string;
let supervisor: string;
let sheriff: string;
const F = 'rf';
const NOW = '2026-12-26T10:00:00.000Z';

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  ingest = await t.keyFor('ingest');
  supervisor = await t.keyFor('supervisor');
  sheriff = await t.keyFor('sheriff');
  await t.http.put(`/api/facilities/${F}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const count = async (table: string) => Number((await t.ds.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
const refused = async (query = '') => (await t.http.get(`/api/events/rejected${query}`).set('Authorization', supervisor).expect(200)).body.items;

describe('refused events, resolved by a supervisor', () => {
  const bad = () => ({ ...ev.opened({ facilityId: F, bookingId: 'rf-1', occurredAt: '2026-12-25T10:00:00Z', personId: 'P-1' }), eventId: 'rf-open-1', occurredAt: 'yesterday' });

  it('a supervisor lists them with how each was resolved; a sheriff may not', async () => {
    await t.http.post('/api/events').set('Authorization', ingest).send(bad()).expect(400);
    const [r] = await refused();
    expect(r).toEqual({
      id: expect.any(Number),
      receivedAt: NOW,
      batchIndex: 0,
      eventId: 'rf-open-1',
      body: bad(),
      errors: [{ field: 'occurredAt', message: expect.any(String) }],
      resolution: null,
    });
    await t.http.get('/api/events/rejected').set('Authorization', sheriff).expect(403);
  });

  it('a corrected event re-sent goes through the ingest checks: still wrong is refused (and kept), right is stored and the refusal marked resent, who and when', async () => {
    const [r] = await refused('?state=open');
    const before = await count('rejected_events');
    const still = await t.http
      .post(`/api/events/rejected/${r.id}/resend`)
      .set('Authorization', supervisor)
      .send({ event: { ...bad(), occurredAt: '2027-01-01' } })
      .expect(400);
    expect(still.body.errors.map((e: { field: string }) => e.field)).toEqual(['occurredAt']);
    expect(await count('rejected_events')).toBe(before + 1);
    expect((await refused()).find((x: { id: number }) => x.id === r.id).resolution).toBeNull();

    t.clock.set('2026-12-26T10:05:00.000Z');
    const fixed = { ...bad(), occurredAt: '2026-12-25T10:00:00Z' };
    const ok = await t.http.post(`/api/events/rejected/${r.id}/resend`).set('Authorization', supervisor).send({ event: fixed }).expect(200);
    expect(ok.body.result).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(ok.body.refusal.resolution).toEqual({ action: 'resent', reason: null, resentEventId: 'rf-open-1', by: 'test supervisor', at: '2026-12-26T10:05:00.000Z' });
    const [hold] = (await t.http.get('/api/holds?bookingId=rf-1').set('Authorization', t.admin).expect(200)).body.items.length === 0 ? [null] : [true];
    expect(hold).toBe(null); // no detainer yet: the booking is stored, no hold
    const stored = await t.ds.query(`SELECT event_id, body->>'occurredAt' AS at FROM events WHERE booking_id = 'rf-1'`);
    expect(stored).toEqual([{ event_id: 'rf-open-1', at: '2026-12-25T10:00:00Z' }]);
    // Nothing sent is changed: the refusal keeps what the jail sent.
    expect((await refused()).find((x: { id: number }) => x.id === r.id).body).toEqual(bad());
    const again = await t.http.post(`/api/events/rejected/${r.id}/resend`).set('Authorization', supervisor).send({ event: fixed }).expect(409);
    expect(again.body.message).toBe(`refused event ${r.id} was already resent by test supervisor at 2026-12-26T10:05:00.000Z`);
  });

  it('a dismissal needs a reason, named; with one it is recorded; the open list leaves it out', async () => {
    await t.http
      .post('/api/events')
      .set('Authorization', ingest)
      .send({ ...bad(), eventId: 'rf-open-2', type: 'booking.nonsense' })
      .expect(400);
    const [r] = await refused('?state=open');
    expect(r.eventId).toBe('rf-open-2');
    const none = await t.http.post(`/api/events/rejected/${r.id}/dismiss`).set('Authorization', supervisor).send({}).expect(400);
    expect(none.body.errors).toEqual([{ field: 'reason', message: 'is required' }]);
    const blank = await t.http.post(`/api/events/rejected/${r.id}/dismiss`).set('Authorization', supervisor).send({ reason: '   ' }).expect(400);
    expect(blank.body.errors).toEqual([{ field: 'reason', message: 'is required: say why this refused event needs no re-sending (at most 2000 characters)' }]);
    t.clock.set('2026-12-26T10:10:00.000Z');
    const ok = await t.http.post(`/api/events/rejected/${r.id}/dismiss`).set('Authorization', supervisor).send({ reason: ' test message from the JMS vendor ' }).expect(200);
    expect(ok.body.resolution).toEqual({ action: 'dismissed', reason: 'test message from the JMS vendor', resentEventId: null, by: 'test supervisor', at: '2026-12-26T10:10:00.000Z' });
    expect((await refused('?state=open')).map((x: { eventId: string }) => x.eventId)).not.toContain('rf-open-2');
    expect((await refused('?state=all')).length).toBe(await count('rejected_events'));
  });

  it('unknown ids, bad ids and resolutions are append-only', async () => {
    await t.http.post('/api/events/rejected/999999/dismiss').set('Authorization', supervisor).send({ reason: 'x' }).expect(404);
    expect((await t.http.post('/api/events/rejected/abc/dismiss').set('Authorization', supervisor).send({ reason: 'x' }).expect(400)).body.errors[0].field).toBe('id');
    expect((await t.http.get('/api/events/rejected?state=closed').set('Authorization', supervisor).expect(400)).body.errors[0].field).toBe('state');
    await expect(t.ds.query('DELETE FROM refusal_resolutions')).rejects.toThrow('refusal_resolutions is append-only');
    await expect(t.ds.query('DELETE FROM rejected_events')).rejects.toThrow('rejected_events is append-only');
  });
});
