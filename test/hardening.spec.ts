/** Issue 25: keys, throttling, the access log's statuses, the key before the body, timeouts, caching, what is served. */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../src/app-config.js';
import { HistoryService } from '../src/reports/history.service.js';
import { SERVER_ENTRY } from '../scripts/server-process.js';
import { ev, facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

/** Send raw bytes to a listening server; resolve with what came back and when the connection closed. */
function raw(server: Server, head: string, trickle?: { bytes: number; everyMs: number }): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.write(head);
    if (trickle) {
      let sent = 0;
      timer = setInterval(() => (sent++ < trickle.bytes && !socket.destroyed ? socket.write('x') : clearInterval(timer)), trickle.everyMs);
    }
    // Nothing in these tests should take this long: give up rather than hang.
    setTimeout(() => socket.destroy(), 15_000).unref();
  });
}

describe('BOOTSTRAP_ADMIN_KEY', () => {
  it('shorter than 32 characters is refused, naming the reason', () => {
    expect(() => AppConfig.fromEnv({ BOOTSTRAP_ADMIN_KEY: 'a' })).toThrow('BOOTSTRAP_ADMIN_KEY is too short: 1 characters, at least 32 are needed');
    expect(() => AppConfig.fromEnv({ BOOTSTRAP_ADMIN_KEY: 'x'.repeat(31) })).toThrow('BOOTSTRAP_ADMIN_KEY is too short: 31 characters');
    expect(AppConfig.fromEnv({ BOOTSTRAP_ADMIN_KEY: 'x'.repeat(32) }).bootstrapAdminKey).toBe('x'.repeat(32));
  });

  it('makes the server exit non-zero at start, saying why', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dm-short-key-'));
    try {
      const run = spawnSync(process.execPath, [SERVER_ENTRY], { env: { ...process.env, BOOTSTRAP_ADMIN_KEY: 'a', DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Detainer Monitor did not start: BOOTSTRAP_ADMIN_KEY is too short: 1 characters, at least 32 are needed');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('configuration of the edge', () => {
  it('HOST defaults to 127.0.0.1; docker-compose listens on all interfaces; timeouts have defaults', () => {
    expect(AppConfig.fromEnv({})).toMatchObject({ host: '127.0.0.1', headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 60_000, authFailuresPerMinute: 10, webhookAllowHosts: [] });
    expect(AppConfig.fromEnv({ HOST: '0.0.0.0', REQUEST_TIMEOUT_MS: '5000', WEBHOOK_ALLOW_HOSTS: 'Hooks.Local, 10.0.0.5,[::1]' })).toMatchObject({
      host: '0.0.0.0',
      requestTimeoutMs: 5000,
      webhookAllowHosts: ['hooks.local', '10.0.0.5', '::1'],
    });
    expect(() => AppConfig.fromEnv({ REQUEST_TIMEOUT_MS: '0' })).toThrow('REQUEST_TIMEOUT_MS must be a whole number of milliseconds above 0');
    expect(readFileSync('docker-compose.yml', 'utf8')).toMatch(/^\s+HOST: "0\.0\.0\.0"$/m);
  });
});

describe('keys, throttling and the access log', () => {
  let t: TestApp;
  /** The access log's rows after `afterId`, once there are `n`: refusals are written as their answer finishes, so a little after it. */
  const logAfter = async (afterId: number | null, n: number, columns: string) => {
    for (let i = 0; ; i++) {
      const rows = await t.ds.query(`SELECT ${columns} FROM access_log WHERE id > $1 ORDER BY id`, [afterId ?? 0]);
      if (rows.length >= n || i >= 100) return rows;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  beforeAll(async () => {
    t = await startTestApp({ config: { authFailuresPerMinute: 3 } });
    await t.http.put('/api/facilities/hf').set('Authorization', t.admin).send(facilityBody()).expect(200);
  });
  afterAll(() => t.close());

  it('listings name keys by a short id, never by a part of the secret', async () => {
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'desk', role: 'supervisor' }).expect(201);
    const list = await t.http.get('/api/keys').set('Authorization', t.admin).expect(200);
    const desk = list.body.items.find((k: { id: string }) => k.id === made.body.id);
    expect(desk).toEqual({
      id: made.body.id,
      shortId: made.body.id.slice(0, 8),
      name: 'desk',
      role: 'supervisor',
      facilityIds: null,
      createdAt: '2026-11-24T12:00:00.000Z',
      expiresAt: null,
      revokedAt: null,
    });
    expect(made.body.keyPrefix).toBeUndefined();
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(ADMIN_KEY.slice(0, 8));
    expect(text).not.toContain(made.body.key.slice(0, 8));
    expect(await t.ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys' AND column_name = 'key_prefix'`)).toEqual([]);
  });

  it('limits an ingest key to its facilities: events about others refused each, naming facilityId, and kept', async () => {
    await t.http.put('/api/facilities/other').set('Authorization', t.admin).send(facilityBody()).expect(200);
    const made = await t.http
      .post('/api/keys')
      .set('Authorization', t.admin)
      .send({ name: 'hf jms', role: 'ingest', facilityIds: ['hf'] })
      .expect(201);
    expect(made.body.facilityIds).toEqual(['hf']);
    const key = `Bearer ${made.body.key}`;
    const res = await t.http
      .post('/api/events')
      .set('Authorization', key)
      .send({
        events: [
          ev.opened({ facilityId: 'hf', bookingId: 'k1', occurredAt: '2026-11-01T10:00:00Z', eventId: 'lim-1' }),
          ev.opened({ facilityId: 'other', bookingId: 'k1', occurredAt: '2026-11-01T10:00:00Z', eventId: 'lim-2' }),
        ],
      })
      .expect(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [{ index: 1, eventId: 'lim-2', errors: [{ field: 'facilityId', message: 'this API key may send events only about "hf"' }] }] });
    const one = await t.http
      .post('/api/events')
      .set('Authorization', key)
      .send(ev.opened({ facilityId: 'other', bookingId: 'k2', occurredAt: '2026-11-01T10:00:00Z', eventId: 'lim-3' }))
      .expect(400);
    expect(one.body.errors).toEqual([{ field: 'facilityId', message: 'this API key may send events only about "hf"' }]);
    expect((await t.ds.query(`SELECT event_id FROM rejected_events WHERE event_id LIKE 'lim-%' ORDER BY event_id`)).map((r: { event_id: string }) => r.event_id)).toEqual(['lim-2', 'lim-3']);
    const sheriff = await t.http
      .post('/api/keys')
      .set('Authorization', t.admin)
      .send({ name: 'x', role: 'sheriff', facilityIds: ['hf'] })
      .expect(400);
    expect(sheriff.body.errors).toEqual([{ field: 'facilityIds', message: 'only an ingest key may be limited to facilities' }]);
  });

  it('refuses an expiry that is not in the future, naming expiresAt', async () => {
    for (const expiresAt of ['2026-11-24T11:59:59Z', '2026-11-24T12:00:00Z', '2020-01-01T00:00:00Z']) {
      const res = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'old', role: 'sheriff', expiresAt }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'expiresAt', message: 'must be in the future' }]);
    }
    await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'new', role: 'sheriff', expiresAt: '2026-11-24T12:00:01Z' }).expect(201);
  });

  it('throttles failed authentication per address: 429 with Retry-After, even for a good key, logged once a window', async () => {
    t.clock.advance(60_000);
    const before = await t.ds.query('SELECT max(id) AS id FROM access_log');
    for (let i = 0; i < 3; i++) await t.http.get('/api/holds').set('Authorization', `Bearer dm_guess_${i}`).expect(401);
    const throttled = await t.http.get('/api/holds').set('Authorization', 'Bearer dm_guess_3').expect(429);
    expect(throttled.headers['retry-after']).toBe('60');
    expect(throttled.body).toMatchObject({ statusCode: 429, error: 'rate_limited' });
    t.clock.advance(20_000);
    const good = await t.http.get('/api/holds').set('Authorization', t.admin).expect(429);
    expect(good.headers['retry-after']).toBe('40');
    const rows = await logAfter(before[0].id, 4, 'action, outcome, status, resource');
    expect(rows).toEqual([
      ...[0, 1, 2].map(() => ({ action: 'request.refused', outcome: 'unauthenticated', status: 401, resource: '/api/holds' })),
      { action: 'request.refused', outcome: 'rate_limited', status: 429, resource: '/api/holds' },
    ]);
    t.clock.advance(40_000);
    await t.http.get('/api/holds').set('Authorization', t.admin).expect(200);
  });

  it('records every refusal and failure of a logged read with its real status', async () => {
    t.clock.advance(60_000);
    const sheriff = await t.keyFor('sheriff');
    const counsel = await t.keyFor('counsel');
    const before = await t.ds.query('SELECT max(id) AS id FROM access_log');
    await t.http.get('/api/bookings/b1/history').expect(401);
    await t.http.get('/api/bookings/b1/history').set('Authorization', sheriff).expect(403);
    await t.http.get('/api/bookings/b1/history').set('Authorization', counsel).expect(403);
    await t.http.get('/api/bookings/b1/history').set('Authorization', t.admin).expect(404);
    const spy = jest.spyOn(t.app.get(HistoryService), 'forBooking').mockRejectedValueOnce(new Error('boom'));
    await t.http.get('/api/bookings/b1/history').set('Authorization', t.admin).expect(500);
    spy.mockRestore();
    await t.http.get('/api/keys').set('Authorization', sheriff).expect(403);
    const rows = await logAfter(before[0].id, 6, 'action, outcome, status, role');
    expect(rows).toEqual([
      { action: 'history.booking', outcome: 'unauthenticated', status: 401, role: null },
      { action: 'history.booking', outcome: 'forbidden', status: 403, role: 'sheriff' },
      { action: 'history.booking', outcome: 'forbidden', status: 403, role: 'counsel' },
      { action: 'history.booking', outcome: 'not_found', status: 404, role: 'admin' },
      { action: 'history.booking', outcome: 'internal_error', status: 500, role: 'admin' },
      { action: 'request.refused', outcome: 'forbidden', status: 403, role: 'sheriff' },
    ]);
    const api = await t.http.get('/api/audit/access-log?limit=1').set('Authorization', t.admin).expect(200);
    expect(api.body.items[0]).toMatchObject({ action: 'request.refused', outcome: 'forbidden', status: 403, role: 'sheriff' });
  });
});

