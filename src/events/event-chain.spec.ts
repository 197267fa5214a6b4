import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson } from '../common/canonical-json.js';
import { chainedForm, chainHash, GENESIS } from './event-chain.js';

describe('event chain', () => {
  it('writes exactly the canonical JSON of the chained fields', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 4e12 }), (eventId, facilityId, bookingId, type, o, r) => {
        const e = { eventId, facilityId, bookingId, type, occurredAt: new Date(o).toISOString(), receivedAt: new Date(r).toISOString(), contentHash: 'ab'.repeat(32) };
        expect(chainedForm(e)).toBe(canonicalJson(e));
      }),
      { numRuns: 500 },
    );
  });

  it('depends on the previous hash and on every field', () => {
    const e = { eventId: 'e1', facilityId: 'f', bookingId: 'b', type: 'booking.released', occurredAt: '1970-01-01T00:00:00.001Z', receivedAt: '1970-01-01T00:00:00.002Z', contentHash: '0'.repeat(64) };
    const h = chainHash(GENESIS, e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash('1'.repeat(64), e)).not.toBe(h);
    for (const k of Object.keys(e) as Array<keyof typeof e>) expect(chainHash(GENESIS, { ...e, [k]: 'x' })).not.toBe(h);
  });
});
