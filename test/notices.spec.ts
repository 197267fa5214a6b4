import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signature, WebhooksService } from '../src/alerts/webhooks.service.js';
import { custodyId } from '../src/holds/booking-key.js';
import { OversightSweep } from '../src/notices/oversight-sweep.service.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let supervisor: string;
const NOW = '2026-11-24T12:00:00.000Z';

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  supervisor = await t.keyFor('supervisor');
  await t.http
    .put('/api/facilities/ca1')
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/Los_Angeles', preset: 'us-ca', complaintDeadlines: { acknowledgeHours: 2, closeDays: 1 } }))
    .expect(200);
  await t.http.put('/api/facilities/ny1').set('Authorization', t.admin).send(facilityBody()).expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({ facilityId: 'ca1', bookingId: 'b1', occurredAt: '2026-11-24T08:00:00Z' }),
        ev.lodged({ facilityId: 'ca1', bookingId: 'b1', occurredAt: '2026-11-24T10:00:00Z' }),
        ev.opened({ facilityId: 'ny1', bookingId: 'n1', occurredAt: '2026-11-24T08:00:00Z' }),
        ev.lodged({ facilityId: 'ny1', bookingId: 'n1', occurredAt: '2026-11-24T10:00:00Z' }),
      ],
    })
    .expect(200);
});
afterAll(() => t.close());

const due = async (status = 'due') => (await t.http.get(`/api/notices?status=${status}`).set('Authorization', supervisor).expect(200)).body.items;
const brief = (n: { kind: string; bookingId: string; dueAt: string; status: string; recipients: string[] }) => [n.bookingId, n.kind, n.dueAt, n.status, n.recipients];

describe('notices to the person (us-ca: TRUTH Act)', () => {
  it('a detainer received makes the copy and the compliance notice due within 24 hours; a facility without notice rules has none', async () => {
    expect((await due()).map(brief)).toEqual([
      ['b1', 'compliance_intent', '2026-11-25T10:00:00.000Z', 'due', ['person']],
      ['b1', 'detainer_copy', '2026-11-25T10:00:00.000Z', 'due', ['person']],
    ]);
  });

  it('an interview request makes the consent form due at once; a release date shared, the same to the person and attorney', async () => {
    const id = custodyId('ca1', 'b1');
    await t.http.post(`/api/custody/${id}/contacts`).set('Authorization', supervisor).send({ kind: 'interview_requested', at: '2026-11-24T11:00:00Z' }).expect(201);
    await t.http.post(`/api/custody/${id}/contacts`).set('Authorization', supervisor).send({ kind: 'release_date_shared', at: '2026-11-24T11:30:00Z' }).expect(201);
    expect((await due()).map(brief)).toEqual([
      ['b1', 'interview_consent', '2026-11-24T11:00:00.000Z', 'late', ['person']],
      ['b1', 'compliance_intent', '2026-11-25T10:00:00.000Z', 'due', ['person']],
      ['b1', 'detainer_copy', '2026-11-25T10:00:00.000Z', 'due', ['person']],
      ['b1', 'release_information', '2026-11-25T11:30:00.000Z', 'due', ['person', 'attorney']],
    ]);
    expect((await due('late')).map((n: { kind: string }) => n.kind)).toEqual(['interview_consent']);
  });

  it('record service (when, by whom, language, how) once, in the chain and the history', async () => {
    const copy = (await due()).find((n: { kind: string }) => n.kind === 'detainer_copy');
    const bad = await t.http.post(`/api/notices/${copy.id}/served`).set('Authorization', supervisor).send({ servedBy: 'Dep. Ruiz', method: 'pigeon' }).expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'language', message: 'is required' },
      { field: 'method', message: 'must be one of in_person, written_copy, mail, email, interpreter, other' },
    ]);
    const future = await t.http
      .post(`/api/notices/${copy.id}/served`)
      .set('Authorization', supervisor)
      .send({ servedAt: '2026-11-25T00:00:00Z', servedBy: 'Dep. Ruiz', language: 'es', method: 'in_person' })
      .expect(400);
    expect(future.body.errors).toEqual([{ field: 'servedAt', message: 'is in the future: record service once it is done' }]);
    const res = await t.http
      .post(`/api/notices/${copy.id}/served`)
      .set('Authorization', supervisor)
      .send({ servedAt: '2026-11-24T11:45:00-08:00', servedBy: 'Dep. Ruiz', language: 'es', method: 'in_person' });
    expect(res.status).toBe(400); // 19:45Z is in the future at 12:00Z
    const ok = await t.http
      .post(`/api/notices/${copy.id}/served`)
      .set('Authorization', supervisor)
      .send({ servedAt: '2026-11-24T03:45:00-08:00', servedBy: 'Dep. Ruiz', language: 'es', method: 'in_person' })
      .expect(201);
    expect(ok.body).toMatchObject({
      kind: 'detainer_copy',
      status: 'served',
      late: false,
      servedAt: '2026-11-24T11:45:00.000Z',
      servedBy: 'Dep. Ruiz',
      language: 'es',
      method: 'in_person',
      recordedAt: NOW,
      recordedBy: 'test supervisor',
    });
    const again = await t.http.post(`/api/notices/${copy.id}/served`).set('Authorization', supervisor).send({ servedBy: 'Dep. Ruiz', language: 'es', method: 'in_person' }).expect(409);
    expect(again.body.errors).toEqual([{ field: 'id', message: `notice "${copy.id}" was already recorded as served` }]);
    const history = await t.http.get('/api/bookings/b1/history?facilityId=ca1').set('Authorization', supervisor).expect(200);
    const served = history.body.events.filter((e: { type: string }) => e.type === 'notice.served');
    expect(served.map((e: { event: object }) => e.event)).toEqual([
      expect.objectContaining({ noticeId: copy.id, kind: 'detainer_copy', servedAt: '2026-11-24T11:45:00.000Z', servedBy: 'Dep. Ruiz', language: 'es', method: 'in_person' }),
    ]);
    expect((await due('served')).map((n: { kind: string }) => n.kind)).toEqual(['detainer_copy']);
  });
});

