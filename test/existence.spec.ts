/**
 * Issue 25: a booking's existence showed in response timing. A caller refused a booking, person or
 * facility it may not see gets the same answer whether it exists or not, by the same code path:
 * the same statements with the same parameters (the id asked for aside), so in the same time.
 * No timing here: what runs is compared, not how long it took.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const keys: Record<'counsel' | 'sheriff' | 'supervisor' | 'ingestGf', string> = { counsel: '', sheriff: '', supervisor: '', ingestGf: '' };

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
  for (const f of ['gf', 'other']) await t.http.put(`/api/facilities/${f}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({ facilityId: 'gf', bookingId: 'secret-booking', personId: 'secret-person', occurredAt: '2026-11-01T10:00:00Z' }),
        ev.lodged({ facilityId: 'gf', bookingId: 'secret-booking', occurredAt: '2026-11-02T10:00:00Z' }),
        ev.opened({ facilityId: 'gf', bookingId: 'open-booking', personId: 'open-person', occurredAt: '2026-11-01T10:00:00Z' }),
        ev.opened({ facilityId: 'other', bookingId: 'secret-booking', personId: 'secret-person', occurredAt: '2026-11-01T10:00:00Z' }),
      ],
    })
    .expect(200);
  const counsel = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'defender', role: 'counsel' }).expect(201);
  keys.counsel = `Bearer ${counsel.body.key}`;
  // The key holds a grant, of another booking: a refusal goes through its grants, not around them.
  await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counsel.body.id, facilityId: 'gf', bookingId: 'open-booking' }).expect(201);
  keys.sheriff = await t.keyFor('sheriff');
  keys.supervisor = await t.keyFor('supervisor');
  keys.ingestGf = `Bearer ${
    (
      await t.http
        .post('/api/keys')
        .set('Authorization', t.admin)
        .send({ name: 'gf jms', role: 'ingest', facilityIds: ['gf'] })
        .expect(201)
    ).body.key
  }`;
});
afterAll(() => t.close());

/** Every statement sent to the database while `run` runs, the id asked for written as <id>. */
async function statements(id: string, run: () => Promise<{ status: number; body: unknown }>) {
  // Every statement, the repositories' as well as raw queries, goes through a query runner.
  const runner = t.ds.createQueryRunner();
  const proto = Object.getPrototypeOf(runner) as { query: (...a: unknown[]) => unknown };
  await runner.release();
  const spy = jest.spyOn(proto, 'query');
  try {
    const res = await run();
    const sent = spy.mock.calls
      .map(([sql, params]) => `${String(sql).replace(/\s+/g, ' ').trim()} ${JSON.stringify(params ?? [])}`.replaceAll(id, '<id>').replaceAll(encodeURIComponent(id), '<id>'))
      // A refusal by the role guard is written to the access log as its answer finishes, so a
      // moment after it: that write (with the same statement either way) may fall outside the window.
      .filter((q) => !q.startsWith('INSERT INTO access_log'));
    return { status: res.status, body: res.body, sent };
  } finally {
    spy.mockRestore();
  }
}

type Case = { who: keyof typeof keys; what: string; exists: string; absent: string; call: (id: string) => Promise<{ status: number; body: unknown }> };
const get = (who: keyof typeof keys, path: string) => t.http.get(path).set('Authorization', keys[who]);
const refusal = (message: string) => ({ statusCode: 403, error: 'forbidden', message });
const NO_GRANT = refusal('this counsel key has no grant for this booking or person');
const NOT_ROLE = (role: string) => refusal(`the "${role}" role may not use this route`);

