import { z } from 'zod';
import { pageLimit } from '../common/zod-validation.js';
import { INSTANT_HINT, parseInstant } from '../common/instant.js';

export const HOLD_STATUSES = ['pending', 'running', 'overdue', 'closed', 'active'] as const;

export const holdQuery = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    bookingId: z.string().min(1).max(128).optional(),
    personId: z.string().min(1).max(128).optional(),
    status: z.enum(HOLD_STATUSES, { error: `must be one of ${HOLD_STATUSES.join(', ')} (active = pending, running or overdue)` }).optional(),
    deadlineBefore: z
      .string()
      .refine((v) => parseInstant(v) !== null, { message: `must be ${INSTANT_HINT}` })
      .transform((v) => parseInstant(v)!)
      .optional(),
    limit: pageLimit(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export type HoldQuery = z.infer<typeof holdQuery>;

export interface HoldView {
  id: string;
  bookingId: string;
  detainerId: string;
  facilityId: string;
  personId: string | null;
  /** The person's name as the JMS sent it, for roles that see names (else null). */
  personName: string | null;
  /** The person's A-number as sent, for roles that see names (else null). */
  aNumber: string | null;
  form: string;
  warrant: string | null;
  agency: string;
  policy: string;
  holdHours: number;
  status: 'pending' | 'running' | 'overdue' | 'closed';
  lodgedAt: string;
  clockStartedAt: string | null;
  deadlineAt: string | null;
  deadlineLocal: string | null;
  clockStartedLocal: string | null;
  endedAt: string | null;
  endedLocal: string | null;
  timeZone: string;
  countedSeconds: number;
  /** Seconds until the deadline (negative once overdue); null unless running or overdue. */
  secondsLeft: number | null;
  outcome: string | null;
  compliant: boolean | null;
  overageSeconds: number | null;
  /** The booking's custody record, whose status and verdict the hold shows (GET /api/custody/:id). */
  custodyId: string | null;
  /**
   * A clock that starts later: the release-eligible instant was sent ahead (a sentence's end, a
   * release set for tomorrow). The hold is pending, `clockStartedAt` and `deadlineAt` stay null
   * until then, and this says when the clock starts and what the deadline will be. Null otherwise.
   */
  scheduled: { clockStartsAt: string; clockStartsLocal: string; deadlineAt: string; deadlineLocal: string } | null;
}

export interface TimelineEntry {
  eventId: string;
  type: string;
  occurredAt: string;
  occurredLocal: string;
  receivedAt: string;
  /** The retraction that took this event out of the count, if any. */
  retractedBy: string | null;
  /** For a retraction that takes nothing out of the count, why (it names a retraction, an event not received, one already retracted). */
  noEffect: string | null;
  event: unknown;
}
