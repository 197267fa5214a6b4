import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SweepService } from '../src/alerts/sweep.service.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Names and A-numbers where the JMS sent them, to the roles that see them (src/auth/personal-data.ts):
 * admin and supervisors everywhere a person is shown, counsel in the histories granted; sheriffs ids only.
 * And the supervisor's search box: by name, booking id, person id or A-number.
 */
const F = 'names';
const NOW = '2026-11-24T12:00:00.000Z';
let t: TestApp;
const keys: Record<'supervisor' | 'sheriff' | 'counsel', string> = { supervisor: '', sheriff: '', counsel: '' };

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  for (const role of ['supervisor', 'sheriff', 'counsel'] as const) keys[role] = await t.keyFor(role);
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/Chicago', policy: 'calendar-48-hours' }))
    .expect(200);
  const b = (bookingId: string) => ({ facilityId: F, bookingId });
  const events = [
    ev.opened({ ...b('B1'), personId: 'P1', occurredAt: '2026-11-20T10:00:00Z', person: { name: 'Ana María López', aNumber: 'A123-456-789', dateOfBirth: '1990-01-02' } }),
    ev.lodged({ ...b('B1'), occurredAt: '2026-11-20T11:00:00Z' }),
    ev.eligible({ ...b('B1'), occurredAt: '2026-11-22T10:00:00Z' }), // 48 calendar hours: overdue since 11-24 10:00
    // The same person's earlier booking, closed.
    ev.opened({ ...b('B0'), personId: 'P1', occurredAt: '2026-10-01T10:00:00Z', person: { name: 'Ana M. Lopez', aNumber: 'A123456789' } }),
    ev.lodged({ ...b('B0'), occurredAt: '2026-10-01T11:00:00Z' }),
    ev.eligible({ ...b('B0'), occurredAt: '2026-10-02T10:00:00Z' }),
    ev.transferred({ ...b('B0'), occurredAt: '2026-10-02T12:00:00Z', toAgency: 'ICE' }),
    // Someone whose JMS sent no name.
    ev.opened({ ...b('B2'), personId: 'P2', occurredAt: '2026-11-20T10:00:00Z' }),
    ev.lodged({ ...b('B2'), occurredAt: '2026-11-20T11:00:00Z' }),
    // A name with LIKE's wildcards in it, taken literally.
    ev.opened({ ...b('B3'), personId: 'P3', occurredAt: '2026-11-20T10:00:00Z', person: { name: 'O_Brien 100%' } }),
    ev.lodged({ ...b('B3'), occurredAt: '2026-11-20T11:00:00Z' }),
  ];
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  await t.app.get(SweepService).sweep();
  const counselId = (await t.http.get('/api/keys').set('Authorization', t.admin)).body.items.find((k: { role: string }) => k.role === 'counsel').id;
  await t.http.post('/api/grants').set('Authorization', t.admin).send({ apiKeyId: counselId, facilityId: F, personId: 'P1' }).expect(201);
});
afterAll(() => t.close());

const who = (x: { bookingId: string; personId: string | null; personName: string | null; aNumber: string | null }) => [x.bookingId, x.personId, x.personName, x.aNumber];

