import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateEvent } from '../src/events/event.schema.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.http.put('/api/facilities/fz').set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const TYPES = [
  'booking.opened',
  'booking.charges_updated',
  'detainer.lodged',
  'detainer.amended',
  'detainer.cancelled',
  'booking.release_eligible',
  'booking.eligibility_ended',
  'booking.custody_transferred',
  'booking.released',
  'event.retracted',
];
/** Each type's own fields (unknown fields are refused, so a valid base carries only these). */
const OWN: Record<string, string[]> = {
  'booking.opened': ['personId', 'charges'],
  'booking.charges_updated': ['charges'],
  'detainer.lodged': ['detainerId', 'form'],
  'detainer.amended': ['detainerId', 'form'],
  'detainer.cancelled': ['detainerId'],
  'booking.release_eligible': ['reason'],
  'booking.eligibility_ended': ['reason'],
  'booking.custody_transferred': ['toAgency'],
  'booking.released': [],
  'event.retracted': ['retractsEventId', 'reason'],
};
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ minLength: 129, maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'null',
    '2026-11-05T15:00:00',
    '2026-13-45T99:99:99Z',
    '2026-02-30T10:00:00Z',
    '9999-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
    '2026-11-05T15:00:00+25:00',
    '2026-11-05T15:00:00.1234567890Z',
    "'; DROP TABLE events; --",
    '<script>alert(1)</script>',
    'x'.repeat(10_000),
    '\uD800',
    'Mars/Olympus',
  ),
);
const anyValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const deep = fc.integer({ min: 50, max: 2000 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { v };
  return v;
});

/** A valid event with one field removed, replaced by something hostile, or one field added. */
const mutated = fc
  .record({
    type: fc.constantFrom(...TYPES),
    field: fc.constantFrom(
      'eventId',
      'type',
      'occurredAt',
      'facilityId',
      'bookingId',
      'personId',
      'detainerId',
      'form',
      'warrant',
      'charges',
      'reason',
      'retractsEventId',
      'toAgency',
      'person',
      'extensions',
    ),
    value: fc.oneof(anyValue, deep),
    mode: fc.constantFrom('replace', 'delete', 'add'),
    n: fc.nat(),
  })
  .map(({ type, field, value, mode, n }) => {
    const all: Record<string, unknown> = {
      personId: 'p',
      detainerId: 'd1',
      form: 'I-247A',
      charges: [{ level: 'felony' }],
      retractsEventId: `fz-${n + 1}`,
      toAgency: 'ICE',
      reason: type === 'booking.eligibility_ended' ? 'warrant' : 'other',
    };
    const base: Record<string, unknown> = {
      eventId: `fz-${n}`,
      type,
      occurredAt: '2026-11-05T15:00:00Z',
      facilityId: 'fz',
      bookingId: `fzb-${n % 50}`,
      ...Object.fromEntries(OWN[type].map((k) => [k, all[k]])),
    };
    if (mode === 'delete') delete base[field];
    else base[mode === 'add' ? `extra_${field}` : field] = value;
    return base;
  });

const body = fc.oneof(
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: fc.record({ events: fc.array(fc.oneof(mutated, anyValue), { maxLength: 20 }) }) },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.record({ events: anyValue }) },
  { weight: 1, arbitrary: deep },
);

describe('POST /api/events under 10,000 malformed or hostile bodies', () => {
  it('never answers 5xx, always names the field, stores nothing invalid', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await t.http.post('/api/events').set('Authorization', t.admin).set('Content-Type', 'application/json').send(JSON.stringify(b));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(Array.isArray(res.body.errors) && res.body.errors.length > 0).toBe(true);
          for (const e of res.body.errors) expect(typeof e.field).toBe('string');
        } else {
          for (const r of res.body.rejected) expect(r.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 10_000, seed: 1124 },
    );
    // Raw strings that are not JSON, and wrong content types.
    for (const raw of ['{', '[1,2', 'undefined', '\u0000', '{"events": [}']) {
      const res = await t.http.post('/api/events').set('Authorization', t.admin).set('Content-Type', 'application/json').send(raw);
      expect(res.status).toBe(400);
    }
    expect((await t.http.post('/api/events').set('Authorization', t.admin).set('Content-Type', 'text/xml').send('<e/>')).status).toBe(415);

    // Everything stored is a valid event: the log holds nothing the validator would refuse.
    const stored: Array<{ body: unknown }> = await t.ds.query('SELECT body FROM events');
    const invalid = stored.filter((e) => !validateEvent(e.body).ok);
    expect(invalid).toEqual([]);
    console.log(`fuzz: ${[...statuses].map(([s, n]) => `${n}x ${s}`).join(', ')}; ${stored.length} valid events stored`);
  }, 300_000);

  it('keeps the valid events of a batch that also carries hostile ones', async () => {
    const good = ev.opened({ facilityId: 'fz', bookingId: 'mixed', occurredAt: '2026-11-05T15:00:00Z', eventId: 'mixed-ok' });
    const res = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: [{ eventId: 'x'.repeat(500) }, good, { type: 'booking.opened', occurredAt: 7 }] })
      .expect(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 2]);
  });
});
