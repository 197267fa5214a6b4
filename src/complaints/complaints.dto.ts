import { z } from 'zod';
import { boundField, checkPeriod } from '../common/period-bound.js';
import { pageLimit, required } from '../common/zod-validation.js';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATES, FINDINGS, RECEIVED_VIA } from './complaint.entity.js';

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: required(`must be one of ${values.join(', ')}`) });
const id = z
  .string({ error: required('must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');

export const fileComplaintBody = z
  .object({
    facilityId: id,
    bookingId: id.optional(),
    personId: id.optional(),
    category: oneOf(COMPLAINT_CATEGORIES),
    receivedVia: oneOf(RECEIVED_VIA),
    narrative: z
      .string({ error: required('must say what happened') })
      .trim()
      .min(1, 'must say what happened')
      .max(10000, 'must be at most 10000 characters'),
  })
  .strict();
export type FileComplaintBody = z.infer<typeof fileComplaintBody>;

export const transitionBody = z
  .object({
    to: oneOf(COMPLAINT_STATES),
    finding: oneOf(FINDINGS).optional(),
    response: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(10000, 'must be at most 10000 characters').optional(),
  })
  .strict();
export type TransitionBody = z.infer<typeof transitionBody>;

export const complaintsQuery = z
  .object({
    facilityId: id.optional(),
    bookingId: id.optional(),
    personId: id.optional(),
    state: oneOf(COMPLAINT_STATES).optional(),
    limit: pageLimit(),
  })
  .strict();
export type ComplaintsQuery = z.infer<typeof complaintsQuery>;

export const complaintCountsQuery = z
  .object({
    facilityId: id.optional(),
    from: boundField,
    to: boundField,
  })
  .strict()
  .superRefine(checkPeriod('from', 'to'));
export type ComplaintCountsQuery = z.infer<typeof complaintCountsQuery>;
