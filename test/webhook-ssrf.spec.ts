/** Webhook targets: no internal addresses unless allowlisted, checked at creation and again at delivery; no redirects; one generic failure. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SweepService } from '../src/alerts/sweep.service.js';
import { NO_ANSWER, REFUSED_TARGET, WebhooksService } from '../src/alerts/webhooks.service.js';
import { publicAddress } from '../src/alerts/webhook-target.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** A server that counts requests and answers each with `answer`. */
async function receiver(answer: (res: import('node:http').ServerResponse) => void): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits: () => hits };
}
const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

describe('which addresses are public', () => {
  it('only public unicast, IPv4-mapped judged as IPv4', () => {
    const refused = [
      '127.0.0.1',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '240.0.0.1',
      '192.0.2.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::7f00:1',
      '64:ff9b::a00:1',
      '2002:7f00:1::1',
      '2001:db8::1',
      'not an address',
    ];
    expect(refused.filter(publicAddress)).toEqual([]);
    expect(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'].map(publicAddress)).toEqual([true, true, true, true]);
  });
});

describe('webhook targets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { webhookAllowHosts: [] } });
    await t.http
      .put('/api/facilities/ssrf')
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'calendar-48-hours', warnBeforeHours: [1] }))
      .expect(200);
  });
  afterAll(() => t.close());

  it('refuses at creation every target that is or resolves to an internal address, naming url and not echoing it', async () => {
    const targets = [
      'http://10.0.0.5/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:5432/',
      'http://[::1]:22/',
      'http://0.0.0.0/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1:3000/',
      'http://100.64.0.1/',
      'http://224.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::]/',
      'https://172.31.255.255/',
    ];
    const answers = [];
    for (const url of targets) {
      const res = await t.http.post('/api/facilities/ssrf/webhooks').set('Authorization', t.admin).send({ url });
      answers.push([url, res.status, res.body.errors?.[0]?.field, JSON.stringify(res.body).includes(new URL(url).host)]);
    }
    expect(answers).toEqual(targets.map((url) => [url, 400, 'url', false]));
    expect(await t.ds.query('SELECT count(*)::int AS n FROM webhooks')).toEqual([{ n: 0 }]);
  });

  it('refuses credentials in the URL without echoing them', async () => {
    const res = await t.http.post('/api/facilities/ssrf/webhooks').set('Authorization', t.admin).send({ url: 'https://alice:hunter2-secret@93.184.216.34/hook' }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'url', message: 'must not carry credentials (user:password@); put the shared secret in "secret"' }]);
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|alice/);
  });

  it('accepts a public address', async () => {
    const res = await t.http.post('/api/facilities/ssrf/webhooks').set('Authorization', t.admin).send({ url: 'https://93.184.216.34/hook' }).expect(201);
    expect(res.body.url).toBe('https://93.184.216.34/hook');
    await t.http.delete(`/api/webhooks/${res.body.id}`).set('Authorization', t.admin).expect(200);
  });

  it('checks again at delivery: a target that now points inside gets nothing, and the log says so generically', async () => {
    const inside = await receiver((res) => res.writeHead(204).end());
    try {
      const hook = await t.http.post('/api/facilities/ssrf/webhooks').set('Authorization', t.admin).send({ url: 'http://93.184.216.34/hook' }).expect(201);
      // What a name re-pointed after the check (DNS rebinding) amounts to: the stored target is now internal.
      await t.ds.query('UPDATE webhooks SET url = $2 WHERE id = $1', [hook.body.id, inside.url]);
      t.clock.set('2026-11-24T12:00:00.000Z');
      await t.http
        .post('/api/events')
        .set('Authorization', t.admin)
        .send({
          events: [ev.lodged({ facilityId: 'ssrf', bookingId: 's1', occurredAt: '2026-11-21T10:00:00Z' }), ev.eligible({ facilityId: 'ssrf', bookingId: 's1', occurredAt: '2026-11-22T12:00:00Z' })],
        })
        .expect(200);
      t.clock.set('2026-11-24T12:00:00.001Z');
      expect((await t.app.get(SweepService).sweep()).raised).toBe(1);
      expect(await t.app.get(WebhooksService).deliverDue()).toEqual({ delivered: 0, failed: 1 });
      expect(inside.hits()).toBe(0);
      const log = await t.http.get(`/api/webhooks/${hook.body.id}/deliveries`).set('Authorization', t.admin).expect(200);
      expect(log.body.items.map((d: { lastStatus: unknown; lastError: unknown }) => [d.lastStatus, d.lastError])).toEqual([[null, REFUSED_TARGET]]);
      await t.http.delete(`/api/webhooks/${hook.body.id}`).set('Authorization', t.admin).expect(200);
    } finally {
      await close(inside.server);
    }
  });
});

