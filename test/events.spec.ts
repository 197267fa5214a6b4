import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ev, facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let ingest: string;
const F = 'ny';

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-06T12:00:00.000Z' });
  ingest = await t.keyFor('ingest');
  await t.http.put(`/api/facilities/${F}`).set('Authorization', t.admin).send(facilityBody()).expect(200);
});
afterAll(() => t.close());

const post = (body: unknown) =>
  t.http
    .post('/api/events')
    .set('Authorization', ingest)
    .send(body as object);
/**
 * Post as if received at `receivedAt`, then back to the suite's clock: a custody end is refused if
 * dated after its receipt, so a story that ends after the suite's "now" is sent once it has ended.
 */
const postAt = async (receivedAt: string, body: unknown, status = 200) => {
  const suiteNow = t.clock.now();
  t.clock.set(receivedAt);
  try {
    return await post(body).expect(status);
  } finally {
    t.clock.set(suiteNow);
  }
};
const holdsOf = async (bookingId: string) => (await t.http.get(`/api/holds?bookingId=${bookingId}`).set('Authorization', t.admin).expect(200)).body.items;
const count = async (table: string) => Number((await t.ds.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

describe('POST /api/events: each event type shapes the hold', () => {
  it('booking.opened + detainer.lodged: pending hold with person and form', async () => {
    const res = await post({
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-types', occurredAt: '2026-11-01T10:00:00-05:00', personId: 'p-types', person: { name: 'A Person' } }),
        ev.lodged({ facilityId: F, bookingId: 'b-types', occurredAt: '2026-11-02T10:00:00-05:00', form: 'I-247D', warrant: 'administrative', agency: 'ICE ERO' }),
      ],
    }).expect(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const [h] = await holdsOf('b-types');
    expect(h).toMatchObject({
      bookingId: 'b-types',
      detainerId: 'd1',
      facilityId: F,
      personId: 'p-types',
      form: 'I-247D',
      warrant: 'administrative',
      agency: 'ICE ERO',
      policy: 'federal-48-business-hours',
      holdHours: 48,
      status: 'pending',
      clockStartedAt: null,
      deadlineAt: null,
      deadlineLocal: null,
      countedSeconds: 0,
      endedAt: null,
      outcome: null,
      compliant: null,
      overageSeconds: null,
    });
  });

  it('booking.release_eligible starts the clock: the contract example', async () => {
    await post(ev.eligible({ facilityId: F, bookingId: 'b-types', occurredAt: '2026-11-05T15:00:00-05:00', reason: 'bail_posted' })).expect(200);
    const [h] = await holdsOf('b-types');
    // now = Fri 2026-11-06 07:00 EST: Thursday 9 h + Friday 7 h counted.
    expect(h).toMatchObject({
      status: 'running',
      clockStartedAt: '2026-11-05T20:00:00.000Z',
      deadlineAt: '2026-11-09T20:00:00.000Z',
      deadlineLocal: '2026-11-09T15:00:00.000-05:00',
      countedSeconds: 16 * 3600,
      secondsLeft: (3 * 24 + 8) * 3600,
    });
  });

  it('booking.custody_transferred closes it compliant, with outcome transferred', async () => {
    await postAt('2026-11-09T19:00:00.000Z', ev.transferred({ facilityId: F, bookingId: 'b-types', occurredAt: '2026-11-09T14:00:00-05:00' }));
    const [h] = await holdsOf('b-types');
    expect(h).toMatchObject({ status: 'closed', endedAt: '2026-11-09T19:00:00.000Z', outcome: 'transferred', compliant: true, overageSeconds: 0, countedSeconds: 47 * 3600 });
  });

  it('booking.released past the deadline is non-compliant with the exact overage', async () => {
    await postAt('2026-11-10T00:00:00.000Z', {
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-late', occurredAt: '2026-11-01T10:00:00Z' }),
        ev.lodged({ facilityId: F, bookingId: 'b-late', occurredAt: '2026-11-02T10:00:00Z' }),
        ev.eligible({ facilityId: F, bookingId: 'b-late', occurredAt: '2026-11-05T15:00:00-05:00' }),
        ev.released({ facilityId: F, bookingId: 'b-late', occurredAt: '2026-11-09T17:30:00.250-05:00' }),
      ],
    });
    const [h] = await holdsOf('b-late');
    expect(h).toMatchObject({ status: 'closed', outcome: 'released', compliant: false, overageSeconds: 2.5 * 3600 + 0.25 });
  });

  it('detainer.cancelled while running moves the deadline to the cancellation', async () => {
    await post({
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-cancel', occurredAt: '2026-11-01T10:00:00Z' }),
        ev.lodged({ facilityId: F, bookingId: 'b-cancel', occurredAt: '2026-11-02T10:00:00Z' }),
        ev.eligible({ facilityId: F, bookingId: 'b-cancel', occurredAt: '2026-11-05T15:00:00-05:00' }),
        ev.cancelled({ facilityId: F, bookingId: 'b-cancel', occurredAt: '2026-11-06T06:00:00-05:00' }),
      ],
    }).expect(200);
    expect((await holdsOf('b-cancel'))[0]).toMatchObject({ status: 'overdue', deadlineAt: '2026-11-06T11:00:00.000Z' });
    await post(ev.released({ facilityId: F, bookingId: 'b-cancel', occurredAt: '2026-11-06T06:30:00-05:00' })).expect(200);
    expect((await holdsOf('b-cancel'))[0]).toMatchObject({ status: 'closed', outcome: 'cancelled', compliant: false, overageSeconds: 1800 });
  });

  it('booking.charges_updated replaces the charges of the booking', async () => {
    await post({
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-charges', occurredAt: '2026-11-01T10:00:00Z', charges: [{ code: 'A', level: 'felony', disposition: 'pending' }] }),
        ev.charges({ facilityId: F, bookingId: 'b-charges', occurredAt: '2026-11-03T10:00:00Z', charges: [{ code: 'B', level: 'misdemeanor', disposition: 'convicted' }] }),
      ],
    }).expect(200);
    const [row] = await t.ds.query(`SELECT charges FROM bookings WHERE booking_id = 'b-charges'`);
    expect(row.charges).toEqual([{ code: 'B', level: 'misdemeanor', disposition: 'convicted' }]);
  });

  it('a batch naming stored bookings and new ones advances each stored booking from its own detainers', async () => {
    const at = (day: number) => `2026-11-0${day}T10:00:00-05:00`;
    await post({
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-mix1', occurredAt: at(1) }),
        ev.lodged({ facilityId: F, bookingId: 'b-mix1', occurredAt: at(2) }),
        ev.opened({ facilityId: F, bookingId: 'b-mix2', occurredAt: at(1) }),
        ev.lodged({ facilityId: F, bookingId: 'b-mix2', occurredAt: at(2), detainerId: 'd1' }),
        ev.lodged({ facilityId: F, bookingId: 'b-mix2', occurredAt: at(3), detainerId: 'd2' }),
      ],
    }).expect(200);
    // Stored bookings between new ones, so that those found are not the first keys read.
    await post({
      events: [
        ev.opened({ facilityId: F, bookingId: 'b-mix0', occurredAt: at(1) }),
        ev.eligible({ facilityId: F, bookingId: 'b-mix1', occurredAt: '2026-11-05T15:00:00-05:00' }),
        ev.opened({ facilityId: F, bookingId: 'b-mix3', occurredAt: at(1) }),
        ev.lodged({ facilityId: F, bookingId: 'b-mix3', occurredAt: at(2) }),
        ev.eligible({ facilityId: F, bookingId: 'b-mix2', occurredAt: '2026-11-05T15:00:00-05:00' }),
      ],
    }).expect(200);
    const running = { status: 'running', clockStartedAt: '2026-11-05T20:00:00.000Z', deadlineAt: '2026-11-09T20:00:00.000Z' };
    expect(await holdsOf('b-mix1')).toEqual([expect.objectContaining({ detainerId: 'd1', ...running })]);
    // Both are due at once, and the list breaks the tie by hold id: sorted by detainer here.
    const mix2 = (await holdsOf('b-mix2')).sort((a: { detainerId: string }, b: { detainerId: string }) => a.detainerId.localeCompare(b.detainerId));
    expect(mix2).toEqual([expect.objectContaining({ detainerId: 'd1', ...running }), expect.objectContaining({ detainerId: 'd2', ...running })]);
    expect(await holdsOf('b-mix3')).toEqual([expect.objectContaining({ detainerId: 'd1', status: 'pending', clockStartedAt: null })]);
    expect(await holdsOf('b-mix0')).toEqual([]);
  });
});

