/**
 * The rows of a booking that has none yet (and of its detainers, holds and alert schedule) are
 * written with COPY on a real Postgres; the rows of a booking that exists are upserted. Both
 * ways must store exactly the same thing: here the same stories go in once whole (new
 * bookings) and once in two requests (the second updates bookings the first created).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseHandle } from '../src/database/database.module.js';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;

/** Text a COPY line must escape, and text JSON must: tab, newline, carriage return, backslash, quote, non-ASCII. */
const AWKWARD = 'Tab\there, line\nbreak, cr\r, back\\slash, "quoted", Ñandú 名前 🙂';

/** Each booking's events, for facility `f`; the first of each list is its booking.opened. */
function stories(f: string): object[][] {
  const at = (day: number, hour = 12) => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
  const e = (bookingId: string) => ({ facilityId: f, bookingId });
  return [
    // Running (open) hold: an alert schedule is planned for it.
    [
      ev.opened({
        ...e('open'),
        occurredAt: at(20),
        person: { name: AWKWARD, dateOfBirth: '1990-01-01', aNumber: 'A123' },
        charges: [{ code: 'RCW 9A.56', description: AWKWARD, level: 'felony', disposition: 'pending' }],
      }),
      ev.lodged({ ...e('open'), occurredAt: at(21), warrant: 'administrative', agency: 'ICE ERO' }),
      ev.eligible({ ...e('open'), occurredAt: at(23, 9), reason: 'bail_posted' }),
    ],
    // Two detainers, one cancelled; custody transferred: both holds closed.
    [
      ev.opened({ ...e('closed'), occurredAt: at(10), charges: [{ level: 'misdemeanor', disposition: 'convicted' }] }),
      ev.lodged({ ...e('closed'), occurredAt: at(11), detainerId: 'd1', form: 'I-247D' }),
      ev.lodged({ ...e('closed'), occurredAt: at(11, 13), detainerId: 'd2', form: 'I-247A', warrant: 'judicial' }),
      ev.cancelled({ ...e('closed'), occurredAt: at(12), detainerId: 'd2' }),
      ev.eligible({ ...e('closed'), occurredAt: at(13) }),
      ev.transferred({ ...e('closed'), occurredAt: at(14), toAgency: 'US Marshals' }),
    ],
    // Not yet eligible: a pending hold, no person details, no charges.
    [ev.opened({ ...e('pending'), occurredAt: at(22) }), ev.lodged({ ...e('pending'), occurredAt: at(22, 15), form: 'I-247N' })],
  ];
}

/** A table's rows of facility `f`, without what differs by facility or by the moment of writing. */
async function rows(table: string, f: string, drop: string[], order: string): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = await t.ds.query(`SELECT * FROM ${table} WHERE facility_id = $1 ORDER BY ${order}`, [f]);
  return found.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => !['facility_id', 'updated_at', ...drop].includes(k))
        .map(([k, v]) => [k, k === 'facts' ? withoutEventIds(v) : v]),
    ),
  );
}

/** A booking's facts without the event ids, which differ between the two facilities' events. */
const withoutEventIds = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'eventId' || k === 'eventIds' ? undefined : x)));

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
  for (const f of ['whole', 'split'])
    await t.http
      .put(`/api/facilities/${f}`)
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
  const post = async (events: object[]) => t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200, { accepted: events.length, duplicates: 0, rejected: [] });
  // 'whole': every booking new in its request. 'split': the bookings are opened first, then updated.
  await post(stories('whole').flat());
  const split = stories('split');
  await post(split.map((s) => s[0]));
  await post(split.flatMap((s) => s.slice(1)));
});
afterAll(() => t.close());

