import { DateTime } from 'luxon';
import { z } from 'zod';
import { INSTANT_HINT, isoUtc, parseInstant } from './instant.js';

/**
 * One end of a reporting period: a local date (midnight of that day in each facility's own
 * calendar, so that "November" of an all-facilities report is each jail's November) or an
 * exact instant with an offset (the same instant for every facility). Pure.
 */
export type PeriodBound = { date: string } | { instant: Date };

export const BOUND_HINT = `a date YYYY-MM-DD (midnight in each facility's own time zone) or ${INSTANT_HINT}`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseBound(text: string): PeriodBound | null {
  if (DATE.test(text)) {
    const d = DateTime.fromISO(text, { zone: 'UTC' });
    return d.isValid && d.year >= 1900 && d.year < 2200 ? { date: text } : null;
  }
  const ms = parseInstant(text);
  return ms === null ? null : { instant: new Date(ms) };
}

export const isLocalBound = (b: PeriodBound): b is { date: string } => 'date' in b;

/** The bound as text: the date, or the instant in UTC (as Postgres reads it, and as a query string writes it back). */
export const boundText = (b: PeriodBound): string => (isLocalBound(b) ? b.date : isoUtc(b.instant)!);

/** The bound's instant in one time zone. */
export const boundAt = (b: PeriodBound, zone: string): DateTime => (isLocalBound(b) ? DateTime.fromISO(b.date, { zone }) : DateTime.fromJSDate(b.instant, { zone }));

/**
 * SQL for the bound as an instant of the facility whose zone is the expression `zone`; `param`
 * adds a query parameter and names it. Dates become that zone's midnight.
 */
export const boundSql = (b: PeriodBound, param: (v: unknown) => string, zone: string): string =>
  isLocalBound(b) ? `(${param(b.date)}::date::timestamp AT TIME ZONE ${zone})` : `${param(b.instant)}::timestamptz`;

/** A query field holding a period bound. */
export const boundField = z
  .string({ error: `must be ${BOUND_HINT}` })
  .refine((v) => parseBound(v) !== null, { message: `must be ${BOUND_HINT}` })
  .transform((v) => parseBound(v)!);

/**
 * Why `to` cannot end a period that `from` begins, or null: both of one kind, and later. A schema's
 * object check runs even when a field failed its own (it then holds the text as sent, or nothing):
 * that field's error is the one to give, so there is none here.
 */
export function periodError(from: PeriodBound | undefined, to: PeriodBound | undefined, fromField = 'from'): string | null {
  if (typeof from !== 'object' || typeof to !== 'object') return null;
  if (isLocalBound(from) !== isLocalBound(to)) return `must be of the same kind as ${fromField}: both dates or both instants`;
  const later = isLocalBound(from) && isLocalBound(to) ? to.date > from.date : (to as { instant: Date }).instant > (from as { instant: Date }).instant;
  return later ? null : `must be after ${fromField}`;
}

/** A query schema's check that its field `toField` ends the period `fromField` begins (periodError), reported on `toField`. */
export const checkPeriod =
  (fromField: string, toField: string) =>
  (q: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const error = periodError(q[fromField] as PeriodBound | undefined, q[toField] as PeriodBound | undefined, fromField);
    if (error) ctx.addIssue({ code: 'custom', message: error, path: [toField] });
  };
