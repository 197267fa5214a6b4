import { z } from 'zod';
import { boundField, checkPeriod } from '../common/period-bound.js';
import { quarterField } from '../common/quarter.js';

const format = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const complianceQuery = z
  .object({ facilityId: z.string().min(1).max(128).optional(), from: boundField, to: boundField, format: format(['json', 'csv', 'pdf'] as const).default('json') })
  .strict()
  .superRefine(checkPeriod('from', 'to'));

export const illinoisQuery = z
  .object({
    facilityId: z.string({ error: 'is required' }).min(1).max(128),
    year: z.coerce.number({ error: 'must be a year' }).int('must be a year').min(1990, 'must be a year from 1990').max(2200, 'must be a year before 2200'),
    format: format(['json', 'csv'] as const).default('json'),
  })
  .strict();

export const historyQuery = z.object({ facilityId: z.string().min(1).max(128).optional(), format: format(['json', 'csv', 'pdf'] as const).default('json') }).strict();

export const quarterlyQuery = z
  .object({
    facilityId: z.string().min(1).max(128).optional(),
    quarter: quarterField,
    format: format(['json', 'csv', 'pdf'] as const).default('json'),
    /** people: one CSV row per custody record of the quarter instead of the figures. */
    rows: z.enum(['people'], { error: 'must be people' }).optional(),
    /** With rows=people: the names the JMS sent, for roles that see them. */
    names: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .transform((v) => v === 'true')
      .default(false),
  })
  .strict();
