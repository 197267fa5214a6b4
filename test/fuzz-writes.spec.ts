import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let counselId: string;
beforeAll(async () => {
  t = await startTestApp();
  await t.http.put('/api/facilities/fw').set('Authorization', t.admin).send(facilityBody()).expect(200);
  counselId = (await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'c', role: 'counsel' }).expect(201)).body.id;
});
afterAll(() => t.close());

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 3000 }),
  fc.constantFrom('\u0000', '\ud800', 'Mars/Olympus', 'UTC+3', '2026-02-30', '2026-11-05T15:00:00', 'javascript:alert(1)', 'ftp://x', 'x'.repeat(5000)),
);
/** A valid body with one field replaced, removed or added, or something else entirely. */
const around = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc.record({ field: fc.constantFrom(...Object.keys(valid), 'extra'), value: hostile, drop: fc.boolean() }).map(({ field, value, drop }) => {
      const b: Record<string, unknown> = { ...valid };
      if (drop) delete b[field];
      else b[field] = value;
      return b;
    }),
    hostile,
  );

const ENDPOINTS: Array<{ name: string; method: 'put' | 'post'; path: () => string; valid: () => Record<string, unknown> }> = [
  {
    name: 'PUT /api/facilities/:id',
    method: 'put',
    path: () => '/api/facilities/fw',
    valid: () => ({ ...facilityBody(), holdHours: 48, extraHolidays: ['2026-12-24'], warnBeforeHours: [12], effectiveFrom: '2026-01-01T00:00:00Z' }),
  },
  { name: 'POST /api/keys', method: 'post', path: () => '/api/keys', valid: () => ({ name: 'k', role: 'sheriff', expiresAt: '2030-01-01T00:00:00Z' }) },
  { name: 'POST /api/grants', method: 'post', path: () => '/api/grants', valid: () => ({ apiKeyId: counselId, facilityId: 'fw', bookingId: 'b1', expected: true }) },
  { name: 'POST /api/facilities/:id/webhooks', method: 'post', path: () => '/api/facilities/fw/webhooks', valid: () => ({ url: 'http://127.0.0.1:9/hook', secret: 'a-secret-of-enough-length' }) },
  { name: 'POST /api/alerts/:id/acknowledge', method: 'post', path: () => '/api/alerts/00000000-0000-4000-8000-000000000000/acknowledge', valid: () => ({ note: 'n' }) },
];

describe('every other write endpoint under hostile bodies', () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.name}: never 5xx, refusals name a field`, async () => {
      await fc.assert(
        fc.asyncProperty(around(ep.valid()), async (body) => {
          const res = await t.http[ep.method](ep.path()).set('Authorization', t.admin).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
          if (res.status === 400) for (const e of res.body.errors) expect(typeof e.field).toBe('string');
        }),
        { numRuns: 600, seed: 7 },
      );
      // The facility is still readable and valid after all that.
      await t.http.get('/api/facilities/fw').set('Authorization', t.admin).expect(200);
    }, 300_000);
  }
});
