import { z } from 'zod';
import { pageLimit } from '../common/zod-validation.js';

export const ALERT_LEVELS = ['approaching', 'overdue', 'escalated', 'review'] as const;
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
/** What `state=` filters by: a state, or `live` (open or acknowledged: at most one per custody record). */
export const ALERT_STATE_FILTERS = [...ALERT_STATES, 'live'] as const;

export const alertQuery = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    holdId: z.uuid('must be a hold id').optional(),
    custodyId: z.uuid('must be a custody record id').optional(),
    level: z.enum(ALERT_LEVELS, { error: `must be one of ${ALERT_LEVELS.join(', ')}` }).optional(),
    state: z.enum(ALERT_STATE_FILTERS, { error: `must be one of ${ALERT_STATE_FILTERS.join(', ')} (live = open or acknowledged)` }).optional(),
    limit: pageLimit(),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type AlertQuery = z.infer<typeof alertQuery>;

export const acknowledgeBody = z.object({ note: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional() }).strict();

export const webhookBody = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000, 'must be at most 2000 characters'),
    /** The shared HMAC key; made for you when absent. */
    secret: z.string().min(16, 'must be at least 16 characters').max(200, 'must be at most 200 characters').optional(),
  })
  .strict();

export interface AlertView {
  id: string;
  /** The custody record the alert is about: alerts are raised per person's custody, not per detainer. */
  custodyId: string;
  custodyUrl: string;
  /** The hold of the detainer whose authority ends at the deadline (null when none authorised the custody). */
  holdId: string | null;
  holdUrl: string | null;
  facilityId: string;
  bookingId: string;
  personId: string | null;
  /** The person's name as the JMS sent it, for roles that see names (else null; never in webhooks). */
  personName: string | null;
  /** The person's A-number as sent, likewise. */
  aNumber: string | null;
  detainerId: string | null;
  level: (typeof ALERT_LEVELS)[number];
  /** Hours before the deadline, for approaching alerts; null otherwise. */
  thresholdHours: number | null;
  deadlineAt: string;
  deadlineLocal: string;
  dueAt: string;
  raisedAt: string;
  /** `raisedAt` on the facility's clock, with its offset (as `deadlineLocal`). */
  raisedLocal: string;
  /** Raised well after it was due (the sweep was down or behind). */
  late: boolean;
  state: (typeof ALERT_STATES)[number];
  /** When the overdue alert, still unacknowledged, rose to escalated (the same alert); null otherwise. */
  escalatedAt: string | null;
  /** When the custody ended, on the facility's clock too: an overdue alert stays open until acknowledged (null while in custody). */
  custodyEndedAt: string | null;
  custodyEndedLocal: string | null;
  acknowledgedAt: string | null;
  acknowledgedLocal: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}
