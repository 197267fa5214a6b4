import { z } from 'zod';
import { DomainError } from './domain-error.js';

/** A zod error message: "is required" when the value is absent, `otherwise` when present but wrong. */
export const required = (otherwise: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : otherwise);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string Postgres could not store (a NUL, or an unpaired UTF-16 surrogate). */
export function unstorableTextAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') || LONE_SURROGATE.test(value) ? path : null;
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = unstorableTextAt(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

/** Parse a request part with a zod schema, or throw a validation error naming each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const bad = unstorableTextAt(value);
  if (bad) {
    throw DomainError.validation([{ field: prefix + (bad.length ? bad.join('.') : '(body)'), message: 'must be valid Unicode text: no NUL and no unpaired surrogate' }]);
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const at = (path: PropertyKey[]) => prefix + (path.length ? path.join('.') : '(body)');
  throw DomainError.validation(
    r.error.issues.flatMap((i) =>
      // An unknown field is named itself, not the object around it.
      i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ field: at([...i.path, k]), message: 'is not a known field' })) : [{ field: at(i.path), message: i.message }],
    ),
  );
}

const LIMIT = 'must be a whole number from 1 to 1000';
/** A list's page size: 1 to 1000, default 100. */
export const pageLimit = () => z.coerce.number({ error: LIMIT }).int(LIMIT).min(1, LIMIT).max(1000, LIMIT).default(100);
