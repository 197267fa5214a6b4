import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * `GET /api/holds` filtered and paged: over random holds of every status (clock starts sent
 * ahead included) in two facilities, and random filters and page sizes, walking the cursor gives
 * exactly the holds the filter picks from the whole list, each once, soonest deadline first.
 */

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const H = 3_600_000;
let t: TestApp;
let all: Array<Record<string, any>>;

beforeAll(async () => {
  t = await startTestApp({ now: new Date(NOW).toISOString() });
  for (const id of ['pg-a', 'pg-b'])
    await t.http
      .put(`/api/facilities/${id}`)
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'calendar-48-hours' }))
      .expect(200);
  const sample = fc.record({
    facility: fc.constantFrom('pg-a', 'pg-b'),
    person: fc.constantFrom('p1', 'p2', 'p3'),
    eligibleH: fc.option(fc.integer({ min: -120, max: 48 }), { nil: null, freq: 5 }), // hours from now: past, or sent ahead
    leftH: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null, freq: 2 }),
    detainers: fc.integer({ min: 1, max: 2 }),
  });
  const events = fc.sample(sample, { numRuns: 400, seed: 77 }).flatMap((s, i) => {
    const b = { facilityId: s.facility, bookingId: `pg${i}` };
    const at = (h: number) => new Date(NOW + h * H + (i % 60) * 60_000).toISOString();
    return [
      ev.opened({ ...b, occurredAt: at(-200), personId: s.person }),
      ...Array.from({ length: s.detainers }, (_, d) => ev.lodged({ ...b, detainerId: `d${d}`, occurredAt: at(-150 + d) })),
      ...(s.eligibleH === null ? [] : [ev.eligible({ ...b, occurredAt: at(s.eligibleH) })]),
      ...(s.eligibleH !== null && s.leftH !== null && s.eligibleH + s.leftH < 0 ? [ev.released({ ...b, occurredAt: at(s.eligibleH + s.leftH) })] : []),
    ];
  });
  await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200);
  all = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page: { items: Array<Record<string, any>>; nextCursor: string | null } = (
      await t.http
        .get(`/api/holds?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', t.admin)
        .expect(200)
    ).body;
    all.push(...page.items);
    cursor = page.nextCursor;
  }
});
afterAll(() => t.close());

/** The deadline a hold sorts by: its own, or the one it will have, or none (last). */
const sortKey = (h: Record<string, any>) => Date.parse(h.deadlineAt ?? h.scheduled?.deadlineAt ?? '9999-12-31T00:00:00Z');

describe('GET /api/holds, filtered and paged', () => {
  it('has holds of every status to page through', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(new Set(all.map((h) => `${h.status}${h.scheduled ? ' (starts later)' : ''}`))).toEqual(new Set(['pending', 'pending (starts later)', 'running', 'overdue', 'closed']));
  });

  it('walks every filter to exactly what it picks from the whole list, each once, in deadline order', async () => {
    const query = fc.record({
      facilityId: fc.option(fc.constantFrom('pg-a', 'pg-b'), { nil: undefined }),
      personId: fc.option(fc.constantFrom('p1', 'p2', 'p3'), { nil: undefined }),
      status: fc.option(fc.constantFrom('pending', 'running', 'overdue', 'closed', 'active'), { nil: undefined }),
      deadlineBeforeH: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 60 }),
    });
    for (const q of fc.sample(query, { numRuns: 40, seed: 78 })) {
      const deadlineBefore = q.deadlineBeforeH === undefined ? undefined : NOW + q.deadlineBeforeH * H;
      const picks = (h: Record<string, any>) =>
        (!q.facilityId || h.facilityId === q.facilityId) &&
        (!q.personId || h.personId === q.personId) &&
        (!q.status || (q.status === 'active' ? h.status !== 'closed' : h.status === q.status)) &&
        (deadlineBefore === undefined || sortKey(h) < deadlineBefore);
      const expected = all.filter(picks).map((h) => h.id);
      const params = new URLSearchParams({ limit: String(q.limit) });
      if (q.facilityId) params.set('facilityId', q.facilityId);
      if (q.personId) params.set('personId', q.personId);
      if (q.status) params.set('status', q.status);
      if (deadlineBefore !== undefined) params.set('deadlineBefore', new Date(deadlineBefore).toISOString());
      const got: Array<Record<string, any>> = [];
      for (let cursor: string | null = ''; cursor !== null;) {
        const page: { items: Array<Record<string, any>>; nextCursor: string | null } = (
          await t.http
            .get(`/api/holds?${params.toString()}${cursor ? `&cursor=${cursor}` : ''}`)
            .set('Authorization', t.admin)
            .expect(200)
        ).body;
        expect(page.items.length).toBeLessThanOrEqual(q.limit);
        got.push(...page.items);
        cursor = page.nextCursor;
      }
      expect({ q, ids: got.map((h) => h.id) }).toEqual({ q, ids: expected });
      const keys = got.map(sortKey);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
    }
  });
});