describe('oversight alerts', () => {
  it('fire exactly once when a notice is late or a complaint is past due, however many sweeps run', async () => {
    const sweep = t.app.get(OversightSweep);
    await t.http
      .post('/api/complaints')
      .set('Authorization', supervisor)
      .send({ facilityId: 'ca1', bookingId: 'b1', category: 'held_too_long', receivedVia: 'written', narrative: 'Too long.' })
      .expect(201);
    const first = await sweep.sweep();
    expect(first.map((a) => [a.kind, a.due_at.toISOString()])).toEqual([['notice_late', '2026-11-24T11:00:00.000Z']]);
    expect(await sweep.sweep()).toEqual([]);
    t.clock.set('2026-11-24T14:00:00.001Z'); // the acknowledgement was due at 14:00
    const [a, b] = await Promise.all([sweep.sweep(), sweep.sweep()]);
    expect([...a, ...b].map((x) => [x.kind, x.due_at.toISOString()])).toEqual([['complaint_acknowledgement_overdue', '2026-11-24T14:00:00.000Z']]);
    t.clock.set('2026-11-25T13:00:00Z');
    expect((await sweep.sweep()).map((x) => [x.kind, x.due_at.toISOString()])).toEqual([
      ['complaint_closure_overdue', '2026-11-25T12:00:00.000Z'],
      ['notice_late', '2026-11-25T10:00:00.000Z'],
      ['notice_late', '2026-11-25T11:30:00.000Z'],
    ]);
    expect(await sweep.sweep()).toEqual([]);
    const listed = await t.http.get('/api/oversight-alerts?facilityId=ca1').set('Authorization', supervisor).expect(200);
    expect(listed.body.items.map((x: { kind: string; raisedAt: string }) => [x.kind, x.raisedAt])).toEqual([
      ['complaint_closure_overdue', '2026-11-25T13:00:00.000Z'],
      ['notice_late', '2026-11-25T13:00:00.000Z'],
      ['notice_late', '2026-11-25T13:00:00.000Z'],
      ['complaint_acknowledgement_overdue', '2026-11-24T14:00:00.001Z'],
      ['notice_late', '2026-11-24T12:00:00.000Z'],
    ]);
    const late = await t.ds.query(`SELECT body->>'kind' AS kind FROM events WHERE type = 'notice.late' ORDER BY seq`);
    expect(late).toEqual([{ kind: 'interview_consent' }, { kind: 'compliance_intent' }, { kind: 'release_information' }]);
  });

  it("are acknowledged once, with who, when and a note, in the facility's time too; open ones listed apart", async () => {
    const open = async () => (await t.http.get('/api/oversight-alerts?facilityId=ca1&state=open').set('Authorization', supervisor).expect(200)).body.items;
    const before = await open();
    expect(before).toHaveLength(5);
    const complaint = before.find((x: { kind: string }) => x.kind === 'complaint_acknowledgement_overdue');
    expect(complaint).toMatchObject({ about: 'held_too_long', bookingId: 'b1', state: 'open', dueLocal: '2026-11-24T06:00:00.000-08:00', acknowledgedBy: null, timeZone: 'America/Los_Angeles' });
    t.clock.set('2026-11-25T14:00:00Z');
    const done = (await t.http.post(`/api/oversight-alerts/${complaint.id}/acknowledge`).set('Authorization', supervisor).send({ note: 'Called the family.' }).expect(200)).body;
    expect(done).toMatchObject({
      state: 'acknowledged',
      acknowledgedAt: '2026-11-25T14:00:00.000Z',
      acknowledgedLocal: '2026-11-25T06:00:00.000-08:00',
      acknowledgedBy: 'test supervisor',
      note: 'Called the family.',
    });
    expect((await open()).map((x: { id: string }) => x.id)).not.toContain(complaint.id);
    expect((await t.http.get('/api/oversight-alerts?facilityId=ca1&state=acknowledged').set('Authorization', supervisor).expect(200)).body.items.map((x: { id: string }) => x.id)).toEqual([
      complaint.id,
    ]);
    // Once: a second acknowledgement is refused naming the alert, and changes nothing.
    const again = await t.http.post(`/api/oversight-alerts/${complaint.id}/acknowledge`).set('Authorization', supervisor).send({ note: 'Again.' }).expect(409);
    expect(again.body.errors[0]).toEqual({ field: 'id', message: 'was already acknowledged by test supervisor at 2026-11-25T14:00:00.000Z' });
    await t.http.post('/api/oversight-alerts/00000000-0000-0000-0000-000000000000/acknowledge').set('Authorization', supervisor).send({}).expect(404);
    expect((await t.http.post(`/api/oversight-alerts/${complaint.id}/acknowledge`).set('Authorization', supervisor).send({ note: 5 }).expect(400)).body.errors[0].field).toBe('note');
    await t.http
      .post(`/api/oversight-alerts/${complaint.id}/acknowledge`)
      .set('Authorization', await t.keyFor('sheriff'))
      .send({})
      .expect(403);
    // The sweep raises nothing again for what was acknowledged.
    expect(await t.app.get(OversightSweep).sweep()).toEqual([]);
  });

  it("go to the facility's webhooks once each, signed, as custody alerts do", async () => {
    const received: Array<{ body: string; signature: string; timestamp: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-detainer-signature']), timestamp: String(req.headers['x-detainer-timestamp']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const secret = 'an-oversight-webhook-secret';
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oversight`;
      const hook = (await t.http.post('/api/facilities/ca1/webhooks').set('Authorization', t.admin).send({ url, secret }).expect(201)).body;
      t.clock.set('2026-11-26T12:00:00Z');
      const filed = (
        await t.http
          .post('/api/complaints')
          .set('Authorization', supervisor)
          .send({ facilityId: 'ca1', bookingId: 'b1', category: 'access_to_counsel', receivedVia: 'phone', narrative: 'No call to counsel.' })
          .expect(201)
      ).body;
      t.clock.set('2026-11-26T14:00:00.001Z'); // two hours to acknowledge
      const sweep = t.app.get(OversightSweep);
      expect((await sweep.sweep()).map((a) => [a.kind, a.subject_id])).toEqual([['complaint_acknowledgement_overdue', filed.id]]);
      const webhooks = t.app.get(WebhooksService);
      expect(await webhooks.deliverDue()).toEqual({ delivered: 1, failed: 0 });
      expect(await sweep.sweep()).toEqual([]);
      expect(await webhooks.deliverDue()).toEqual({ delivered: 0, failed: 0 });
      expect(received).toHaveLength(1);
      expect(received[0].signature).toBe(signature(secret, received[0].timestamp, received[0].body));
      expect(JSON.parse(received[0].body)).toMatchObject({
        type: 'oversight_alert',
        oversightAlert: {
          kind: 'complaint_acknowledgement_overdue',
          subjectId: filed.id,
          about: 'access_to_counsel',
          facilityId: 'ca1',
          bookingId: 'b1',
          state: 'open',
          dueAt: '2026-11-26T14:00:00.000Z',
          dueLocal: '2026-11-26T06:00:00.000-08:00',
        },
      });
      const log = (await t.http.get(`/api/webhooks/${hook.id}/deliveries`).set('Authorization', t.admin).expect(200)).body.items;
      expect(log.map((d: { alertId: string | null; oversightAlertId: string; state: string }) => [d.alertId, typeof d.oversightAlertId, d.state])).toEqual([[null, 'string', 'delivered']]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
