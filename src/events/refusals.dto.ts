import { z } from 'zod';
import { pageLimit, required } from '../common/zod-validation.js';

export const rejectedQuery = z
  .object({
    limit: pageLimit(),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor this API gave out')
      .optional(),
    state: z.enum(['open', 'all'], { error: 'must be "open" (not yet resent or dismissed) or "all"' }).default('all'),
  })
  .strict();

export const refusalParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,18}$/, 'is not the id of a refused event')
    .transform(Number),
});

const REASON = 'is required: say why this refused event needs no re-sending (at most 2000 characters)';
export const dismissBody = z
  .object({
    reason: z
      .string({ error: required(REASON) })
      .trim()
      .min(1, REASON)
      .max(2000, 'must be at most 2000 characters'),
  })
  .strict();

/** The corrected event, one object, sent through the same checks as POST /api/events. */
export const resendBody = z.object({ event: z.record(z.string(), z.unknown(), { error: required('must be one event object') }) }).strict();
