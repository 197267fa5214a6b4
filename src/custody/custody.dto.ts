import { z } from 'zod';
import { pageLimit } from '../common/zod-validation.js';
import { INSTANT_HINT, parseInstant } from '../common/instant.js';
import { boundField, checkPeriod } from '../common/period-bound.js';
import { quarterField } from '../common/quarter.js';
import { VIOLATION_REASONS } from './judge.js';

export const CUSTODY_STATUSES = ['pending', 'running', 'overdue', 'closed', 'active'] as const;

const instant = z
  .string()
  .refine((v) => parseInstant(v) !== null, { message: `must be ${INSTANT_HINT}` })
  .transform((v) => parseInstant(v)!);

export const custodyQuery = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    bookingId: z.string().min(1).max(128).optional(),
    personId: z.string().min(1).max(128).optional(),
    /** Find a person or booking: a booking id or person id as sent, an A-number, or words of a name (names and A-numbers only for roles that see them). */
    q: z.string({ error: 'must be text' }).trim().min(2, 'must be at least 2 characters: a name, booking id, person id or A-number').max(200, 'must be at most 200 characters').optional(),
    status: z.enum(CUSTODY_STATUSES, { error: `must be one of ${CUSTODY_STATUSES.join(', ')} (active = pending, running or overdue)` }).optional(),
    /** Open custody whose authority ends (or ended) before this instant. */
    authorizedBefore: instant.optional(),
    compliant: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((v) => v === 'true')
      .optional(),
    /** Custody whose first detainer was received in this quarter of the facility's calendar (as the quarterly review counts). */
    quarter: quarterField.optional(),
    /** Custody that ended at or after this bound: a date (midnight in the facility's own calendar) or an instant. */
    endedFrom: boundField.optional(),
    /** Custody that ended before this bound (exclusive), of the same kind as endedFrom. */
    endedTo: boundField.optional(),
    /** Custody with a violation of this reason. */
    reason: z.enum(VIOLATION_REASONS, { error: `must be one of ${VIOLATION_REASONS.join(', ')}` }).optional(),
    limit: pageLimit(),
    cursor: z.string().max(200).optional(),
    /** csv: every matching record (not a page), one row per person's custody, for a spreadsheet. */
    format: z.enum(['json', 'csv'], { error: 'must be one of json, csv' }).default('json'),
  })
  .strict()
  .superRefine(checkPeriod('endedFrom', 'endedTo'));
export type CustodyQuery = z.infer<typeof custodyQuery>;

export const verdictChangesQuery = z
  .object({
    limit: pageLimit(),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor this API gave out')
      .optional(),
  })
  .strict();

export interface Instants {
  from: string;
  fromLocal: string;
  until: string | null;
  untilLocal: string | null;
}

export interface CustodyView {
  id: string;
  facilityId: string;
  bookingId: string;
  personId: string | null;
  /** The person's name as the JMS sent it, for roles that see names (else null). */
  personName: string | null;
  /** The person's A-number as sent, for roles that see names (else null). */
  aNumber: string | null;
  status: 'pending' | 'running' | 'overdue' | 'closed';
  timeZone: string;
  eligibility: Array<Instants & { endedBy: string | null }>;
  /** End of the current authority (open custody; in the past once overdue); null if none. */
  authorizedUntil: string | null;
  authorizedUntilLocal: string | null;
  /** Seconds until authorizedUntil (negative once overdue); null unless running or overdue. */
  secondsLeft: number | null;
  detainers: Array<{
    detainerId: string;
    form: string;
    warrant: string | null;
    agency: string;
    lodgedAt: string;
    cancelledAt: string | null;
    authority: 'hold' | 'notify_only' | 'none' | 'needs_review';
    authorizedFrom: string | null;
    deadlineAt: string | null;
    deadlineLocal: string | null;
    reasons: string[];
    windows: Array<Instants & { endedBy: string; authorityEnd: string }>;
    /** How the facility's rule set screened it: criteria met, not met and unknown by name, discretion cases, the decision (null: no rule set applies). */
    screen: { met: string[]; notMet: string[]; unknown: string[]; review: string[]; decision: { decision: string; basis: string; by: string | null; at: string; eventId: string } | null } | null;
    holdId: string;
  }>;
  violations: Array<Instants & { seconds: number; reason: string }>;
  processing: Array<Instants & { seconds: number }>;
  unauthorizedSeconds: number;
  processingSeconds: number;
  compliant: boolean | null;
  overageSeconds: number | null;
  anomalies: Array<{ code: string; message: string; eventIds: string[] }>;
  rejudged: { compliant: boolean | null; overageSeconds: number | null; recordedAt: string } | null;
  endedAt: string | null;
  endedLocal: string | null;
  outcome: 'released' | 'transferred' | null;
  toAgency: string | null;
  /** Custody transferred to ICE (by name or the facility's aliases); null unless transferred. */
  honoured: boolean | null;
  /** Whether the jail may tell ICE the release date now, and why (the rule set's disclosure rule). */
  disclosure: { allowed: boolean; basis: string };
  /** The sentences a person reads: periods, windows and why they ended, violations, anomalies. */
  explanation: string[];
}
