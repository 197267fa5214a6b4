import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { rateLimitPerMinute: 5 } });
});
afterAll(() => t.close());
// The limit is 5 a minute here; each test starts a fresh minute on the injected clock.
beforeEach(() => t.clock.advance(61_000));

describe('security at the edge', () => {
  it('sends security headers and no framework banner', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('limits each API key, and only that key', async () => {
    const a = await t.keyFor('supervisor');
    const b = await t.keyFor('supervisor');
    for (let i = 0; i < 5; i++) await t.http.get('/api/holds').set('Authorization', a).expect(200);
    const limited = await t.http.get('/api/holds').set('Authorization', a).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'rate_limited' });
    await t.http.get('/api/holds').set('Authorization', b).expect(200);
  });

  it('answers 400, not 500, for text the database cannot take in a path', async () => {
    for (const path of ['/api/bookings/a%00b/history', '/api/facilities/a%00b', '/api/people/%ED%A0%80/history']) {
      const res = await t.http.get(path).set('Authorization', t.admin);
      expect([path, res.status]).toEqual([path, expect.any(Number)]);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('refuses bodies nested deeper than 64 levels with 400, not a crash', async () => {
    const deep = (n: number) => `{"eventId":"deep","type":"booking.released","occurredAt":"2026-11-05T15:00:00Z","facilityId":"x","bookingId":"b","x":${'{"v":'.repeat(n)}1${'}'.repeat(n)}}`;
    const sheriff = await t.keyFor('sheriff');
    const res = await t.http.post('/api/events').set('Authorization', t.admin).set('Content-Type', 'application/json').send(deep(300_000));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toEqual({ field: 'body', message: expect.stringContaining('nested deeper than 64') });
    expect((await t.http.post('/api/events').set('Authorization', sheriff).set('Content-Type', 'application/json').send(deep(10))).status).toBe(403);
  });

  it('answers errors without stack traces', async () => {
    const res = await t.http
      .get('/api/holds?limit=nope')
      .set('Authorization', await t.keyFor('sheriff'))
      .expect(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    const big = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .set('Content-Type', 'application/json')
      .send(`{"events":[${'"x",'.repeat(6_000_000)}"x"]}`);
    expect(big.status).toBe(413);
    expect(big.body.errors[0].field).toBe('body');
  });
});
