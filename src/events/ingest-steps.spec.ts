import { describe, expect, it } from '@jest/globals';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { chainHash, GENESIS } from './event-chain.js';
import type { StoredSummary } from './event-log.repository.js';
import { chained, checked, CONFLICT, judged, mayRefold, projectionInput, refusalRows, sentKeys, type Candidate, type Judging } from './ingest-steps.js';

const RECEIVED = Date.parse('2026-11-24T18:00:00.000Z');
const opened = (eventId: string, bookingId = 'b1', facilityId = 'f1') => ({
  eventId,
  type: 'booking.opened',
  occurredAt: '2026-11-24T10:00:00-06:00',
  facilityId,
  bookingId,
  personId: 'p1',
});
const retraction = (eventId: string, retractsEventId: string, bookingId = 'b1') => ({
  eventId,
  type: 'event.retracted',
  occurredAt: '2026-11-24T11:00:00-06:00',
  facilityId: 'f1',
  bookingId,
  retractsEventId,
  reason: 'wrong booking',
});
const candidate = (raw: object, index = 0): Candidate => {
  const c = checked(raw, index, RECEIVED, { onlyFacilities: null });
  if (Array.isArray(c)) throw new Error(JSON.stringify(c));
  return c;
};

describe('1. sentKeys: what a batch names as sent, before validation', () => {
  it('takes plausible ids only, retraction targets apart, and bookings with their facility', () => {
    expect(sentKeys([opened('e1'), retraction('e2', 'e1'), null, 'text', { eventId: '', facilityId: 'f1', bookingId: 'x'.repeat(129) }, { eventId: 'a\u0000b', facilityId: 'f2' }])).toEqual({
      eventIds: ['e1', 'e2'],
      targetIds: ['e1'],
      facilityIds: ['f1', 'f1', 'f1', 'f2'],
      bookings: [
        { facilityId: 'f1', bookingId: 'b1' },
        { facilityId: 'f1', bookingId: 'b1' },
      ],
    });
  });
});

describe('2. mayRefold: the bookings that may need their whole log', () => {
  it('those a retraction names, and those receiving an event a stored retraction names', () => {
    const stored = new Set(['f1\u001fb2\u001fe9']);
    expect(mayRefold([opened('e1'), retraction('e2', 'e0', 'b3'), opened('e9', 'b2'), opened('e8', 'b4')], stored).sort()).toEqual(['f1\u001fb2', 'f1\u001fb3'].sort());
  });
});

describe('3. checked: one event on its own', () => {
  it('a valid event: its canonical form and that form’s SHA-256, the instant in UTC', () => {
    const c = candidate(opened('e1'), 7);
    expect(c).toEqual({
      index: 7,
      event: expect.objectContaining({ eventId: 'e1', type: 'booking.opened' }),
      occurredAtMs: Date.parse('2026-11-24T16:00:00.000Z'),
      occurredAtIso: '2026-11-24T16:00:00.000Z',
      canonical: canonicalJson(opened('e1')),
      hash: sha256Hex(canonicalJson(opened('e1'))),
    });
  });

  it('refused, naming the field: a key limited to other facilities, a decision sent by a JMS, text Postgres cannot store', () => {
    expect(checked(opened('e1'), 0, RECEIVED, { onlyFacilities: new Set(['f2', 'f3']) })).toEqual([{ field: 'facilityId', message: 'this API key may send events only about "f2", "f3"' }]);
    const decided = {
      eventId: 'd',
      type: 'detainer.decided',
      occurredAt: '2026-11-24T10:00:00Z',
      facilityId: 'f1',
      bookingId: 'b1',
      detainerId: 'd1',
      decision: 'honour',
      basis: 'x',
      decidedBy: { keyId: 'k', name: 'Sgt. Ruiz' },
    };
    expect(checked(decided, 0, RECEIVED, { onlyFacilities: null })).toEqual([
      { field: 'type', message: 'a decision on a detainer is recorded by a supervisor through POST /api/custody/{id}/decisions' },
    ]);
    expect(checked(decided, 0, RECEIVED, { onlyFacilities: null, decisions: true })).toMatchObject({ event: { type: 'detainer.decided' } });
    expect(checked({ ...opened('e1'), personId: 'p\u0000' }, 0, RECEIVED, { onlyFacilities: null })).toEqual([
      { field: '(event)', message: 'must be valid Unicode text: no NUL (\\u0000) and no unpaired surrogate (\\ud800-\\udfff)' },
    ]);
    expect(checked({ ...opened('e1'), occurredAt: '2026-11-24T10:00:00' }, 0, RECEIVED, { onlyFacilities: null })).toEqual([expect.objectContaining({ field: 'occurredAt' })]);
  });
});

