/**
 * Whether the jail may tell ICE a person's release date now, and why (issue 28, "Release-date
 * disclosure"): the rule set says `always`, `never`, or `if_criteria` (only while a detainer meets
 * the criteria for holding, by its facts or by a supervisor's decision). Pure: plain TypeScript only.
 */
import type { AuthorityRules } from './authority.js';

export interface DisclosureVerdict {
  allowed: boolean;
  basis: string;
}

/** ICE-contact kinds, and those that disclose a release date (the ones the rule gates). */
export const CONTACT_KINDS = ['release_date_shared', 'notification_sent', 'interview_requested', 'interview_held', 'records_request', 'other'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const DISCLOSING_CONTACTS: readonly ContactKind[] = ['release_date_shared', 'notification_sent'];

/** The verdict under the default rule, and of records stored before rule sets. */
export const DISCLOSURE_ALWAYS: DisclosureVerdict = { allowed: true, basis: 'the rules allow telling ICE a release date (always)' };

export function disclosureOf(
  rules: Pick<AuthorityRules, 'ruleSet'>,
  detainers: ReadonlyArray<{ detainerId: string; authority: string; screen: { met: string[]; decision?: { decision: string } | null } | null }>,
): DisclosureVerdict {
  const rule = rules.ruleSet?.disclosure ?? 'always';
  if (rule === 'always') return DISCLOSURE_ALWAYS;
  if (rule === 'never') return { allowed: false, basis: 'the rules forbid telling ICE a release date (never)' };
  const meeting = detainers.find((d) => d.authority === 'hold');
  if (meeting) {
    const met = meeting.screen?.met.length ? `: ${meeting.screen.met.join(', ')}` : '';
    // What the jail's facts left open, a supervisor decided.
    const decided = meeting.screen?.decision ? "; honoured on a supervisor's decision" : '';
    return { allowed: true, basis: `detainer ${meeting.detainerId} meets the criteria for holding${met}${decided} (if_criteria)` };
  }
  return { allowed: false, basis: 'no detainer meets the criteria for holding, and the rules allow telling ICE a release date only then (if_criteria)' };
}

/** Whether a contact of this kind was allowed by the disclosure verdict at the time it was recorded. */
export function contactAllowed(kind: ContactKind, d: DisclosureVerdict): DisclosureVerdict {
  if (!DISCLOSING_CONTACTS.includes(kind)) return { allowed: true, basis: 'discloses no release date' };
  return d;
}