const cases: Array<Case & { answer: object }> = [
  ...['json', 'csv', 'pdf'].flatMap((format) => [
    {
      who: 'counsel' as const,
      what: `booking history (${format})`,
      exists: 'secret-booking',
      absent: 'no-such-booking',
      call: (id: string) => get('counsel', `/api/bookings/${id}/history?format=${format}`),
      answer: NO_GRANT,
    },
    {
      who: 'counsel' as const,
      what: `booking history in a facility (${format})`,
      exists: 'secret-booking',
      absent: 'no-such-booking',
      call: (id: string) => get('counsel', `/api/bookings/${id}/history?facilityId=gf&format=${format}`),
      answer: NO_GRANT,
    },
    {
      who: 'counsel' as const,
      what: `person history (${format})`,
      exists: 'secret-person',
      absent: 'no-such-person',
      call: (id: string) => get('counsel', `/api/people/${id}/history?format=${format}`),
      answer: NO_GRANT,
    },
  ]),
  {
    who: 'counsel',
    what: 'booking history in a facility that does not exist',
    exists: 'gf',
    absent: 'nowhere',
    call: (f) => get('counsel', `/api/bookings/secret-booking/history?facilityId=${f}`),
    answer: NO_GRANT,
  },
  { who: 'counsel', what: 'holds of a booking', exists: 'secret-booking', absent: 'no-such-booking', call: (id) => get('counsel', `/api/holds?bookingId=${id}`), answer: NOT_ROLE('counsel') },
  { who: 'counsel', what: 'custody of a person', exists: 'secret-person', absent: 'no-such-person', call: (id) => get('counsel', `/api/custody?personId=${id}`), answer: NOT_ROLE('counsel') },
  {
    who: 'counsel',
    what: 'a custody record',
    exists: 'gf:secret-booking',
    absent: 'gf:no-such-booking',
    call: (id) => get('counsel', `/api/custody/${encodeURIComponent(id)}`),
    answer: NOT_ROLE('counsel'),
  },
  {
    who: 'counsel',
    what: 'a hold',
    exists: 'gf:secret-booking:d1',
    absent: 'gf:no-such-booking:d1',
    call: (id) => get('counsel', `/api/holds/${encodeURIComponent(id)}`),
    answer: NOT_ROLE('counsel'),
  },
  {
    who: 'sheriff',
    what: 'a grant',
    exists: 'secret-booking',
    absent: 'no-such-booking',
    call: (id) => t.http.post('/api/grants').set('Authorization', keys.sheriff).send({ apiKeyId: '00000000-0000-4000-8000-000000000000', facilityId: 'gf', bookingId: id }),
    answer: NOT_ROLE('sheriff'),
  },
  { who: 'sheriff', what: 'a booking history', exists: 'secret-booking', absent: 'no-such-booking', call: (id) => get('sheriff', `/api/bookings/${id}/history`), answer: NOT_ROLE('sheriff') },
  {
    who: 'ingestGf',
    what: "another facility's events in force",
    exists: 'secret-booking',
    absent: 'no-such-booking',
    call: (id) =>
      t.http
        .post('/api/imports/events-in-force')
        .set('Authorization', keys.ingestGf)
        .send({ facilityId: 'other', idPrefix: 'ev', bookingIds: [id] }),
    answer: refusal('this API key may import only for "gf"'),
  },
  {
    who: 'ingestGf',
    what: 'events in force of a facility that does not exist',
    exists: 'other',
    absent: 'nowhere',
    call: (f) =>
      t.http
        .post('/api/imports/events-in-force')
        .set('Authorization', keys.ingestGf)
        .send({ facilityId: f, idPrefix: 'ev', bookingIds: ['secret-booking'] }),
    answer: refusal('this API key may import only for "gf"'),
  },
  {
    who: 'ingestGf',
    what: 'rejects kept for another facility',
    exists: 'other',
    absent: 'nowhere',
    call: (f) =>
      t.http
        .post('/api/imports/rejects')
        .set('Authorization', keys.ingestGf)
        .send({ facilityId: f, file: 'x.csv', rejects: [{ line: 1, content: 'x', reason: 'y' }] }),
    answer: refusal('this API key may import only for "gf"'),
  },
];

describe('a refusal tells nothing of what exists', () => {
  it.each(cases)('$who asking for $what: the same answer and the same statements for one that exists and one that does not', async (c) => {
    const exists = await statements(c.exists, () => c.call(c.exists));
    const absent = await statements(c.absent, () => c.call(c.absent));
    expect([exists.status, exists.body]).toEqual([403, c.answer]);
    expect(absent).toEqual(exists);
  });

  it("counsel's refusal of a history is one statement after the key's: the bookings it may read, none", async () => {
    const { sent } = await statements('secret-booking', () => get('counsel', '/api/bookings/secret-booking/history?format=pdf'));
    expect(sent.filter((q) => q.includes('FROM bookings'))).toHaveLength(1);
    expect(sent.find((q) => q.includes('FROM bookings'))).toMatch(/EXISTS \(SELECT 1 FROM grants g WHERE g\.api_key_id = \$4 .* \["<id>",null,null,"[0-9a-f-]{36}"\]$/);
  });

  it('what may be read is still read: the granted booking, and for admin any booking, 404 for one that does not exist', async () => {
    expect((await get('counsel', '/api/bookings/open-booking/history').expect(200)).body.booking.bookingId).toBe('open-booking');
    expect((await get('counsel', '/api/people/open-person/history').expect(200)).body.bookings.map((b: { booking: { bookingId: string } }) => b.booking.bookingId)).toEqual(['open-booking']);
    expect((await t.http.get('/api/bookings/secret-booking/history?facilityId=gf').set('Authorization', t.admin).expect(200)).body.booking.bookingId).toBe('secret-booking');
    expect((await t.http.get('/api/bookings/no-such-booking/history').set('Authorization', t.admin).expect(404)).body).toEqual({
      statusCode: 404,
      error: 'not_found',
      message: 'booking "no-such-booking" not found',
    });
    expect(
      (
        await t.http
          .post('/api/imports/events-in-force')
          .set('Authorization', keys.ingestGf)
          .send({ facilityId: 'gf', idPrefix: 'zz', bookingIds: ['secret-booking'] })
          .expect(200)
      ).body,
    ).toEqual({ events: [] });
  });
});
