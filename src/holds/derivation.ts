/**
 * Which code derived the stored bookings and holds. They are derived from the event log by the
 * fold (booking-projection.ts), the hold clock and federal holiday calendar (clock/), and the
 * time zone database that tells the clock where a facility's local days begin (Node's ICU data,
 * which a Node upgrade can change: a state that ends daylight saving time moves every later local
 * midnight by an hour). When any of these changes, values derived before are stale: a new federal
 * holiday, or a corrected rule, moves deadlines and verdicts. So each start compares the stored
 * fingerprint with its own and, when they differ, derives every booking again from its log
 * (holds/rederivation.service.ts).
 *
 * Pure: no framework or database imports.
 */

/**
 * Bump with any change that could give a stored booking or hold another value (a holiday added,
 * a counting rule corrected, the fold changed). `derivation.spec.ts` derives a fixed corpus and
 * fails when its values change while this number does not.
 */
export const DERIVATION_VERSION = 4;

/** What the stored fingerprint is compared with: the derivation version and the time zone data. */
export function derivationFingerprint(tzdata: string | null = process.versions.tz ?? null): string {
  return `derivation ${DERIVATION_VERSION}, tzdata ${tzdata ?? 'unknown'}`;
}
