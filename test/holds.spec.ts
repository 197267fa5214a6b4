import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody, story } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let supervisor: string;
const get = (q: string) => t.http.get(`/api/holds${q}`).set('Authorization', supervisor);

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
  supervisor = await t.keyFor('supervisor');
  const ingest = await t.keyFor('ingest');
  await t.http
    .put('/api/facilities/a')
    .set('Authorization', t.admin)
    .send(facilityBody({ policy: 'calendar-48-hours', timeZone: 'America/Chicago' }))
    .expect(200);
  await t.http
    .put('/api/facilities/b')
    .set('Authorization', t.admin)
    .send(facilityBody({ policy: 'calendar-48-hours', timeZone: 'Pacific/Guam' }))
    .expect(200);
  const events = [
    // facility a: 10 running holds due 1..10 hours from now, 2 overdue, 2 pending, 2 closed
    ...Array.from({ length: 10 }, (_, i) => story('a', `run-${i}`, new Date(Date.parse('2026-11-22T12:00:00Z') + (i + 1) * 3_600_000).toISOString())).flat(),
    ...story('a', 'over-1', '2026-11-20T00:00:00Z'),
    ...story('a', 'over-2', '2026-11-21T00:00:00Z'),
    ...story('a', 'pend-1', null),
    ...story('a', 'pend-2', null),
    ...story('a', 'closed-1', '2026-11-01T00:00:00Z', { at: '2026-11-02T00:00:00Z', kind: 'transferred' }),
    ...story('a', 'closed-2', '2026-11-01T00:00:00Z', { at: '2026-11-05T00:00:00Z', kind: 'released' }),
    ...story('b', 'guam-1', '2026-11-23T00:00:00Z'),
  ];
  await t.http.post('/api/events').set('Authorization', ingest).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
});
afterAll(() => t.close());

const ids = (items: Array<{ bookingId: string }>) => items.map((h) => h.bookingId);

