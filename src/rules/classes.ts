/**
 * The names a rule set and a jail share about offences and people: charge and conviction classes,
 * and the flags a jail sets on a booking. A criterion naming anything else is refused, as is an
 * event that does. A charge's classes are those it was sent with, its level's own class, and those
 * the facility's charge-code table gives its code. Pure: plain TypeScript only.
 */

/** Class names every rule set understands (the outside contract). */
export const SHARED_CLASSES = ['felony', 'violent_felony', 'serious_felony', 'class_a_felony', 'class_b_felony', 'misdemeanor', 'traffic', 'infraction'] as const;

/**
 * Class names presets add for their own lists of offences; each is defined by the law its preset
 * cites (see src/rules/presets). A jail sends them, or maps charge codes to them.
 */
export const PRESET_CLASSES = [
  // NYC Admin. Code 9-131(a): "violent or serious crime" (the enumerated felonies).
  'nyc_violent_or_serious_crime',
  // Cal. Gov. Code 7282.5(a)(1)-(3): serious or violent felonies, felonies punishable by state prison.
  'ca_serious_or_violent_felony',
  'ca_state_prison_felony',
  // Cal. Gov. Code 7282.5(a)(3): the offences listed in (A)-(AE) (misdemeanour within 5 years, felony within 15).
  'ca_7282_5_listed_offense',
  // Cal. Gov. Code 7282.5(a)(5): registrants under Penal Code 290 (sex offenders) and 457.1 (arson).
  'ca_registrant',
  // Cal. Gov. Code 7282.5(a)(4): an aggravated felony as defined in 8 U.S.C. 1101(a)(43).
  'aggravated_felony',
  // NJ AG Directive 2018-6: a "violent or serious offense" (its Appendix A), and any other indictable crime.
  'nj_violent_or_serious_offense',
  'nj_indictable_crime',
] as const;

export const KNOWN_CLASSES: readonly string[] = [...SHARED_CLASSES, ...PRESET_CLASSES];
export type ClassName = string;

/** Flags a jail sets on a booking (`booking.flagged` / `booking.unflagged`). */
export const FLAGS = [
  'victim',
  'witness',
  'juvenile',
  'claims_us_citizenship',
  'u_visa_or_t_visa',
  'terrorist_screening_match',
  // The detainer states a final order of removal (I-247A box; an I-205 warrant of removal).
  'final_order_of_removal',
  'other',
] as const;
export type Flag = (typeof FLAGS)[number];

export const isKnownClass = (c: string): boolean => KNOWN_CLASSES.includes(c);

/** One row of a facility's charge-code table: a code, or a code prefix ending in `*`, and the classes it gives. */
export interface ChargeClassRow {
  code: string;
  classes: readonly string[];
}

/** Whether a charge code matches a table code: exact, or by prefix when the table code ends in `*` (case and spacing ignored). */
export function codeMatches(pattern: string, code: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/\s+/g, ' ').trim();
  const p = norm(pattern);
  const c = norm(code);
  return p.endsWith('*') ? c.startsWith(p.slice(0, -1)) : p === c;
}

/** A charge as the criteria read it (from `booking.opened` or `booking.charges_updated`). */
export interface ChargeFact {
  code?: string;
  description?: string;
  level: string;
  disposition?: string;
  classes?: readonly string[];
}

/** Every class of a charge: as sent, its level's (felony, misdemeanor, traffic, infraction), and the facility table's for its code. */
export function classesOfCharge(charge: Pick<ChargeFact, 'code' | 'level' | 'classes'>, table: readonly ChargeClassRow[] = []): string[] {
  const out = new Set<string>(charge.classes ?? []);
  if (charge.level !== 'none') out.add(charge.level);
  if (charge.code !== undefined) for (const row of table) if (codeMatches(row.code, charge.code)) for (const c of row.classes) out.add(c);
  return [...out].sort();
}
