import { z } from 'zod';
import { pageLimit, required } from '../common/zod-validation.js';
import { NOTICE_STATUSES, SERVICE_METHODS } from './notice.entity.js';

const id = z
  .string({ error: required('must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');

export const noticesQuery = z
  .object({
    status: z.enum(NOTICE_STATUSES, { error: `must be one of ${NOTICE_STATUSES.join(', ')}` }).optional(),
    facilityId: id.optional(),
    bookingId: id.optional(),
    limit: pageLimit(),
  })
  .strict();
export type NoticesQuery = z.infer<typeof noticesQuery>;

export const servedBody = z
  .object({
    servedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with an offset or Z' }).optional(),
    servedBy: z
      .string({ error: required('must name who served it') })
      .trim()
      .min(1, 'must name who served it')
      .max(200, 'must be at most 200 characters'),
    language: z
      .string({ error: required('must name the language it was given in, e.g. es or Spanish') })
      .trim()
      .min(2, 'must name the language it was given in, e.g. es or Spanish')
      .max(64, 'must be at most 64 characters'),
    method: z.enum(SERVICE_METHODS, { error: required(`must be one of ${SERVICE_METHODS.join(', ')}`) }),
  })
  .strict();
export type ServedBody = z.infer<typeof servedBody>;