describe('idempotency', () => {
  it('re-sending the same event is a duplicate and changes nothing', async () => {
    const e = ev.opened({ facilityId: F, bookingId: 'b-dup', occurredAt: '2026-11-01T10:00:00Z', eventId: 'dup-1' });
    await post(e).expect(200, { accepted: 1, duplicates: 0, rejected: [] });
    const before = await count('events');
    await post(e).expect(200, { accepted: 0, duplicates: 1, rejected: [] });
    // Same content with keys in another order is the same event.
    const reordered = Object.fromEntries(Object.entries(e).reverse());
    await post({ events: [reordered, e] }).expect(200, { accepted: 0, duplicates: 2, rejected: [] });
    expect(await count('events')).toBe(before);
  });

  it('the same eventId with other content is a conflict: 409 alone, rejected in a batch', async () => {
    const e = ev.opened({ facilityId: F, bookingId: 'b-dup', occurredAt: '2026-11-01T11:00:00Z', eventId: 'dup-1' });
    const single = await post(e).expect(409);
    expect(single.body).toMatchObject({ error: 'conflict', accepted: 0, errors: [{ field: 'eventId' }] });
    const batch = await post({ events: [e] }).expect(200);
    expect(batch.body).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: 0, eventId: 'dup-1', errors: [{ field: 'eventId', message: 'an event with this eventId was already received with different content' }] }],
    });
  });

  it('a conflict inside one batch keeps the first and rejects the second', async () => {
    const a = ev.released({ facilityId: F, bookingId: 'b-dup2', occurredAt: '2026-11-01T11:00:00Z', eventId: 'dup-2' });
    const b = { ...a, occurredAt: '2026-11-01T12:00:00Z' };
    const res = await post({ events: [a, b, a] }).expect(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: [{ index: 1, eventId: 'dup-2' }] });
  });

  it('a batch mixing events already stored (the same, and changed) with new ones stores the new ones once and keeps each refusal once', async () => {
    const opened = ev.opened({ facilityId: F, bookingId: 'b-mix', occurredAt: '2026-11-01T10:00:00Z', eventId: 'mix-o' });
    const lodged = ev.lodged({ facilityId: F, bookingId: 'b-mix', occurredAt: '2026-11-02T10:00:00Z', eventId: 'mix-l' });
    await post({ events: [opened, lodged] }).expect(200, { accepted: 2, duplicates: 0, rejected: [] });
    const eventsBefore = await count('events');
    const refusedBefore = await count('rejected_events');
    // On a real server the first attempt writes without looking the ids up, fails on mix-o, and
    // the transaction runs again with the lookup: the answer and the rows must be as if once.
    const res = await post({
      events: [
        opened,
        { ...lodged, form: 'I-247D' },
        ev.eligible({ facilityId: F, bookingId: 'b-mix', occurredAt: '2026-11-05T15:00:00Z', eventId: 'mix-e' }),
        ev.retracted({ facilityId: F, bookingId: 'b-mix', occurredAt: '2026-11-05T16:00:00Z', eventId: 'mix-r', retractsEventId: 'mix-l' }),
      ],
    }).expect(200);
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [{ index: 1, eventId: 'mix-l', errors: [{ field: 'eventId', message: 'an event with this eventId was already received with different content' }] }],
    });
    expect(await count('events')).toBe(eventsBefore + 2);
    expect(await count('rejected_events')).toBe(refusedBefore + 1);
    // The lodging is retracted: the booking has no hold left, and the facility's chain holds.
    expect(await holdsOf('b-mix')).toEqual([]);
    const verified = (await t.http.get(`/api/audit/verify?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body;
    expect(verified).toMatchObject({ ok: true });
  });

  it('two requests at once with the same new eventId for other facilities: one stored, the other a conflict', async () => {
    // Other facilities take other locks, so both may find the id absent; the second log write
    // then fails on the unique id and its transaction runs again, judging it a conflict.
    await t.http.put('/api/facilities/race-other').set('Authorization', t.admin).send(facilityBody()).expect(200);
    for (let round = 0; round < 5; round++) {
      const eventId = `race-${round}`;
      const bodies = [
        [F, 'x'],
        ['race-other', 'y'],
      ].map(([facilityId, b]) => ({ events: [ev.opened({ facilityId, bookingId: `b-race-${round}-${b}`, occurredAt: '2026-11-01T11:00:00Z', eventId })] }));
      const answers = (await Promise.all(bodies.map((body) => post(body).expect(200)))).map((r) => r.body);
      expect(answers.map((a) => a.accepted).sort()).toEqual([0, 1]);
      expect(answers.find((a) => a.accepted === 0).rejected).toEqual([
        { index: 0, eventId, errors: [{ field: 'eventId', message: 'an event with this eventId was already received with different content' }] },
      ]);
      const stored = await t.ds.query('SELECT booking_id FROM events WHERE event_id = $1', [eventId]);
      expect(stored).toHaveLength(1);
      // The booking of the refused one was not opened.
      const bookings = await t.ds.query('SELECT booking_id FROM bookings WHERE booking_id = ANY($1)', [[`b-race-${round}-x`, `b-race-${round}-y`]]);
      expect(bookings).toEqual(stored);
    }
  });
});

describe('out-of-order arrival and retraction', () => {
  const storyOf = (bookingId: string) => [
    ev.opened({ facilityId: F, bookingId, occurredAt: '2026-11-01T10:00:00Z', eventId: `${bookingId}-o` }),
    ev.lodged({ facilityId: F, bookingId, occurredAt: '2026-11-02T10:00:00Z', eventId: `${bookingId}-l` }),
    ev.eligible({ facilityId: F, bookingId, occurredAt: '2026-11-05T15:00:00-05:00', eventId: `${bookingId}-e` }),
    ev.transferred({ facilityId: F, bookingId, occurredAt: '2026-11-10T09:00:00-05:00', eventId: `${bookingId}-t` }),
  ];
  const strip = (h: Record<string, unknown>) => ({ ...h, id: undefined, bookingId: undefined, personId: undefined, custodyId: undefined });
  /** After the stories' transfer (2026-11-10 14:00Z); holds are still read at the suite's "now". */
  const ENDED = '2026-11-11T00:00:00.000Z';

  it('every arrival order gives the same hold (one event per request)', async () => {
    const inOrder = storyOf('b-order-0');
    await postAt(ENDED, { events: inOrder });
    const expected = strip((await holdsOf('b-order-0'))[0]);
    expect(expected).toMatchObject({ status: 'closed', compliant: false, overageSeconds: 18 * 3600 });
    const orders = [
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
    ];
    for (const [n, order] of orders.entries()) {
      const bookingId = `b-order-${n + 1}`;
      const events = storyOf(bookingId);
      for (const i of order) await postAt(ENDED, events[i]);
      expect(strip((await holdsOf(bookingId))[0])).toEqual(expected);
    }
  });

  it('a release that arrives before the detainer it ends still closes the hold', async () => {
    const [opened, lodged, eligible, transferred] = storyOf('b-early-release');
    await postAt(ENDED, { events: [transferred, opened] });
    expect(await holdsOf('b-early-release')).toEqual([]);
    await post({ events: [eligible, lodged] }).expect(200);
    expect((await holdsOf('b-early-release'))[0]).toMatchObject({ status: 'closed', outcome: 'transferred' });
  });

  it('event.retracted takes an event out of the count; the log keeps both', async () => {
    const events = storyOf('b-retract');
    await postAt(ENDED, { events });
    await post(ev.retracted({ facilityId: F, bookingId: 'b-retract', occurredAt: '2026-11-10T15:00:00Z', retractsEventId: 'b-retract-t', eventId: 'r-1' })).expect(200);
    const [h] = await holdsOf('b-retract');
    expect(h).toMatchObject({ status: 'running', deadlineAt: '2026-11-09T20:00:00.000Z', endedAt: null, outcome: null });
    const detail = await t.http.get(`/api/holds/${h.id}`).set('Authorization', t.admin).expect(200);
    expect(detail.body.timeline.map((e: { eventId: string; retractedBy: string | null }) => [e.eventId, e.retractedBy])).toEqual([
      ['b-retract-o', null],
      ['b-retract-l', null],
      ['b-retract-e', null],
      ['b-retract-t', 'r-1'],
      ['r-1', null],
    ]);
  });

  it('a retraction that arrives before its event still applies', async () => {
    await post(ev.retracted({ facilityId: F, bookingId: 'b-retract-first', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'b-retract-first-e', eventId: 'r-2' })).expect(200);
    await post({ events: storyOf('b-retract-first').slice(0, 3) }).expect(200);
    expect((await holdsOf('b-retract-first'))[0]).toMatchObject({ status: 'pending', clockStartedAt: null });
  });

  it('a retraction of a retraction, stored because it arrived first, does not undo that retraction, and the timeline and history say why', async () => {
    const [opened, lodged, eligible] = storyOf('b-rr');
    // Sent before its target: not known yet, so kept (events arrive in any order).
    await post(ev.retracted({ facilityId: F, bookingId: 'b-rr', occurredAt: '2026-11-10T12:00:00Z', retractsEventId: 'rr-1', eventId: 'rr-2' })).expect(200);
    await post({ events: [opened, lodged, eligible, ev.retracted({ facilityId: F, bookingId: 'b-rr', occurredAt: '2026-11-10T11:00:00Z', retractsEventId: 'b-rr-e', eventId: 'rr-1' })] }).expect(200);
    // Sent in time order instead, rr-2 would have been refused; either way the eligibility is retracted.
    const [h] = await holdsOf('b-rr');
    expect(h).toMatchObject({ status: 'pending', clockStartedAt: null });
    const { timeline } = (await t.http.get(`/api/holds/${h.id}`).set('Authorization', t.admin).expect(200)).body;
    const noEffect = '"rr-1" is itself a retraction, and a retraction cannot be retracted: it still counts';
    expect(timeline.map((e: { eventId: string; retractedBy: string | null; noEffect: string | null }) => [e.eventId, e.retractedBy, e.noEffect])).toEqual([
      ['b-rr-o', null, null],
      ['b-rr-l', null, null],
      ['b-rr-e', 'rr-1', null],
      ['rr-1', null, null],
      ['rr-2', null, noEffect],
    ]);
    const history = (await t.http.get(`/api/bookings/b-rr/history?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body;
    expect(history.events.map((e: { eventId: string; retractedBy: string | null; noEffect: string | null }) => [e.eventId, e.retractedBy, e.noEffect])).toEqual([
      ['b-rr-o', null, null],
      ['b-rr-l', null, null],
      ['b-rr-e', 'rr-1', null],
      ['rr-1', null, null],
      ['rr-2', null, noEffect],
    ]);
  });

  it('retracting the lodging removes the hold', async () => {
    await post({ events: storyOf('b-retract-lodged').slice(0, 3) }).expect(200);
    expect(await holdsOf('b-retract-lodged')).toHaveLength(1);
    await post(ev.retracted({ facilityId: F, bookingId: 'b-retract-lodged', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'b-retract-lodged-l' })).expect(200);
    expect(await holdsOf('b-retract-lodged')).toEqual([]);
  });

  it('in one batch, a retraction is judged against the events sent after it too, however far (the log write starts before the batch is checked)', async () => {
    // Enough events between them that the retraction is reached before its target is checked.
    const filler = (tag: string) => Array.from({ length: 600 }, (_, i) => ev.opened({ facilityId: F, bookingId: `b-far-${tag}-${i}`, occurredAt: '2026-11-01T09:00:00Z' }));
    const story = storyOf('b-far');
    const res = await post({
      events: [
        ev.retracted({ facilityId: F, bookingId: 'b-far', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'b-far-l', eventId: 'far-r1' }),
        ev.retracted({ facilityId: F, bookingId: 'b-far', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'b-far-away', eventId: 'far-r2' }),
        ev.retracted({ facilityId: F, bookingId: 'b-far', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'far-r4', eventId: 'far-r3' }),
        ...filler('a'),
        ...story.slice(0, 3),
        ...filler('b'),
        ev.opened({ facilityId: F, bookingId: 'b-far-other', occurredAt: '2026-11-01T10:00:00Z', eventId: 'b-far-away' }),
        ev.retracted({ facilityId: F, bookingId: 'b-far', occurredAt: '2026-11-10T11:00:00Z', retractsEventId: 'b-far-e', eventId: 'far-r4' }),
      ],
    }).expect(200);
    expect(res.body.accepted).toBe(1206);
    expect(res.body.rejected).toEqual([
      {
        index: 1,
        eventId: 'far-r2',
        errors: [{ field: 'retractsEventId', message: 'event "b-far-away" is about booking "b-far-other" of facility "ny"; a retraction must name the same facility and booking' }],
      },
      { index: 2, eventId: 'far-r3', errors: [{ field: 'retractsEventId', message: 'a retraction cannot be retracted; send the corrected event again under a new eventId' }] },
    ]);
    // The lodging is retracted, so is the eligibility: no hold.
    expect(await holdsOf('b-far')).toEqual([]);
  });

  it('refuses retractions across bookings and of retractions', async () => {
    const across = await post(ev.retracted({ facilityId: F, bookingId: 'b-other', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'b-retract-o' })).expect(400);
    expect(across.body.errors[0].field).toBe('retractsEventId');
    const ofRetraction = await post(ev.retracted({ facilityId: F, bookingId: 'b-retract', occurredAt: '2026-11-10T10:00:00Z', retractsEventId: 'r-1' })).expect(400);
    expect(ofRetraction.body.errors[0].field).toBe('retractsEventId');
  });
});