describe('4. judged: against what is stored', () => {
  const stored = new Map<string, StoredSummary>([
    ['e1', { contentHash: sha256Hex(canonicalJson(opened('e1'))), facilityId: 'f1', bookingId: 'b1', type: 'booking.opened' }],
    ['r1', { contentHash: 'x', facilityId: 'f1', bookingId: 'b1', type: 'event.retracted' }],
    ['o1', { contentHash: 'y', facilityId: 'f1', bookingId: 'other', type: 'booking.opened' }],
  ]);
  const j: Judging = { configured: (f) => f === 'f1', stored, inBatch: () => undefined };

  it.each([
    ['a new event', opened('e2'), 'new'],
    ['the same event again', opened('e1'), 'duplicate'],
    ['its id with other content', { ...opened('e1'), personId: 'p2' }, [{ field: 'eventId', message: CONFLICT }]],
    ['an unknown facility', opened('e3', 'b1', 'nowhere'), [{ field: 'facilityId', message: 'unknown facility "nowhere"; configure it first with PUT /api/facilities/nowhere' }]],
    ['a retraction of itself', retraction('x1', 'x1'), [{ field: 'retractsEventId', message: 'an event cannot retract itself' }]],
    ['a retraction of a retraction', retraction('x2', 'r1'), [{ field: 'retractsEventId', message: 'a retraction cannot be retracted; send the corrected event again under a new eventId' }]],
    [
      "a retraction of another booking's event",
      retraction('x3', 'o1'),
      [{ field: 'retractsEventId', message: 'event "o1" is about booking "other" of facility "f1"; a retraction must name the same facility and booking' }],
    ],
    ['a retraction of an event not received yet', retraction('x4', 'later'), 'new'],
  ])('%s', (_, raw, verdict) => expect(judged(candidate(raw), j)).toEqual(verdict));

  it('a retraction of an event sent beside it in the batch', () => {
    const inBatch = (id: string) => (id === 'b-o' ? candidate(opened('b-o', 'other')).event : undefined);
    expect(judged(candidate(retraction('x5', 'b-o')), { ...j, inBatch })).toEqual([
      { field: 'retractsEventId', message: 'event "b-o" is about booking "other" of facility "f1"; a retraction must name the same facility and booking' },
    ]);
  });
});

describe('5. chained: the log row, linked to its facility’s chain', () => {
  it('links the first event of a facility to GENESIS and each next one to the one before, per facility', () => {
    const heads = new Map<string, string | null>([
      ['f1', null],
      ['f2', 'a'.repeat(64)],
    ]);
    const at = '2026-11-24T18:00:00.000Z';
    const first = chained(candidate(opened('e1')), heads, at);
    const second = chained(candidate(opened('e2')), heads, at);
    const other = chained(candidate(opened('e3', 'b1', 'f2')), heads, at);
    const fields = (c: Candidate) => ({
      eventId: c.event.eventId,
      facilityId: c.event.facilityId,
      bookingId: c.event.bookingId,
      type: c.event.type,
      occurredAt: c.occurredAtIso,
      receivedAt: at,
      contentHash: c.hash,
    });
    expect(first.prevHash).toBe(GENESIS);
    expect(first.chainHash).toBe(chainHash(GENESIS, fields(candidate(opened('e1')))));
    expect(second.prevHash).toBe(first.chainHash);
    expect(other.prevHash).toBe('a'.repeat(64));
    expect(heads.get('f1')).toBe(second.chainHash);
    expect(first).toMatchObject({ eventId: 'e1', type: 'booking.opened', occurredAt: '2026-11-24T16:00:00.000Z', retractsEventId: null, bodyJson: canonicalJson(opened('e1')) });
    expect(chained(candidate(retraction('x', 'e1')), heads, at).retractsEventId).toBe('e1');
  });
});

describe('6. projectionInput: what the projector folds', () => {
  it('new events alone for bookings advanced from their state; after the stored log for those refolded', () => {
    const storedLog = [{ seq: 3, occurredAtMs: 1, receivedAtMs: 2, body: candidate(opened('s1', 'b2')).event }];
    const { newEvents, fullLogs } = projectionInput([candidate(opened('e1'), 0), candidate(opened('e2', 'b2'), 1), candidate(opened('e3'), 2)], new Map([['f1\u001fb2', storedLog]]), RECEIVED);
    expect([...newEvents.keys()]).toEqual(['f1\u001fb1']);
    expect(newEvents.get('f1\u001fb1')!.map((e) => [e.seq, e.body.eventId, e.receivedAtMs])).toEqual([
      [0, 'e1', RECEIVED],
      [2, 'e3', RECEIVED],
    ]);
    expect(fullLogs.get('f1\u001fb2')!.map((e) => [e.seq, e.body.eventId])).toEqual([
      [3, 's1'],
      [2 ** 52 + 1, 'e2'],
    ]);
    expect(storedLog).toHaveLength(1); // the stored log is not changed
  });
});

describe('7. refusalRows: every refusal kept', () => {
  it('what was sent, made storable, with its index, id and errors', () => {
    const raws = [opened('e1'), { eventId: 'bad\u0000id', type: 'nope' }];
    const errors = [{ field: 'type', message: 'unknown' }];
    expect(refusalRows(raws, new Map([[1, { eventId: 'bad\u0000id', errors }]]))).toEqual([{ batchIndex: 1, eventId: 'bad\ufffdid', body: { eventId: 'bad\ufffdid', type: 'nope' }, errors }]);
  });
});
