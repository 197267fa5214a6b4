import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ROLES, type Role } from '../src/auth/api-key.entity.js';
import { facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  t = await startTestApp();
  for (const role of ROLES) keys[role] = role === 'admin' ? t.admin : await t.keyFor(role);
  await t.http.put('/api/facilities/f1').set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

/** Every route of the foundation, and the roles that may use it (admin may use all). */
const ROUTES: Array<{ method: 'get' | 'post' | 'put' | 'delete'; path: string; body?: object; allowed: Role[] }> = [
  { method: 'get', path: '/api/facilities', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/facilities/f1', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'put', path: '/api/facilities/f1', body: facilityBody(), allowed: ['admin'] },
  { method: 'get', path: '/api/facilities/f1/deadline', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/facilities/f1/calendar', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/facilities/f1/changes', allowed: ['admin', 'sheriff'] },
  { method: 'post', path: '/api/events', body: { events: [] }, allowed: ['admin', 'ingest'] },
  { method: 'get', path: '/api/events/rejected', allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/events/rejected/1/resend', body: { event: {} }, allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/events/rejected/1/dismiss', body: { reason: 'x' }, allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/api/events/export?facilityId=f1', allowed: ['admin'] },
  { method: 'post', path: '/api/events/restore', body: {}, allowed: ['admin'] },
  { method: 'post', path: '/api/imports/events-in-force', body: { facilityId: 'f1', idPrefix: 'xx', bookingIds: ['b'] }, allowed: ['admin', 'ingest'] },
  { method: 'post', path: '/api/imports/rejects', body: { facilityId: 'f1', file: 'f.csv', rejects: [{ line: 2, content: 'x', reason: 'y' }] }, allowed: ['admin', 'ingest'] },
  { method: 'get', path: '/api/imports/rejects', allowed: ['admin'] },
  { method: 'get', path: '/api/imports/files', allowed: ['admin'] },
  { method: 'get', path: '/api/imports/mappings', allowed: ['admin'] },
  { method: 'post', path: '/api/imports/preview?mapping=booking-per-row&facilityId=f1&file=a.csv', allowed: ['admin'] },
  // the SHA-256 of no bytes: the empty upload is the one "previewed"
  { method: 'post', path: '/api/imports/uploads?mapping=booking-per-row&facilityId=f1&file=a.csv&sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', allowed: ['admin'] },
  { method: 'get', path: '/api/holds', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/holds/00000000-0000-8000-8000-000000000000', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/keys', allowed: ['admin'] },
  { method: 'post', path: '/api/keys', body: { name: 'x', role: 'counsel' }, allowed: ['admin'] },
  { method: 'delete', path: '/api/keys/00000000-0000-4000-8000-000000000000', allowed: ['admin'] },
  { method: 'get', path: '/api/alerts', allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/alerts/00000000-0000-4000-8000-000000000000/acknowledge', body: {}, allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/facilities/f1/webhooks', body: { url: 'http://127.0.0.1:9/x' }, allowed: ['admin'] },
  { method: 'get', path: '/api/facilities/f1/webhooks', allowed: ['admin'] },
  { method: 'delete', path: '/api/webhooks/00000000-0000-4000-8000-000000000000', allowed: ['admin'] },
  { method: 'get', path: '/api/webhooks/00000000-0000-4000-8000-000000000000/deliveries', allowed: ['admin'] },
  { method: 'get', path: '/api/reports/compliance?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', allowed: ['admin', 'sheriff'] },
  { method: 'get', path: '/api/reports/illinois-trust-act?facilityId=f1&year=2026', allowed: ['admin', 'sheriff'] },
  { method: 'get', path: '/api/reports/quarterly?quarter=2026-Q1', allowed: ['admin', 'sheriff'] },
  { method: 'get', path: '/api/reports/quarterly?quarter=2026-Q1&rows=people', allowed: ['admin', 'sheriff'] },
  // counsel passes the role check and is then refused for want of a grant (403 either way)
  { method: 'get', path: '/api/bookings/nope/history', allowed: ['admin', 'supervisor', 'counsel'] },
  { method: 'get', path: '/api/people/nope/history', allowed: ['admin', 'supervisor', 'counsel'] },
  { method: 'get', path: '/api/custody', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/custody?q=Ana', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/custody?compliant=false&quarter=2026-Q1&reason=limit_reached', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/custody/00000000-0000-8000-8000-000000000000', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/custody/verdict-changes', allowed: ['admin'] },
  { method: 'get', path: '/api/audit/verify?facilityId=f1', allowed: ['admin', 'sheriff'] },
  { method: 'get', path: '/api/audit/access-log', allowed: ['admin'] },
  { method: 'get', path: '/api/grants', allowed: ['admin', 'counsel'] },
  { method: 'get', path: '/api/session', allowed: ['admin', 'ingest', 'supervisor', 'sheriff', 'counsel'] },
  { method: 'post', path: '/api/grants', body: { apiKeyId: '00000000-0000-4000-8000-000000000000', facilityId: 'x', bookingId: 'x' }, allowed: ['admin'] },
  { method: 'delete', path: '/api/grants/00000000-0000-4000-8000-000000000000', allowed: ['admin'] },
  { method: 'get', path: '/api/rule-presets', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'get', path: '/api/reviews', allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/custody/00000000-0000-4000-8000-000000000000/decisions', body: { detainerId: 'd1', decision: 'honour', basis: 'x' }, allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/custody/00000000-0000-4000-8000-000000000000/contacts', body: { kind: 'other', at: '2026-01-01T00:00:00Z' }, allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/api/custody/00000000-0000-4000-8000-000000000000/contacts', allowed: ['admin', 'supervisor', 'sheriff'] },
  // counsel passes the role check and is then refused for want of a grant
  { method: 'post', path: '/api/complaints', body: { facilityId: 'f1', personId: 'nope', category: 'other', receivedVia: 'phone', narrative: 'x' }, allowed: ['admin', 'supervisor', 'counsel'] },
  { method: 'get', path: '/api/complaints', allowed: ['admin', 'supervisor', 'counsel'] },
  { method: 'get', path: '/api/complaints/counts?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', allowed: ['admin', 'supervisor', 'sheriff'] },
  { method: 'post', path: '/api/complaints/00000000-0000-4000-8000-000000000000/transition', body: { to: 'acknowledged' }, allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/api/notices?status=due', allowed: ['admin', 'supervisor'] },
  { method: 'post', path: '/api/notices/00000000-0000-4000-8000-000000000000/served', body: { servedBy: 'x', language: 'en', method: 'in_person' }, allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/api/oversight-alerts', allowed: ['admin', 'supervisor'] },
  { method: 'get', path: '/api/exports/ice-reconciliation?facilityId=f1&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z', allowed: ['admin', 'sheriff'] },
  { method: 'get', path: '/api/exports/public-records?facilityId=f1&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&format=csv', allowed: ['admin', 'sheriff'] },
];

describe('every route against every role and no key', () => {
  for (const route of ROUTES) {
    it(`${route.method.toUpperCase()} ${route.path}`, async () => {
      const send = (auth?: string) => {
        const req = t.http[route.method](route.path);
        if (auth) req.set('Authorization', auth);
        return route.body ? req.send(route.body) : req;
      };
      expect((await send()).status).toBe(401);
      expect((await send('Bearer dm_not_a_key')).status).toBe(401);
      for (const role of ROLES) {
        const status = (await send(keys[role])).status;
        // Allowed: anything but 401/403, except counsel without a grant, which the grant check refuses.
        if (route.allowed.includes(role)) expect([role, status < 400 || status === 404 || (role === 'counsel' && status === 403)]).toEqual([role, true]);
        else expect([role, status]).toEqual([role, 403]);
      }
    });
  }

  it('health and docs need no key', async () => {
    expect((await t.http.get('/api/health').expect(200)).body).toMatchObject({ status: 'ok', database: 'up', migrations: 'applied' });
    const spec = await t.http.get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/events', '/api/holds', '/api/facilities/{facilityId}', '/api/keys']));
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, listed without secret, revoked at once', async () => {
    const made = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'night shift', role: 'supervisor' }).expect(201);
    expect(made.body).toMatchObject({ name: 'night shift', role: 'supervisor', revokedAt: null, expiresAt: null });
    const secret: string = made.body.key;
    expect(secret).toMatch(/^dm_[A-Za-z0-9_-]{43}$/);
    const stored = await t.ds.query('SELECT key_hash FROM api_keys WHERE id = $1', [made.body.id]);
    expect(stored[0].key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    const dump = JSON.stringify(await t.ds.query('SELECT * FROM api_keys'));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(ADMIN_KEY);
    const list = await t.http.get('/api/keys').set('Authorization', t.admin).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    await t.http.get('/api/holds').set('Authorization', `Bearer ${secret}`).expect(200);
    await t.http.delete(`/api/keys/${made.body.id}`).set('Authorization', t.admin).expect(200);
    await t.http.get('/api/holds').set('Authorization', `Bearer ${secret}`).expect(401);
  });

  it('expire at their expiry', async () => {
    const made = await t.http
      .post('/api/keys')
      .set('Authorization', t.admin)
      .send({ name: 'temp', role: 'sheriff', expiresAt: new Date(t.clock.now() + 60_000).toISOString() })
      .expect(201);
    await t.http.get('/api/holds').set('Authorization', `Bearer ${made.body.key}`).expect(200);
    t.clock.advance(60_000);
    await t.http.get('/api/holds').set('Authorization', `Bearer ${made.body.key}`).expect(401);
  });

  it('refuse a bad role naming the field', async () => {
    const res = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'x', role: 'warden' }).expect(400);
    expect(res.body.errors[0].field).toBe('role');
  });
});
