import { describe, expect, it } from '@jest/globals';
import { judgeCustody } from '../custody/judge.js';
import { observedFederalHolidays } from '../clock/federal-holidays.js';
import { DETAINER_FORMS, POLICIES, WARRANT_KINDS, type HoldRules } from '../clock/hold-clock.js';
import { sha256Hex } from '../common/canonical-json.js';
import { seededRandom } from '../common/seeded-random.js';
import type { JmsEvent } from '../events/event.schema.js';
import { anyConviction, foldBooking, mostSeriousLevel } from './booking-projection.js';
import { DERIVATION_VERSION, derivationFingerprint } from './derivation.js';

/**
 * The digest of what the fold and the clock derive from a fixed corpus, recorded for the current
 * DERIVATION_VERSION. When the derived values change, stored bookings and holds derived by the
 * earlier code are stale, and only a new version makes a start derive them again.
 */
const RECORDED = { version: 4, digest: '52000881421940bcbbb6b99f59df9abf56e0013ee62f91e2ff99dfb24dcad889' };

const HOUR = 3_600_000;
// Fixed-offset zones: their rules never change, so a new time zone database leaves the digest alone
// (the fingerprint carries the database's version for the named zones facilities use).
const ZONES = ['UTC', 'Etc/GMT+5', 'Etc/GMT+10', 'Etc/GMT-10'];
const LEVELS = ['felony', 'misdemeanor', 'traffic', 'infraction', 'none'];
const DISPOSITIONS = ['pending', 'convicted', 'dismissed', 'acquitted'];

/** Random bookings (events in any order, some retracted), folded, and their custody judged. */
function corpus(): unknown[] {
  const out: unknown[] = [];
  for (let y = 1990; y <= 2060; y++) out.push(observedFederalHolidays(y).map((h) => [h.observed, h.actual, h.name]));
  const r = seededRandom(20261125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const from = Date.UTC(2015, 0, 1);
  for (let i = 0; i < 3000; i++) {
    const rules: HoldRules = {
      timeZone: pick(ZONES),
      policy: pick(POLICIES),
      holdHours: pick([24, 48, 72]),
      extraHolidays: r() < 0.3 ? ['2020-12-24', '2021-11-26', '2026-12-24'] : [],
      requireJudicialWarrant: r() < 0.2,
    };
    const booked = from + Math.floor(r() * 16 * 365 * 24) * HOUR + Math.floor(r() * 60) * 60_000;
    const at = (h: number) => booked + Math.floor(h * HOUR);
    const base = (n: number, type: string, hours: number) => ({ eventId: `e${n}`, type, occurredAt: new Date(at(hours)).toISOString(), facilityId: 'f', bookingId: `b${i}` });
    const events: Array<Record<string, unknown>> = [
      { ...base(0, 'booking.opened', 0), personId: `p${i}`, charges: [{ code: 'c', level: pick(LEVELS), disposition: pick(DISPOSITIONS) }] },
      { ...base(1, 'detainer.lodged', r() * 200), detainerId: 'd1', form: pick(DETAINER_FORMS), warrant: pick(WARRANT_KINDS) },
    ];
    if (r() < 0.3) events.push({ ...base(2, 'detainer.lodged', r() * 200), detainerId: 'd2', form: pick(DETAINER_FORMS) });
    if (r() < 0.85) events.push({ ...base(3, 'booking.release_eligible', r() * 150), reason: 'bail_posted' });
    if (r() < 0.2) events.push({ ...base(4, 'detainer.cancelled', r() * 250), detainerId: 'd1' });
    if (r() < 0.7) events.push({ ...base(5, r() < 0.5 ? 'booking.released' : 'booking.custody_transferred', 100 + r() * 200) });
    if (r() < 0.2) events.push({ ...base(6, 'booking.charges_updated', r() * 100), charges: [{ code: 'c2', level: pick(LEVELS), disposition: pick(DISPOSITIONS) }] });
    if (r() < 0.15) events.push({ ...base(7, 'event.retracted', 300), retractsEventId: `e${pick([3, 4, 5])}`, reason: 'entered in error' });
    const log = events
      .map((body, k) => ({ seq: Math.floor(r() * 1000) * 10 + k, occurredAtMs: Date.parse(body.occurredAt as string), body: body as unknown as JmsEvent }))
      .sort((a, b) => a.seq - b.seq);
    const state = foldBooking(log);
    const j = judgeCustody(state.facts, [{ effectiveFrom: null, rules }]);
    out.push([
      i,
      j.phase,
      j.activeFrom,
      j.dueAt,
      j.authorizedUntil,
      j.endedAt,
      j.outcome,
      j.compliant,
      j.overageMs,
      j.processingMs,
      j.violations,
      j.anomalies.map((a) => a.code),
      mostSeriousLevel(state.charges),
      anyConviction(state.charges),
      state.toAgency,
      state.custodyEndKind,
      j.detainers.map((d) => [d.detainerId, d.authority, d.clockStartedAt, d.deadlineAt, d.windows, d.reasons]),
    ]);
  }
  return out;
}

describe('the derivation version', () => {
  it('changes whenever what the fold and the clock derive changes', () => {
    const digest = sha256Hex(JSON.stringify(corpus()));
    if (DERIVATION_VERSION === RECORDED.version && digest !== RECORDED.digest) {
      throw new Error(
        `The fold or the clock now derives other values (digest ${digest}, recorded ${RECORDED.digest}) but DERIVATION_VERSION is still ` +
          `${DERIVATION_VERSION}. Bump it in derivation.ts, so that every start on a database derived by the old code derives it again, and record the new digest here.`,
      );
    }
    expect({ version: DERIVATION_VERSION, digest }).toEqual(RECORDED);
  });

  it('has a fingerprint naming the version and the time zone data', () => {
    expect(derivationFingerprint('2025b')).toBe(`derivation ${DERIVATION_VERSION}, tzdata 2025b`);
    expect(derivationFingerprint(null)).toBe(`derivation ${DERIVATION_VERSION}, tzdata unknown`);
    expect(derivationFingerprint()).toBe(`derivation ${DERIVATION_VERSION}, tzdata ${process.versions.tz}`);
  });
});