describe('grants, verification, and what a refusal tells', () => {
  let t: TestApp;
  let counselId: string;
  let counsel: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.http.put('/api/facilities/gf').set('Authorization', t.admin).send(facilityBody()).expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send(ev.opened({ facilityId: 'gf', bookingId: 'known', personId: 'p-known', occurredAt: '2026-11-01T10:00:00Z' }))
      .expect(200);
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'defender', role: 'counsel' }).expect(201);
    counselId = made.body.id;
    counsel = `Bearer ${made.body.key}`;
  });
  afterAll(() => t.close());

  it('refuses a grant of a booking or person the facility does not know, unless the admin says it is expected', async () => {
    const grant = (body: object) =>
      t.http
        .post('/api/grants')
        .set('Authorization', t.admin)
        .send({ apiKeyId: counselId, facilityId: 'gf', ...body });
    expect((await grant({ bookingId: 'typo' }).expect(400)).body.errors).toEqual([
      { field: 'bookingId', message: 'booking "typo" is not known at facility "gf"; to grant it before its events arrive, send "expected": true' },
    ]);
    expect((await grant({ personId: 'nobody' }).expect(400)).body.errors).toEqual([
      { field: 'personId', message: 'person "nobody" is not known at facility "gf"; to grant it before its events arrive, send "expected": true' },
    ]);
    await grant({ bookingId: 'known' }).expect(201);
    await grant({ personId: 'p-known' }).expect(201);
    await grant({ bookingId: 'coming', expected: true }).expect(201);
    expect((await grant({ bookingId: 'x', expected: 'yes' }).expect(400)).body.errors[0].field).toBe('expected');
  });

  it('verifies only a facility that exists: 404 otherwise', async () => {
    const res = await t.http.get('/api/audit/verify?facilityId=nowhere').set('Authorization', t.admin).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'not_found', message: 'facility "nowhere" not found' });
    expect((await t.http.get('/api/audit/verify?facilityId=gf').set('Authorization', t.admin).expect(200)).body).toMatchObject({ facilityId: 'gf', ok: true, eventsChecked: 1 });
  });

  it('refuses counsel a booking that exists and one that does not with the same answer and the same queries', async () => {
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send(ev.opened({ facilityId: 'gf', bookingId: 'secret-booking', occurredAt: '2026-11-01T10:00:00Z' }))
      .expect(200);
    const refusal = async (bookingId: string) => {
      const spy = jest.spyOn(t.ds, 'query');
      const res = await t.http.get(`/api/bookings/${bookingId}/history`).set('Authorization', counsel);
      const queries = spy.mock.calls.length;
      spy.mockRestore();
      return { status: res.status, body: res.body, queries };
    };
    const exists = await refusal('secret-booking');
    const absent = await refusal('no-such-booking');
    expect(exists).toEqual({ status: 403, body: { statusCode: 403, error: 'forbidden', message: 'this counsel key has no grant for this booking or person' }, queries: expect.any(Number) });
    expect(absent).toEqual(exists);
  });
});

