/**
 * The SQLSTATE of a database error, or undefined: TypeORM wraps the driver's error (as
 * `driverError`); a statement sent on the driver's own client (the log's COPY) is not wrapped.
 */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