describe('holds and custody records carry personName and aNumber for the roles that see names', () => {
  it('supervisor and admin: as the JMS sent them (null where none was sent)', async () => {
    for (const auth of [keys.supervisor, t.admin]) {
      const custody = (await t.http.get(`/api/custody?facilityId=${F}`).set('Authorization', auth).expect(200)).body.items;
      expect(custody.map(who)).toEqual([
        ['B1', 'P1', 'Ana María López', 'A123-456-789'],
        ['B0', 'P1', 'Ana M. Lopez', 'A123456789'],
        ['B3', 'P3', 'O_Brien 100%', null],
        ['B2', 'P2', null, null],
      ]);
      const holds = (await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', auth).expect(200)).body.items;
      expect(holds.map(who)).toEqual([
        ['B0', 'P1', 'Ana M. Lopez', 'A123456789'],
        ['B1', 'P1', 'Ana María López', 'A123-456-789'],
        ['B3', 'P3', 'O_Brien 100%', null],
        ['B2', 'P2', null, null],
      ]);
      const one = (await t.http.get(`/api/holds/${holds[1].id}`).set('Authorization', auth).expect(200)).body;
      expect(who(one)).toEqual(['B1', 'P1', 'Ana María López', 'A123-456-789']);
      const record = (await t.http.get(`/api/custody/${custody[0].id}`).set('Authorization', auth).expect(200)).body;
      expect(who(record)).toEqual(['B1', 'P1', 'Ana María López', 'A123-456-789']);
    }
  });

  it('sheriff: ids only, the names null', async () => {
    const custody = (await t.http.get(`/api/custody?facilityId=${F}`).set('Authorization', keys.sheriff).expect(200)).body.items;
    expect(custody.map(who)).toEqual([
      ['B1', 'P1', null, null],
      ['B0', 'P1', null, null],
      ['B3', 'P3', null, null],
      ['B2', 'P2', null, null],
    ]);
    const holds = (await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', keys.sheriff).expect(200)).body.items;
    expect(holds.map((h: { personName: string | null; aNumber: string | null }) => [h.personName, h.aNumber])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
    const one = (await t.http.get(`/api/custody/${custody[0].id}`).set('Authorization', keys.sheriff).expect(200)).body;
    expect(who(one)).toEqual(['B1', 'P1', null, null]);
    // Nor in the timeline's events as received.
    expect(one.timeline[0].event.person).toBe('withheld: personal data (names, dates of birth and A-numbers are for supervisors, counsel granted and admins)');
    const hold = (await t.http.get(`/api/holds/${one.detainers[0].holdId}`).set('Authorization', keys.sheriff).expect(200)).body;
    expect(hold.timeline[0].event.person).toBe(one.timeline[0].event.person);
    expect(JSON.stringify([one, hold])).not.toMatch(/López|A123|1990-01-02/);
    // A supervisor sees the event as sent.
    const seen = (await t.http.get(`/api/custody/${custody[0].id}`).set('Authorization', keys.supervisor).expect(200)).body;
    expect(seen.timeline[0].event.person).toEqual({ name: 'Ana María López', aNumber: 'A123-456-789', dateOfBirth: '1990-01-02' });
  });

  it('alert cards: the name for supervisors', async () => {
    const alerts = (await t.http.get(`/api/alerts?facilityId=${F}&level=overdue`).set('Authorization', keys.supervisor).expect(200)).body.items;
    expect(alerts.map(who)).toEqual([['B1', 'P1', 'Ana María López', 'A123-456-789']]);
  });
});

describe('histories answer supervisors, and name the person', () => {
  it("a booking's history: personName and aNumber beside the person as sent, for a supervisor (read logged)", async () => {
    const h = (await t.http.get(`/api/bookings/B1/history?facilityId=${F}`).set('Authorization', keys.supervisor).expect(200)).body;
    expect(who(h.booking)).toEqual(['B1', 'P1', 'Ana María López', 'A123-456-789']);
    expect(who(h.custody)).toEqual(['B1', 'P1', 'Ana María López', 'A123-456-789']);
    expect(h.holds.map(who)).toEqual([['B1', 'P1', 'Ana María López', 'A123-456-789']]);
    // The clock explained, for the supervisor too.
    expect(h.holds[0].explanation.sentences).toContain('The person may be held at most 48 hours after the clock starts, counted straight through: nights, weekends and holidays count.');
    const log = (await t.http.get('/api/audit/access-log?limit=1').set('Authorization', t.admin).expect(200)).body.items[0];
    expect([log.role, log.action, log.outcome]).toEqual(['supervisor', 'history.booking', 'ok']);
  });

  it("a person's history across bookings: the latest name and A-number on top; counsel granted the person sees them", async () => {
    for (const auth of [keys.supervisor, keys.counsel]) {
      const h = (await t.http.get(`/api/people/P1/history`).set('Authorization', auth).expect(200)).body;
      expect([h.personId, h.personName, h.aNumber, h.bookings.map((b: { booking: { bookingId: string } }) => b.booking.bookingId)]).toEqual(['P1', 'Ana María López', 'A123-456-789', ['B0', 'B1']]);
    }
    // Counsel has no grant for P2: refused, as before.
    await t.http.get(`/api/people/P2/history`).set('Authorization', keys.counsel).expect(403);
  });

  it("counsel's own grants: GET /api/grants answers counsel with theirs only", async () => {
    const mine = (await t.http.get('/api/grants').set('Authorization', keys.counsel).expect(200)).body.items;
    expect(mine.map((g: { facilityId: string; bookingId: string | null; personId: string | null; revokedAt: string | null }) => [g.facilityId, g.bookingId, g.personId, g.revokedAt])).toEqual([
      [F, null, 'P1', null],
    ]);
    const other = await t.http.post('/api/keys').set('Authorization', t.admin).send({ name: 'other counsel', role: 'counsel' }).expect(201);
    expect((await t.http.get(`/api/grants?apiKeyId=${other.body.id}`).set('Authorization', keys.counsel).expect(200)).body.items).toHaveLength(1);
    expect((await t.http.get('/api/grants').set('Authorization', `Bearer ${other.body.key}`).expect(200)).body.items).toEqual([]);
  });

  it('a sheriff may not read histories', async () => {
    await t.http.get(`/api/bookings/B1/history?facilityId=${F}`).set('Authorization', keys.sheriff).expect(403);
  });
});

describe('the search box: GET /api/custody?q=', () => {
  const find = async (q: string, auth = keys.supervisor) =>
    (
      await t.http
        .get(`/api/custody?${new URLSearchParams({ q }).toString()}`)
        .set('Authorization', auth)
        .expect(200)
    ).body.items.map((c: { bookingId: string }) => c.bookingId);

  it('finds by words of a name in any order and case, booking id, person id and A-number in any spelling', async () => {
    expect(await find('lópez ana')).toEqual(['B1']);
    expect(await find('Ana')).toEqual(['B1', 'B0']);
    expect(await find('B2')).toEqual(['B2']);
    expect(await find('P1')).toEqual(['B1', 'B0']);
    expect(await find('A123456789')).toEqual(['B1', 'B0']);
    expect(await find('123-456-789')).toEqual(['B1', 'B0']);
    expect(await find('nobody here')).toEqual([]);
  });

  it("takes LIKE's wildcards literally", async () => {
    expect(await find('100%')).toEqual(['B3']);
    expect(await find('O_B')).toEqual(['B3']);
    expect(await find('%%')).toEqual([]);
  });

  it('a sheriff finds by ids only, never by a name or A-number', async () => {
    expect(await find('B1', keys.sheriff)).toEqual(['B1']);
    expect(await find('Ana', keys.sheriff)).toEqual([]);
    expect(await find('A123456789', keys.sheriff)).toEqual([]);
  });

  it('a search too short gets a message naming q', async () => {
    const res = await t.http.get('/api/custody?q=%20a%20').set('Authorization', keys.supervisor).expect(400);
    expect(res.body.errors).toEqual([{ field: 'q', message: 'must be at least 2 characters: a name, booking id, person id or A-number' }]);
  });
});