describe('deliveries to an allowlisted host', () => {
  let t: TestApp;
  const timeout = WebhooksService.TIMEOUT_MS;
  beforeAll(async () => {
    t = await startTestApp({ config: { webhookAllowHosts: ['127.0.0.1', 'LOCALHOST'] } });
    await t.http
      .put('/api/facilities/allowed')
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'calendar-48-hours', warnBeforeHours: [1] }))
      .expect(200);
    WebhooksService.TIMEOUT_MS = 500;
  });
  afterAll(async () => {
    WebhooksService.TIMEOUT_MS = timeout;
    await t.close();
  });

  it('are accepted for the allowlisted host, in any spelling of its case', async () => {
    await t.http.post('/api/facilities/allowed/webhooks').set('Authorization', t.admin).send({ url: 'http://localhost:9/x' }).expect(201);
    await t.http.post('/api/facilities/allowed/webhooks').set('Authorization', t.admin).send({ url: 'http://10.0.0.5/x' }).expect(400);
    await t.ds.query('UPDATE webhooks SET disabled_at = now()');
  });

  it('do not follow redirects, and a closed port and a port that never answers read alike', async () => {
    const target = await receiver((res) => res.writeHead(204).end());
    const redirecting = await receiver((res) => res.writeHead(302, { location: target.url }).end());
    const sockets: Socket[] = [];
    const hanging = createServer(() => undefined).on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    try {
      const make = async (url: string) => (await t.http.post('/api/facilities/allowed/webhooks').set('Authorization', t.admin).send({ url }).expect(201)).body.id as string;
      const ids = {
        redirect: await make(redirecting.url),
        hanging: await make(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`),
        closed: await make(`http://127.0.0.1:${closedPort}/hook`),
      };
      t.clock.set('2026-11-24T12:00:00.000Z');
      await t.http
        .post('/api/events')
        .set('Authorization', t.admin)
        .send({
          events: [
            ev.lodged({ facilityId: 'allowed', bookingId: 'a1', occurredAt: '2026-11-21T10:00:00Z' }),
            ev.eligible({ facilityId: 'allowed', bookingId: 'a1', occurredAt: '2026-11-22T12:00:00Z' }),
          ],
        })
        .expect(200);
      t.clock.set('2026-11-24T12:00:00.001Z');
      expect((await t.app.get(SweepService).sweep()).raised).toBe(1);
      expect(await t.app.get(WebhooksService).deliverDue()).toEqual({ delivered: 0, failed: 3 });
      expect([redirecting.hits(), target.hits()]).toEqual([1, 0]);
      const logOf = async (id: string) =>
        (await t.http.get(`/api/webhooks/${id}/deliveries`).set('Authorization', t.admin).expect(200)).body.items.map((d: { lastStatus: unknown; lastError: unknown }) => [d.lastStatus, d.lastError]);
      expect(await logOf(ids.redirect)).toEqual([[302, 'HTTP 302']]);
      expect(await logOf(ids.hanging)).toEqual([[null, NO_ANSWER]]);
      expect(await logOf(ids.closed)).toEqual([[null, NO_ANSWER]]);
    } finally {
      for (const s of sockets) s.destroy();
      await Promise.all([close(target.server), close(redirecting.server), close(hanging)]);
    }
  });
});
