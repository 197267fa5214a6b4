import { describe, expect, it } from '@jest/globals';
import type { JmsEvent } from '../events/event.schema.js';
import { foldBooking, readRetractions } from './booking-projection.js';

const F = { facilityId: 'f', bookingId: 'b' };
const at = (iso: string) => Date.parse(iso);
const opened = (eventId: string, occurredAt: string, personId = 'p'): JmsEvent => ({ ...F, eventId, type: 'booking.opened', occurredAt, personId });
const eligible = (eventId: string, occurredAt: string): JmsEvent => ({ ...F, eventId, type: 'booking.release_eligible', occurredAt });
const retraction = (eventId: string, occurredAt: string, retractsEventId: string): JmsEvent => ({ ...F, eventId, type: 'event.retracted', occurredAt, retractsEventId, reason: 'entered in error' });
/** A log in (occurredAt, seq) order, seq in the order given. */
const log = (...bodies: JmsEvent[]) => bodies.map((body, seq) => ({ seq, occurredAtMs: at(body.occurredAt), body }));

describe('readRetractions', () => {
  it('takes an event out, and says why each other retraction takes nothing out', () => {
    const r = readRetractions(
      log(
        opened('o', '2026-11-01T10:00:00Z'),
        eligible('e', '2026-11-02T10:00:00Z'),
        retraction('r1', '2026-11-03T10:00:00Z', 'e'),
        retraction('r2', '2026-11-03T11:00:00Z', 'e'),
        retraction('r3', '2026-11-03T12:00:00Z', 'r1'),
        retraction('r4', '2026-11-03T13:00:00Z', 'elsewhere'),
      ),
    );
    expect([...r.retractedBy]).toEqual([['e', 'r1']]);
    expect(Object.fromEntries(r.noEffect)).toEqual({
      r2: '"e" was already retracted by "r1"',
      r3: '"r1" is itself a retraction, and a retraction cannot be retracted: it still counts',
      r4: 'no event "elsewhere" of this booking has been received',
    });
  });

  it('a retraction of a retraction that was stored first (it arrived before its target) does not undo that retraction', () => {
    // r2 arrived first, when r1 was unknown, so it was stored; r1 still takes e out.
    const events = [retraction('r2', '2026-11-01T09:00:00Z', 'r1'), eligible('e', '2026-11-02T10:00:00Z'), retraction('r1', '2026-11-03T10:00:00Z', 'e')];
    const r = readRetractions(log(...events));
    expect([...r.retractedBy]).toEqual([['e', 'r1']]);
    expect([...r.noEffect.keys()]).toEqual(['r2']);
    expect(foldBooking(log(...events)).releaseEligibleAt).toBeNull();
  });
});

describe('foldBooking', () => {
  it('keeps the earliest opening and release-eligibility, whatever the order of the log, leaving out retracted events', () => {
    const events = [
      eligible('e2', '2026-11-04T10:00:00Z'),
      opened('o2', '2026-11-01T12:00:00Z', 'second'),
      eligible('e1', '2026-11-03T10:00:00Z'),
      opened('o1', '2026-11-01T10:00:00Z', 'first'),
      retraction('r', '2026-11-05T10:00:00Z', 'e1'),
    ];
    for (const order of [events, [...events].reverse()]) {
      const s = foldBooking(order.map((body, seq) => ({ seq, occurredAtMs: at(body.occurredAt), body })));
      expect({ personId: s.personId, bookedAt: s.bookedAt, releaseEligibleAt: s.releaseEligibleAt }).toEqual({
        personId: 'first',
        bookedAt: at('2026-11-01T10:00:00Z'),
        releaseEligibleAt: at('2026-11-04T10:00:00Z'),
      });
    }
  });
});