describe('invalid input: 400 naming the field, nothing half-stored, the refusal kept', () => {
  const good = () => ev.opened({ facilityId: F, bookingId: 'b-bad', occurredAt: '2026-11-01T10:00:00Z' });
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['missing eventId', { eventId: undefined }, 'eventId'],
    ['empty eventId', { eventId: '' }, 'eventId'],
    ['eventId over 128 chars', { eventId: 'x'.repeat(129) }, 'eventId'],
    ['missing occurredAt', { occurredAt: undefined }, 'occurredAt'],
    ['occurredAt without offset', { occurredAt: '2026-11-01T10:00:00' }, 'occurredAt'],
    ['occurredAt date only', { occurredAt: '2026-11-01' }, 'occurredAt'],
    ['occurredAt impossible date', { occurredAt: '2026-02-30T10:00:00Z' }, 'occurredAt'],
    ['occurredAt a number', { occurredAt: 1767225600000 }, 'occurredAt'],
    ['unknown facility', { facilityId: 'nowhere' }, 'facilityId'],
    ['unknown type', { type: 'booking.exploded' }, 'type'],
    ['missing personId', { personId: undefined }, 'personId'],
    ['bad charge level', { charges: [{ level: 'capital' }] }, 'charges.0.level'],
    ['bookingId not a string', { bookingId: 42 }, 'bookingId'],
  ];
  it.each(cases)('%s', async (_what, patch, field) => {
    const before = await count('events');
    const res = await post({ ...good(), ...patch }).expect(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.body.rejected[0].errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await count('events')).toBe(before);
  });

  it('a batch keeps its valid events and reports each invalid one by index', async () => {
    const ok = good();
    const res = await post({ events: [ok, { ...good(), occurredAt: 'yesterday' }, 'not an object', { ...good(), type: 'detainer.lodged' }] }).expect(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number; errors: Array<{ field: string }> }) => [r.index, r.errors.map((e) => e.field)])).toEqual([
      [1, ['occurredAt']],
      [2, ['(event)']],
      [3, ['detainerId', 'form', 'personId']],
    ]);
  });

  it('a batch over 5,000 events is refused whole', async () => {
    const before = await count('events');
    const events = Array.from({ length: 5001 }, () => good());
    const res = await post({ events }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'events', message: 'at most 5000 events per request, got 5001' }]);
    expect(await count('events')).toBe(before);
  });

  it('non-JSON, wrong content type, events not an array', async () => {
    const bad = await t.http.post('/api/events').set('Authorization', ingest).set('Content-Type', 'application/json').send('{"eventId": ').expect(400);
    expect(bad.body.errors[0].field).toBe('body');
    await t.http.post('/api/events').set('Authorization', ingest).set('Content-Type', 'text/plain').send('hello').expect(415);
    // Both kept as sent, with the reason: nothing a jail sent is lost.
    const kept = (await t.http.get('/api/events/rejected?limit=2').set('Authorization', t.admin).expect(200)).body.items;
    expect(kept.map((r: { body: unknown; errors: Array<{ field: string }> }) => [r.body, r.errors[0].field])).toEqual([
      [{ contentType: 'text/plain', unparsedText: 'hello' }, 'Content-Type'],
      [{ contentType: 'application/json', unparsedText: '{"eventId": ' }, 'body'],
    ]);
    expect((await post({ events: 'many' }).expect(400)).body.errors[0].field).toBe('events');
    expect((await post([good()]).expect(400)).body.errors[0].field).toBe('body');
  });

  it('keeps bytes that are not UTF-8 as base64, and does not store what an unknown key sent', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x22]);
    // As bytes, not serialised: supertest would otherwise write the Buffer as JSON.
    const res = await t.http
      .post('/api/events')
      .set('Authorization', ingest)
      .set('Content-Type', 'application/json')
      .serialize((b: Buffer) => b as never)
      .send(bytes as never)
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'body', message: 'not valid UTF-8' }]);
    const [kept] = (await t.http.get('/api/events/rejected?limit=1').set('Authorization', t.admin).expect(200)).body.items;
    expect(kept.body).toEqual({ contentType: 'application/json', unparsedBase64: bytes.toString('base64') });
    // Valid JSON in bytes that are not UTF-8 is refused, not read with replacement characters.
    const latin1 = Buffer.from(JSON.stringify({ events: [] }).replace('[]', '[{"eventId":"x\u00e9"}]'), 'latin1');
    expect(
      (
        await t.http
          .post('/api/events')
          .set('Authorization', ingest)
          .set('Content-Type', 'application/json')
          .serialize((b: Buffer) => b as never)
          .send(latin1 as never)
          .expect(400)
      ).body.errors[0].message,
    ).toBe('not valid UTF-8');
    // A UTF-8 byte order mark is allowed.
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ events: [] }))]);
    expect(
      (
        await t.http
          .post('/api/events')
          .set('Authorization', ingest)
          .set('Content-Type', 'application/json')
          .serialize((b: Buffer) => b as never)
          .send(bom as never)
          .expect(200)
      ).body,
    ).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
    const before = await count('rejected_events');
    await t.http.post('/api/events').set('Authorization', 'Bearer dm_nobody').set('Content-Type', 'application/json').send('{').expect(401);
    expect(await count('rejected_events')).toBe(before);
  });

  it('NUL characters are refused, not a 500', async () => {
    const res = await post({ ...good(), personId: 'a\u0000b' }).expect(400);
    expect(res.body.errors[0].field).toBe('(event)');
    // Also in the keys that a batch's transaction reads before validation has run; each refusal is kept.
    const before = await count('rejected_events');
    for (const key of ['eventId', 'facilityId', 'bookingId', 'retractsEventId']) {
      const body = { ...ev.retracted({ facilityId: F, bookingId: 'b-nul', occurredAt: '2026-11-05T15:00:00Z', retractsEventId: 'x' }), [key]: 'a\u0000b' };
      const answer = await post(body).expect(400);
      expect({ key, errors: answer.body.errors }).toEqual({ key, errors: [expect.objectContaining({ field: '(event)' })] });
    }
    expect(await count('rejected_events')).toBe(before + 4);
  });

  it('a custody end dated after its receipt is refused naming occurredAt and kept; the hold keeps running until a real one comes', async () => {
    // now = 2026-11-06T12:00:00.000Z (Friday 07:00 in New York)
    const b = { facilityId: F, bookingId: 'b-ahead' };
    await post({
      events: [ev.opened({ ...b, occurredAt: '2026-11-01T10:00:00Z' }), ev.lodged({ ...b, occurredAt: '2026-11-02T10:00:00Z' }), ev.eligible({ ...b, occurredAt: '2026-11-05T15:00:00-05:00' })],
    }).expect(200);
    const message = 'is after the time received (2026-11-06T12:00:00.000Z): a custody end is sent once the person has left (up to 5 minutes of clock difference allowed)';
    const alone = await post(ev.released({ ...b, eventId: 'ahead-released', occurredAt: '2026-11-06T07:05:00.001-05:00' })).expect(400);
    expect(alone.body.errors).toEqual([{ field: 'occurredAt', message }]);
    // A mistyped year in a batch: that event refused by index, the others stored.
    const batch = await post({
      events: [
        ev.charges({ ...b, eventId: 'ahead-charges', occurredAt: '2026-11-06T11:00:00Z', charges: [] }),
        ev.transferred({ ...b, eventId: 'ahead-transferred', occurredAt: '2027-11-06T10:00:00-05:00' }),
      ],
    }).expect(200);
    expect(batch.body).toEqual({ accepted: 1, duplicates: 0, rejected: [{ index: 1, eventId: 'ahead-transferred', errors: [{ field: 'occurredAt', message }] }] });
    expect((await holdsOf('b-ahead'))[0]).toMatchObject({ status: 'running', endedAt: null, deadlineAt: '2026-11-09T20:00:00.000Z' });
    const kept = (await t.http.get('/api/events/rejected?limit=2').set('Authorization', t.admin).expect(200)).body.items;
    expect(kept.map((r: { eventId: string; body: { occurredAt: string } }) => [r.eventId, r.body.occurredAt])).toEqual([
      ['ahead-transferred', '2027-11-06T10:00:00-05:00'],
      ['ahead-released', '2026-11-06T07:05:00.001-05:00'],
    ]);
    // Within five minutes of clock difference it is the release it says.
    await post(ev.released({ ...b, occurredAt: '2026-11-06T12:05:00.000Z' })).expect(200);
    expect((await holdsOf('b-ahead'))[0]).toMatchObject({ status: 'closed', outcome: 'released', endedAt: '2026-11-06T12:05:00.000Z', compliant: true });
  });

  it('every refusal is kept with its reasons and listed for admins', async () => {
    const res = await t.http.get('/api/events/rejected?limit=500').set('Authorization', t.admin).expect(200);
    const fields = res.body.items.flatMap((r: { errors: Array<{ field: string }> }) => r.errors.map((e) => e.field));
    for (const f of ['eventId', 'occurredAt', 'facilityId', 'type', 'events', 'charges.0.level', 'retractsEventId']) expect(fields).toContain(f);
    const unknownFacility = res.body.items.find((r: { body: { facilityId?: string } }) => r.body?.facilityId === 'nowhere');
    expect(unknownFacility.body).toMatchObject({ type: 'booking.opened', facilityId: 'nowhere' });
    await t.http.get('/api/events/rejected').set('Authorization', ingest).expect(403);
  });
});
