import type { z } from 'zod';
import { DomainError } from './domain-error.js';

/** Parse a request part with a zod schema, or throw a validation error naming each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw DomainError.validation(
    r.error.issues.map((i) => ({ field: prefix + (i.path.length ? i.path.join('.') : '(body)'), message: i.message })),
  );
}