describe('the key before the body; time limits; caching; what is served', () => {
  let t: TestApp;
  let server: Server;
  beforeAll(async () => {
    t = await startTestApp({ config: { requestTimeoutMs: 1500, headersTimeoutMs: 1000 } });
    server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => t.close());

  it('refuses a wrong key without parsing the body: 401, not a complaint about the JSON', async () => {
    const bad = await t.http.post('/api/keys').set('Authorization', 'Bearer dm_wrong').set('Content-Type', 'application/json').send('{"name": not json');
    expect([bad.status, bad.body.error]).toEqual([401, 'unauthenticated']);
    const deep = await t.http
      .post('/api/keys')
      .set('Content-Type', 'application/json')
      .send(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect([deep.status, deep.body.error]).toEqual([401, 'unauthenticated']);
    // With the key, the same body is read and refused for what it is.
    expect((await t.http.post('/api/keys').set('Authorization', t.admin).set('Content-Type', 'application/json').send('{"name": not json')).status).toBe(400);
  });

  it('answers a wrong key with a 16 MB body at once, without waiting for the body, and closes the connection', async () => {
    const head = `POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dm_wrong\r\nContent-Type: application/json\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n{"events":[`;
    const res = await raw(server, head);
    expect(res.text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(res.text).toMatch(/\r\nConnection: close\r\n/i);
    expect(res.closedAfterMs).toBeLessThan(1000);
  });

  it('cuts off a body trickled in (408) and headers that never end', async () => {
    const body = await raw(server, `POST /api/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`, {
      bytes: 100,
      everyMs: 200,
    });
    expect(body.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(body.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(body.closedAfterMs).toBeLessThan(3500);
    const headers = await raw(server, 'GET /api/health HTTP/1.1\r\nHost: x\r\n');
    expect(headers.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(headers.closedAfterMs).toBeLessThan(2500);
  });

  it('marks every API answer no-store, refusals and health included', async () => {
    for (const res of [
      await t.http.get('/api/holds').set('Authorization', t.admin),
      await t.http.get('/api/holds'),
      await t.http.get('/api/health'),
      await t.http.get('/api/nothing-here').set('Authorization', t.admin),
    ]) {
      expect([res.status, res.headers['cache-control']]).toEqual([res.status, 'no-store']);
    }
  });

  it("serves the board's own files and nothing else of web/", async () => {
    expect((await t.http.get('/').expect(200)).text).toContain('<!doctype html>'.slice(0, 5));
    await t.http.get('/app.js').expect(200);
    await t.http.get('/app.css').expect(200);
    await t.http.get('/tsconfig.json').expect(404);
    await t.http.get('/.env').expect(404);
    await t.http.get('/../package.json').expect(404);
  });
});
