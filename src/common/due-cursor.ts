import { z } from 'zod';
import { DomainError } from './domain-error.js';

/**
 * The cursor of a list ordered by an instant (a deadline, when authority ends; 'infinity' for
 * none) and an id: opaque to callers, checked when it comes back.
 */
const shape = z.object({ d: z.string(), i: z.uuid() });

export const encodeDueCursor = (due: Date | string | null, id: string): string =>
  Buffer.from(JSON.stringify({ d: due === null ? 'infinity' : due instanceof Date ? due.toISOString() : due, i: id })).toString('base64url');

export function decodeDueCursor(cursor: string): { due: string; id: string } {
  try {
    const c = shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (c.d !== 'infinity' && Number.isNaN(Date.parse(c.d))) throw new Error('bad instant');
    return { due: c.d, id: c.i };
  } catch {
    throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor this API gave out; pass nextCursor from the previous page' }]);
  }
}
