import { z } from 'zod';

/** A calendar quarter, `2025-Q1`: its year and number, and the one before. Pure. */
export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
}

export const QUARTER_HINT = 'a quarter as YYYY-Qn, e.g. 2025-Q1';

export function parseQuarter(text: string): Quarter | null {
  const m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  return year >= 1990 && year <= 2200 ? { year, q: Number(m[2]) as Quarter['q'] } : null;
}

export const quarterLabel = (x: Quarter) => `${x.year}-Q${x.q}`;
export const previousQuarter = (x: Quarter): Quarter => (x.q === 1 ? { year: x.year - 1, q: 4 } : { year: x.year, q: (x.q - 1) as Quarter['q'] });
export const nextQuarter = (x: Quarter): Quarter => (x.q === 4 ? { year: x.year + 1, q: 1 } : { year: x.year, q: (x.q + 1) as Quarter['q'] });

/** The quarter's first local day, `YYYY-MM-DD` (a wall-clock date: each facility's own midnight is applied in SQL). */
export const quarterStartDate = (x: Quarter) => `${x.year}-${String((x.q - 1) * 3 + 1).padStart(2, '0')}-01`;

/** A query field holding a quarter. */
export const quarterField = z
  .string({ error: `must be ${QUARTER_HINT}` })
  .refine((v) => parseQuarter(v) !== null, { message: `must be ${QUARTER_HINT}` })
  .transform((v) => parseQuarter(v)!);
