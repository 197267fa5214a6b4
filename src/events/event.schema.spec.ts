import { describe, expect, it } from '@jest/globals';
import { CLOCK_SKEW_MS, custodyEndAhead, validateEvent, type JmsEvent } from './event.schema.js';

const received = Date.parse('2026-11-06T12:00:00.000Z');
const event = (type: string, occurredAt: string, extra: object = {}) => {
  const v = validateEvent({ eventId: 'e', type, occurredAt, facilityId: 'f', bookingId: 'b', ...extra });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
};
const judge = (v: { event: JmsEvent; occurredAtMs: number }) => custodyEndAhead(v.event, v.occurredAtMs, received);

describe('custodyEndAhead', () => {
  it('allows five minutes of clock difference, to the millisecond, for both custody ends', () => {
    expect(CLOCK_SKEW_MS).toBe(300_000);
    for (const type of ['booking.released', 'booking.custody_transferred']) {
      expect(judge(event(type, '2026-11-06T07:05:00.000-05:00'))).toBeNull();
      expect(judge(event(type, '2026-11-06T12:05:00.001Z'))).toEqual({
        field: 'occurredAt',
        message: 'is after the time received (2026-11-06T12:00:00.000Z): a custody end is sent once the person has left (up to 5 minutes of clock difference allowed)',
      });
    }
  });

  it('lets every other event be dated ahead', () => {
    const later = '2027-11-06T12:00:00Z';
    const others = [
      event('booking.opened', later, { personId: 'p' }),
      event('booking.charges_updated', later, { charges: [] }),
      event('detainer.lodged', later, { detainerId: 'd', form: 'I-247A' }),
      event('detainer.cancelled', later, { detainerId: 'd' }),
      event('booking.release_eligible', later),
      event('event.retracted', later, { retractsEventId: 'x', reason: 'entered in error' }),
    ];
    expect(others.map(judge)).toEqual([null, null, null, null, null, null]);
  });
});
