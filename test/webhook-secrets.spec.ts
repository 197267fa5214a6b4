/** Webhook secrets are sealed at rest (AES-256-GCM), with a key outside the database; clear rows are sealed at start. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, KEY_FILE } from '../src/alerts/secret-box.js';
import { SweepService } from '../src/alerts/sweep.service.js';
import { signature, WebhooksService } from '../src/alerts/webhooks.service.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('the key that seals webhook secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-box-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without WEBHOOK_SECRET_KEY, is a file in DATA_DIR, owner-only, made once and kept', () => {
    const first = SecretBox.fromConfig({ webhookSecretKey: null, dataDir: dir });
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    const key = readFileSync(join(dir, KEY_FILE), 'utf8');
    const sealed = first.seal('whsec_abc');
    expect(SecretBox.fromConfig({ webhookSecretKey: null, dataDir: dir }).open(sealed)).toBe('whsec_abc');
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe(key);
    expect(() => SecretBox.fromConfig({ webhookSecretKey: 'another-key-of-at-least-32-characters!', dataDir: dir }).open(sealed)).toThrow();
  });

  it('seals each time anew, and opens what was kept in clear as it is', () => {
    const box = SecretBox.fromConfig({ webhookSecretKey: 'k'.repeat(32), dataDir: null });
    const [a, b] = [box.seal('s3cret-value'), box.seal('s3cret-value')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect([box.open(a), box.open(b), box.open('clear-from-before')]).toEqual(['s3cret-value', 's3cret-value', 'clear-from-before']);
  });
});

describe('webhook secrets in the database', () => {
  let t: TestApp;
  let server: Server;
  const received: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
    await t.http
      .put('/api/facilities/sealed')
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'calendar-48-hours', warnBeforeHours: [1] }))
      .expect(200);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
  });

  it('are stored sealed, sign deliveries as given, and rows kept in clear are sealed at start', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const secret = 'the-shared-secret-of-this-hook';
    const hook = await t.http.post('/api/facilities/sealed/webhooks').set('Authorization', t.admin).send({ url, secret }).expect(201);
    expect(hook.body.secret).toBe(secret);
    const [row] = await t.ds.query('SELECT secret FROM webhooks WHERE id = $1', [hook.body.id]);
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain(secret);

    // A webhook as an earlier release stored it: its secret in clear.
    await t.ds.query(`INSERT INTO webhooks (id, facility_id, url, secret, created_at) VALUES ('00000000-0000-4000-8000-0000000000aa', 'sealed', $1, 'an-old-secret-kept-in-clear', now())`, [url]);
    await t.app.get(WebhooksService).onApplicationBootstrap();
    const rows = await t.ds.query(`SELECT id, secret FROM webhooks ORDER BY id`);
    expect(rows.filter((r: { secret: string }) => !r.secret.startsWith('v1:'))).toEqual([]);

    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({
        events: [ev.lodged({ facilityId: 'sealed', bookingId: 'w1', occurredAt: '2026-11-21T10:00:00Z' }), ev.eligible({ facilityId: 'sealed', bookingId: 'w1', occurredAt: '2026-11-22T12:00:00Z' })],
      })
      .expect(200);
    t.clock.set('2026-11-24T12:00:00.001Z');
    expect((await t.app.get(SweepService).sweep()).raised).toBe(1);
    expect(await t.app.get(WebhooksService).deliverDue()).toEqual({ delivered: 2, failed: 0 });
    // Each delivery signed with its webhook's secret as given.
    const signedWith = received.map((r) =>
      [secret, 'an-old-secret-kept-in-clear'].find((k) => signature(k, r.headers['x-detainer-timestamp'] as string, r.body) === r.headers['x-detainer-signature']),
    );
    expect(signedWith.sort()).toEqual(['an-old-secret-kept-in-clear', secret].sort());
  });
});