describe(`rows of new bookings (COPY${process.env.TEST_DATABASE_URL ? '' : ': not on the embedded server, which upserts them too'}) and of existing ones (upsert)`, () => {
  it('the server in use carries COPY exactly when it is a real Postgres', () => {
    expect(t.app.get(DatabaseHandle).copies).toBe(Boolean(process.env.TEST_DATABASE_URL));
  });

  it('bookings are the same, text kept exactly', async () => {
    const whole = await rows('bookings', 'whole', [], 'booking_id');
    expect(whole).toEqual(await rows('bookings', 'split', [], 'booking_id'));
    expect(whole.map((b) => b.booking_id)).toEqual(['closed', 'open', 'pending']);
    const open = whole.find((b) => b.booking_id === 'open')!;
    expect(open.person).toEqual({ name: AWKWARD, dateOfBirth: '1990-01-01', aNumber: 'A123' });
    expect(open.charges).toEqual([{ code: 'RCW 9A.56', description: AWKWARD, level: 'felony', disposition: 'pending' }]);
    expect(open.release_eligible_at).toEqual(new Date('2026-11-23T09:00:00Z'));
    expect(whole.find((b) => b.booking_id === 'pending')).toMatchObject({ person: null, charges: [], custody_ended_at: null, custody_end_kind: null });
    expect(whole.find((b) => b.booking_id === 'closed')).toMatchObject({ custody_end_kind: 'transferred', to_agency: 'US Marshals' });
  });

  it('detainers are the same', async () => {
    const whole = await rows('detainers', 'whole', [], 'booking_id, detainer_id');
    expect(whole).toEqual(await rows('detainers', 'split', [], 'booking_id, detainer_id'));
    expect(whole.map((d) => [d.booking_id, d.detainer_id, d.form, d.agency, d.warrant])).toEqual([
      ['closed', 'd1', 'I-247D', 'ICE', null],
      ['closed', 'd2', 'I-247A', 'ICE', 'judicial'],
      ['open', 'd1', 'I-247A', 'ICE ERO', 'administrative'],
      ['pending', 'd1', 'I-247N', 'ICE', null],
    ]);
    expect(whole[1].cancelled_at).toEqual(new Date('2026-11-12T12:00:00Z'));
  });

  it('custody records are the same (but for their ids, made from the facility, and the event ids they name)', async () => {
    const strip = (rs: Array<Record<string, unknown>>): Array<Record<string, unknown>> => rs.map((r) => ({ ...r, record: withoutEventIds(r.record) }));
    const whole = strip(await rows('custody_records', 'whole', ['id'], 'booking_id'));
    expect(whole).toEqual(strip(await rows('custody_records', 'split', ['id'], 'booking_id')));
    expect(whole.map((c) => [c.booking_id, c.phase, c.outcome, c.to_agency, c.honoured, c.compliant])).toEqual([
      ['closed', 'closed', 'transferred', 'US Marshals', false, true],
      ['open', 'open', null, null, null, null],
      ['pending', 'pending', null, null, null, null],
    ]);
  });

  it('holds are the same (but for their ids, made from the facility)', async () => {
    const whole = await rows('holds', 'whole', ['id', 'policy_version_id', 'custody_id'], 'booking_id, detainer_id');
    expect(whole).toEqual(await rows('holds', 'split', ['id', 'policy_version_id', 'custody_id'], 'booking_id, detainer_id'));
    expect(whole.map((h) => [h.booking_id, h.detainer_id, h.phase, h.outcome, h.compliant, h.to_agency, h.charge_level, h.convicted])).toEqual([
      ['closed', 'd1', 'closed', 'transferred', true, 'US Marshals', 'misdemeanor', true],
      ['closed', 'd2', 'closed', 'cancelled', true, 'US Marshals', 'misdemeanor', true],
      ['open', 'd1', 'open', null, null, null, 'felony', false],
      ['pending', 'd1', 'pending', null, null, null, 'none', false],
    ]);
    // Eligible Monday 23 November 09:00 UTC (03:00 in Chicago): 48 business hours run to Wednesday 25 November.
    expect(whole[2].deadline_at).toEqual(new Date('2026-11-25T09:00:00Z'));
    expect(whole[0].counted_ms).toBe(18 * 3_600_000);
  });

  it('the alert schedule of the running hold is the same', async () => {
    const whole = await rows('alert_schedule', 'whole', ['hold_id', 'planned_at'], 'fire_at');
    expect(whole).toEqual(await rows('alert_schedule', 'split', ['hold_id', 'planned_at'], 'fire_at'));
    expect(whole.map((s) => [s.booking_id, s.level, Number(s.threshold_hours), (s.fire_at as Date).toISOString()])).toEqual([
      ['open', 'approaching', 12, '2026-11-24T21:00:00.000Z'],
      ['open', 'approaching', 4, '2026-11-25T05:00:00.000Z'],
      ['open', 'approaching', 1, '2026-11-25T08:00:00.000Z'],
      ['open', 'overdue', 0, '2026-11-25T09:00:00.001Z'],
    ]);
  });
});

describe('fields the contract does not name', () => {
  it("are refused, each named (a misspelt field must not pass unseen); the sender's own data goes in extensions, kept in the log as sent", async () => {
    await t.http.put('/api/facilities/extra').set('Authorization', t.admin).send(facilityBody()).expect(200);
    const at = '2026-11-20T12:00:00Z';
    const b = { facilityId: 'extra', bookingId: 'x' };
    const person = { name: 'A', nickname: 'B' };
    const charges = [{ level: 'felony', statute: 'RCW 9A.56.030' }];
    const refused = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ ...ev.opened({ ...b, occurredAt: at, person, charges }), source: 'jms-7' })
      .expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['charges.0.statute', 'person.nickname', 'source']);
    const transfer = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ ...ev.transferred({ ...b, occurredAt: at }), toAgncy: 'ICE' })
      .expect(400);
    expect(transfer.body.errors).toEqual([{ field: 'toAgncy', message: 'is not a known field; put the sender\'s own data in "extensions"' }]);

    // The same facts, the sender's own fields under extensions: accepted, and the log keeps them as sent.
    const extensions = { source: 'jms-7', nickname: 'B', statute: 'RCW 9A.56.030', nested: { tags: ['t'], counts: 2 } };
    const opened = { ...ev.opened({ ...b, occurredAt: at, person: { name: 'A' }, charges: [{ level: 'felony' }] }), extensions };
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: [opened, ev.lodged({ ...b, occurredAt: at })] })
      .expect(200, { accepted: 2, duplicates: 0, rejected: [] });
    const [stored] = await t.ds.query(`SELECT body FROM events WHERE event_id = $1`, [opened.eventId]);
    expect(stored.body.extensions).toEqual(extensions);
    expect(await t.ds.query(`SELECT person, charges FROM bookings WHERE facility_id = 'extra' AND booking_id = 'x'`)).toEqual([{ person: { name: 'A' }, charges: [{ level: 'felony' }] }]);
    // extensions must be an object.
    const bad = await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ ...ev.released({ ...b, occurredAt: at }), extensions: 'x' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['extensions']);
  });
});
