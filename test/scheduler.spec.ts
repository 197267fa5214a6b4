import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signature } from '../src/alerts/webhooks.service.js';
import { ev, facilityBody } from './support/factories.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Wait for the app's own timers (not for time to pass: the clock is injected). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the scheduled sweep and deliveries, several instances on one database', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];
  let server: Server;
  const received: Array<{ body: string; signature: string; timestamp: string }> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const instances = db.kind === 'postgres' ? 3 : 1;
    if (instances === 1) console.warn('SKIPPED in part: one instance only on PGlite; set TEST_DATABASE_URL for three.');
    for (let i = 0; i < instances; i++) {
      apps.push(await startTestApp({ db, now: '2026-11-24T12:00:00.000Z', config: { sweepIntervalMs: 25, deliveryIntervalMs: 25 } }));
    }
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-detainer-signature']), timestamp: String(req.headers['x-detainer-timestamp']) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await new Promise<void>((r) => server.close(() => r()));
    await db.drop();
  });

  it('a hold due in two minutes: approaching then overdue, in the API and at the webhook, once each', async () => {
    const [a] = apps;
    const secret = 'scheduler-test-secret-123';
    await a.http
      .put('/api/facilities/sched')
      .set('Authorization', a.admin)
      .send(facilityBody({ policy: 'calendar-48-hours', warnBeforeHours: [0.05] }))
      .expect(200);
    await a.http
      .post('/api/facilities/sched/webhooks')
      .set('Authorization', a.admin)
      .send({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret })
      .expect(201);
    // Release-eligible 47 h 58 min ago: the 48-hour deadline is two minutes away; the 3-minute warning is due now.
    await a.http
      .post('/api/events')
      .set('Authorization', a.admin)
      .send({
        events: [
          ev.lodged({ facilityId: 'sched', bookingId: 'due-soon', occurredAt: '2026-11-21T12:00:00Z' }),
          ev.eligible({ facilityId: 'sched', bookingId: 'due-soon', occurredAt: '2026-11-22T12:02:00Z' }),
        ],
      })
      .expect(200);
    const alerts = async () => (await a.http.get('/api/alerts?facilityId=sched').set('Authorization', a.admin)).body.items as Array<{ id: string; level: string }>;

    await until('the approaching alert', async () => ((await alerts()).length === 1 ? true : undefined));
    // Move the clock only once that delivery is recorded: jumping it past the one-minute lease while
    // the delivery is in flight would let another instance take it over (at-least-once, by design).
    await until('the first delivery recorded', async () => ((await a.ds.query(`SELECT 1 FROM webhook_deliveries WHERE state = 'delivered'`)).length === 1 ? true : undefined));
    for (const app of apps) app.clock.set('2026-11-24T12:02:00.001Z');
    await until('the overdue alert', async () => ((await alerts()).length === 2 ? true : undefined));
    await until('both deliveries', async () => (received.length >= 2 ? true : undefined));
    // Let a few more ticks of every instance pass: nothing new may appear.
    const ticks = Date.now() + 300;
    await until('more ticks', async () => (Date.now() > ticks ? true : undefined));

    const list = await alerts();
    expect(list.map((x) => x.level).sort()).toEqual(['approaching', 'overdue']);
    expect(received).toHaveLength(2);
    expect(received.map((r) => JSON.parse(r.body).alert.id).sort()).toEqual(list.map((x) => x.id).sort());
    for (const r of received) expect(r.signature).toBe(signature(secret, r.timestamp, r.body));
  });
});
