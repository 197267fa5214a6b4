import type { Role } from './api-key.entity.js';

/**
 * Who sees a person's name and A-number where the JMS sent them. Admin always did, and counsel
 * for the bookings and people granted to the key (the history routes, the only ones counsel may
 * use, check the grant). Supervisors, who release people, see them too: a person is not an id at
 * the jail's desk. Sheriffs read figures and lists for compliance and see ids only; ingest keys
 * read nothing.
 */
export const NAME_ROLES: readonly Role[] = ['admin', 'supervisor', 'counsel'];

export const mayReadNames = (role: Role): boolean => NAME_ROLES.includes(role);

export interface PersonNames {
  /** The name the JMS sent (booking.opened's person.name); null when none was sent or the caller may not see it. */
  personName: string | null;
  /** The A-number the JMS sent (person.aNumber); null likewise. */
  aNumber: string | null;
}

export const NO_NAMES: PersonNames = { personName: null, aNumber: null };

/** A booking's person as stored (the event's `person` object), as this role may see it. Pure. */
export function namesOf(person: Record<string, unknown> | null | undefined, role: Role): PersonNames {
  if (!person || !mayReadNames(role)) return NO_NAMES;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  return { personName: text(person.name), aNumber: text(person.aNumber) };
}

/** The digits of an A-number as typed or sent ("A 123-456-789" → "123456789"), for search. */
export const aNumberDigits = (v: string): string => v.replace(/\D/g, '');

/**
 * An event as received, as this role may see it in a timeline: for a role that sees no names, the
 * `person` a booking.opened carried (name, date of birth, A-number) is withheld. Pure.
 */
export function eventAsSeen<E>(body: E, role: Role): E {
  if (mayReadNames(role) || body === null || typeof body !== 'object' || !('person' in body)) return body;
  return { ...body, person: 'withheld: personal data (names, dates of birth and A-numbers are for supervisors, counsel granted and admins)' };
}
