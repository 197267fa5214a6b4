import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Tamper evidence, column by column: whatever a database user changes behind the app's back in
 * one stored event (with the append-only trigger switched off), `GET /api/audit/verify` finds
 * it and names the event (or, where the event itself was moved or removed, the one after it).
 * Each change is undone before the next, and the chain holds again.
 */

const F = 'tp';
let t: TestApp;
let sheriff: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-20T12:00:00.000Z' });
  sheriff = await t.keyFor('sheriff');
  await t.http.put(`/api/facilities/${F}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
  await t.http.put('/api/facilities/tp-other').set('Authorization', t.admin).send(facilityBody()).expect(200);
  const b = (bookingId: string) => ({ facilityId: F, bookingId });
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({
      events: [
        ev.opened({ ...b('t1'), occurredAt: '2026-11-01T10:00:00Z', eventId: 'tp-1' }),
        ev.lodged({ ...b('t1'), occurredAt: '2026-11-02T10:00:00Z', eventId: 'tp-2' }),
        ev.eligible({ ...b('t1'), occurredAt: '2026-11-05T15:00:00-05:00', eventId: 'tp-3' }),
        ev.released({ ...b('t1'), occurredAt: '2026-11-10T15:00:00-05:00', eventId: 'tp-4' }),
        ev.retracted({ ...b('t1'), occurredAt: '2026-11-11T10:00:00Z', retractsEventId: 'tp-4', eventId: 'tp-5' }),
        ev.opened({ ...b('t2'), occurredAt: '2026-11-03T10:00:00Z', eventId: 'tp-6' }),
      ],
    })
    .expect(200);
});
afterAll(() => t.close());

const verify = async () => (await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', sheriff).expect(200)).body;

/** Run SQL with the log's append-only trigger off. */
async function behindTheAppsBack(sql: string | string[]): Promise<void> {
  await t.ds.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
  try {
    for (const statement of [sql].flat()) await t.ds.query(statement);
  } finally {
    await t.ds.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
  }
}

const CASES: Array<{ change: string; sql: string | string[]; undo: string | string[]; named: string; problem: string }> = [
  {
    change: 'what was sent (body)',
    sql: `UPDATE events SET body = jsonb_set(body, '{occurredAt}', '"2026-11-05T14:00:00-05:00"') WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET body = jsonb_set(body, '{occurredAt}', '"2026-11-05T15:00:00-05:00"') WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'content hash mismatch',
  },
  {
    change: 'the content hash',
    sql: `UPDATE events SET content_hash = repeat('0', 64) WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET content_hash = x.h FROM (SELECT content_hash AS h FROM saved) x WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'content hash mismatch',
  },
  {
    change: 'the event id',
    sql: `UPDATE events SET event_id = 'tp-3x' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET event_id = 'tp-3' WHERE event_id = 'tp-3x'`,
    named: 'tp-3x',
    problem: 'stored event_id differs',
  },
  {
    change: 'the booking',
    sql: `UPDATE events SET booking_id = 't2' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET booking_id = 't1' WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'stored booking_id differs',
  },
  {
    change: 'the type',
    sql: `UPDATE events SET type = 'booking.released' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET type = 'booking.release_eligible' WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'stored type differs',
  },
  {
    change: 'when it happened',
    sql: `UPDATE events SET occurred_at = occurred_at + interval '1 hour' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET occurred_at = occurred_at - interval '1 hour' WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'stored occurred_at differs',
  },
  {
    change: 'when it was received',
    sql: `UPDATE events SET received_at = received_at - interval '1 day' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET received_at = received_at + interval '1 day' WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'chain hash mismatch',
  },
  {
    change: "a retraction's target",
    sql: `UPDATE events SET retracts_event_id = 'tp-3' WHERE event_id = 'tp-5'`,
    undo: `UPDATE events SET retracts_event_id = 'tp-4' WHERE event_id = 'tp-5'`,
    named: 'tp-5',
    problem: 'stored retracts_event_id differs',
  },
  {
    change: 'a target given to an event that retracts nothing',
    sql: `UPDATE events SET retracts_event_id = 'tp-2' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET retracts_event_id = NULL WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'stored retracts_event_id differs',
  },
  {
    change: 'its link to the event before',
    sql: `UPDATE events SET prev_hash = repeat('1', 64) WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET prev_hash = x.h FROM (SELECT prev_hash AS h FROM saved) x WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'link to the previous event is broken',
  },
  {
    change: 'its own chain hash',
    sql: `UPDATE events SET chain_hash = repeat('2', 64) WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET chain_hash = x.h FROM (SELECT chain_hash AS h FROM saved) x WHERE event_id = 'tp-3'`,
    named: 'tp-3',
    problem: 'chain hash mismatch',
  },
  {
    change: 'its place in the log (seq swapped with the next)',
    sql: [
      `UPDATE events SET seq = -1 WHERE event_id = 'tp-3'`,
      `UPDATE events SET seq = (SELECT seq FROM saved) WHERE event_id = 'tp-4'`,
      `UPDATE events SET seq = (SELECT seq FROM saved) + 1 WHERE event_id = 'tp-3'`,
    ],
    undo: [
      `UPDATE events SET seq = -1 WHERE event_id = 'tp-3'`,
      `UPDATE events SET seq = (SELECT seq FROM saved) + 1 WHERE event_id = 'tp-4'`,
      `UPDATE events SET seq = (SELECT seq FROM saved) WHERE event_id = 'tp-3'`,
    ],
    named: 'tp-4',
    problem: 'link to the previous event is broken',
  },
  {
    change: 'its facility (moved to another)',
    sql: `UPDATE events SET facility_id = 'tp-other' WHERE event_id = 'tp-3'`,
    undo: `UPDATE events SET facility_id = '${F}' WHERE event_id = 'tp-3'`,
    named: 'tp-4',
    problem: 'link to the previous event is broken',
  },
];

describe('GET /api/audit/verify finds a change to any stored column of an event', () => {
  it.each(CASES)('$change', async ({ sql, undo, named, problem }) => {
    expect(await verify()).toMatchObject({ ok: true, eventsChecked: 6 });
    await t.ds.query(`DROP TABLE IF EXISTS saved`);
    await t.ds.query(`CREATE TABLE saved AS SELECT * FROM events WHERE event_id = 'tp-3'`);
    await behindTheAppsBack(sql);
    try {
      const res = await verify();
      expect(res).toMatchObject({ ok: false, firstBroken: { eventId: named, problem: expect.stringContaining(problem) } });
    } finally {
      await behindTheAppsBack(undo);
    }
    expect(await verify()).toMatchObject({ ok: true, eventsChecked: 6 });
  });
});
