import { z } from 'zod';
import { pageLimit } from '../common/zod-validation.js';

export const reviewsQuery = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    limit: pageLimit(),
  })
  .strict();
export type ReviewsQuery = z.infer<typeof reviewsQuery>;

export const decisionBody = z
  .object({
    detainerId: z.string({ error: 'must be the detainerId of a detainer of this custody record' }).min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
    decision: z.enum(['honour', 'decline'], { error: 'must be honour or decline' }),
    basis: z.string({ error: 'must say, in words, why' }).trim().min(1, 'must say, in words, why').max(2000, 'must be at most 2000 characters'),
  })
  .strict();
export type DecisionBody = z.infer<typeof decisionBody>;

export interface ReviewItem {
  custodyId: string;
  facilityId: string;
  bookingId: string;
  personId: string | null;
  detainerId: string;
  form: string;
  warrant: string | null;
  lodgedAt: string;
  /** The custody record's status now: overdue means the person is held, unauthorised, while this waits. */
  status: string;
  /** What the criteria could not decide, and the discretion cases that apply. */
  unknown: string[];
  review: string[];
  met: string[];
  notMet: string[];
}
