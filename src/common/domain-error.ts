/** Errors of the domain carry a code and no HTTP knowledge; the exception filter maps codes to statuses. */
export const ERROR_CODES = [
  'validation_failed',
  'not_found',
  'conflict',
  'unauthenticated',
  'forbidden',
  'payload_too_large',
  'unsupported_media_type',
  'database_unavailable',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields merged into the error body (field errors, ingestion counts). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(errors: FieldProblem[], extra: Record<string, unknown> = {}): DomainError {
    const message = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new DomainError('validation_failed', message, { errors, ...extra });
  }

  /** A request that conflicts with what is stored, naming the field (409). */
  static conflict(field: string, message: string): DomainError {
    return new DomainError('conflict', `${field}: ${message}`, { errors: [{ field, message }] });
  }

  static notFound(what: string): DomainError {
    return new DomainError('not_found', `${what} not found`);
  }
}
