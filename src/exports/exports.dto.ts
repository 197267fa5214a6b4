import { z } from 'zod';
import { required } from '../common/zod-validation.js';

const instant = z.iso.datetime({ offset: true, error: required('must be an ISO 8601 instant with an offset or Z') });
const period = {
  facilityId: z
    .string({ error: required('must be a facility id') })
    .trim()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters'),
  from: instant,
  to: instant,
};
const ordered = (q: { from: string; to: string }) => Date.parse(q.from) < Date.parse(q.to);

export const reconciliationQuery = z
  .object({ ...period, format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json') })
  .strict()
  .refine(ordered, { path: ['to'], message: 'must be after from' });
export type ReconciliationQuery = z.infer<typeof reconciliationQuery>;

export const publicRecordsQuery = z
  .object({ ...period, format: z.enum(['json', 'csv', 'pdf'], { error: 'must be json, csv or pdf' }).default('csv') })
  .strict()
  .refine(ordered, { path: ['to'], message: 'must be after from' });
export type PublicRecordsQuery = z.infer<typeof publicRecordsQuery>;