describe('GET /api/holds', () => {
  it('sorts by time left: overdue first, then running soonest first, no deadline last', async () => {
    const res = await get('?facilityId=a&limit=1000').expect(200);
    // Closed holds keep their deadline and sort by it: closed-1 and closed-2 were due 3 November.
    expect(ids(res.body.items).slice(4, 14)).toEqual(Array.from({ length: 10 }, (_, i) => `run-${i}`));
    expect(ids(res.body.items).slice(0, 4).sort()).toEqual(['closed-1', 'closed-2', 'over-1', 'over-2']);
    expect(ids(res.body.items).slice(14).sort()).toEqual(['pend-1', 'pend-2']);
    const statuses = res.body.items.map((h: { status: string }) => h.status);
    expect(statuses).toEqual(['closed', 'closed', 'overdue', 'overdue', ...Array(10).fill('running'), 'pending', 'pending']);
    expect(res.body.nextCursor).toBeNull();
  });

  it.each([
    ['status=running', 10],
    ['status=overdue', 2],
    ['status=pending', 2],
    ['status=closed', 2],
    ['status=active', 14],
    ['status=running&deadlineBefore=2026-11-24T15:30:00Z', 3],
    ['deadlineBefore=2026-11-24T00:00:00Z', 4],
  ])('filters %s (facility a)', async (q, n) => {
    expect((await get(`?facilityId=a&${q}`).expect(200)).body.items).toHaveLength(n);
  });

  it('filters by booking and person, across facilities', async () => {
    expect(ids((await get('?bookingId=guam-1').expect(200)).body.items)).toEqual(['guam-1']);
    expect(ids((await get('?personId=person-run-3').expect(200)).body.items)).toEqual(['run-3']);
    expect((await get('?facilityId=b').expect(200)).body.items[0]).toMatchObject({ timeZone: 'Pacific/Guam', deadlineLocal: '2026-11-25T10:00:00.000+10:00' });
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Array<{ bookingId: string }>; nextCursor: string | null } } = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...ids(res.body.items));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(6);
    expect(seen).toEqual(ids((await get('?limit=1000')).body.items));
    expect(new Set(seen).size).toBe(17);
  });

  it('shows overdue as soon as the deadline passes, whatever else happened', async () => {
    const [h] = (await get('?bookingId=run-0').expect(200)).body.items;
    expect(h).toMatchObject({ status: 'running', deadlineAt: '2026-11-24T13:00:00.000Z', secondsLeft: 3600 });
    t.clock.set('2026-11-24T13:00:00.000Z');
    expect((await get('?bookingId=run-0')).body.items[0]).toMatchObject({ status: 'running', secondsLeft: 0 });
    t.clock.set('2026-11-24T13:00:00.001Z');
    expect((await get('?bookingId=run-0')).body.items[0]).toMatchObject({ status: 'overdue', secondsLeft: -0.001 });
    t.clock.set('2026-11-24T12:00:00.000Z');
  });

  it('a release-eligible instant sent ahead: pending, with when the clock starts and the deadline it will have, until that instant', async () => {
    const ingest = await t.keyFor('ingest');
    // Sentence completed Wednesday 25 November 10:00 in Chicago, sent the day before (Thanksgiving does not count).
    await t.http
      .put('/api/facilities/c')
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
    await t.http
      .post('/api/events')
      .set('Authorization', ingest)
      .send({ events: [...story('c', 'ahead', null), ev.eligible({ facilityId: 'c', bookingId: 'ahead', occurredAt: '2026-11-25T10:00:00-06:00', reason: 'sentence_completed' })] })
      .expect(200);
    const scheduled = {
      clockStartsAt: '2026-11-25T16:00:00.000Z',
      clockStartsLocal: '2026-11-25T10:00:00.000-06:00',
      deadlineAt: '2026-11-30T16:00:00.000Z',
      deadlineLocal: '2026-11-30T10:00:00.000-06:00',
    };
    const hold = async () => (await get('?facilityId=c&bookingId=ahead').expect(200)).body.items[0];
    const withStatus = async (status: string) => ids((await get(`?facilityId=c&status=${status}`).expect(200)).body.items);
    // The contract's pending hold: no start, no deadline yet; `scheduled` says what is known.
    expect(await hold()).toMatchObject({ status: 'pending', clockStartedAt: null, deadlineAt: null, deadlineLocal: null, countedSeconds: 0, secondsLeft: null, scheduled });
    expect([await withStatus('pending'), await withStatus('running'), await withStatus('active')]).toEqual([['ahead'], [], ['ahead']]);
    t.clock.set('2026-11-25T15:59:59.999Z');
    expect((await hold()).status).toBe('pending');
    t.clock.set('2026-11-25T16:00:00.000Z');
    expect(await hold()).toMatchObject({ status: 'running', clockStartedAt: scheduled.clockStartsAt, deadlineAt: scheduled.deadlineAt, countedSeconds: 0, secondsLeft: 432_000, scheduled: null });
    expect([await withStatus('pending'), await withStatus('running')]).toEqual([[], ['ahead']]);
    t.clock.set('2026-11-24T12:00:00.000Z');
  });

  it.each([
    ['status=soon', 'status'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['deadlineBefore=tomorrow', 'deadlineBefore'],
    ['deadlineBefore=2026-11-24T10:00:00', 'deadlineBefore'],
    ['cursor=bogus', 'cursor'],
    ['color=red', 'color'],
  ])('400 naming the field: %s', async (q, field) => {
    const res = await get(`?${q}`).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('GET /api/holds/:id', () => {
  it('returns the hold with its timeline in occurredAt order', async () => {
    const [h] = (await get('?bookingId=closed-2')).body.items;
    const res = await t.http.get(`/api/holds/${h.id}`).set('Authorization', supervisor).expect(200);
    expect(res.body).toMatchObject({ id: h.id, status: 'closed', compliant: false, overageSeconds: 2 * 86400 });
    expect(res.body.timeline.map((e: { type: string }) => e.type)).toEqual(['booking.opened', 'detainer.lodged', 'booking.release_eligible', 'booking.released']);
    expect(res.body.timeline[1]).toMatchObject({ occurredAt: '2026-10-02T12:00:00.000Z', occurredLocal: '2026-10-02T07:00:00.000-05:00', retractedBy: null });
  });

  it('404 for an unknown or malformed id', async () => {
    await t.http.get('/api/holds/00000000-0000-8000-8000-000000000000').set('Authorization', supervisor).expect(404);
    await t.http.get('/api/holds/not-a-uuid').set('Authorization', supervisor).expect(404);
  });

  it('timeline leaves out the other detainers of the booking', async () => {
    const ingest = await t.keyFor('ingest');
    await t.http
      .post('/api/events')
      .set('Authorization', ingest)
      .send(ev.lodged({ facilityId: 'a', bookingId: 'run-5', detainerId: 'd2', occurredAt: '2026-10-03T00:00:00Z' }))
      .expect(200);
    const holds = (await get('?bookingId=run-5')).body.items;
    expect(holds.map((x: { detainerId: string }) => x.detainerId).sort()).toEqual(['d1', 'd2']);
    const d1 = holds.find((x: { detainerId: string }) => x.detainerId === 'd1');
    const detail = await t.http.get(`/api/holds/${d1.id}`).set('Authorization', supervisor).expect(200);
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual(['booking.opened', 'detainer.lodged', 'booking.release_eligible']);
  });
});
