import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type ErrorCode } from './domain-error.js';
import { sqlState } from './sql-state.js';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  database_unavailable: 503,
};

/**
 * Postgres and driver failures that mean "the database cannot be reached right now". Over a
 * Unix socket (DATABASE_URL with ?host=/var/run/postgresql), a stopped server has removed its
 * socket file, and connecting fails with ENOENT: that one counts only from `connect`, since a
 * missing file anywhere else is no database outage.
 */
export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; syscall?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(e.code)) return true;
  if (e.code === 'ENOENT' && e.syscall === 'connect') return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(e.message ?? '');
}

/**
 * The one place errors become HTTP answers: domain codes map to statuses, framework
 * HTTP errors keep theirs, anything else is a 500 whose details go to the log only.
 * Answers never carry stack traces.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    // A request refused before its body was read (a wrong key, say): close the connection after
    // the answer instead of reading what is left, which may be 16 MB.
    if (host.switchToHttp().getRequest<Request>().complete === false) res.setHeader('Connection', 'close');
    if (err instanceof DomainError) {
      res.status(STATUS[err.code]).json({ statusCode: STATUS[err.code], error: err.code, message: err.message, ...err.details });
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      const raw = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      let message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : JSON.stringify(raw);
      // Nest turns body-parser failures into 400/413 HttpExceptions: they are about the body as a whole.
      if (status === 400 && /JSON/i.test(message)) message = `not valid JSON (${message})`;
      const errors = status === 400 || status === 413 ? { errors: [{ field: 'body', message }] } : {};
      res.status(status).json({ statusCode: status, error: codeForStatus(status), message: status === 400 || status === 413 ? `body: ${message}` : message, ...errors });
      return;
    }
    // Express body-parser errors (bad JSON, too large, bad encoding) carry a status and a type.
    const bp = err as { status?: number; type?: string; message?: string };
    if (typeof bp?.status === 'number' && bp.status >= 400 && bp.status < 500) {
      const message = bp.type === 'entity.parse.failed' ? 'body: not valid JSON' : bp.type === 'entity.too.large' ? 'body: request body is too large' : (bp.message ?? 'bad request');
      res.status(bp.status).json({ statusCode: bp.status, error: codeForStatus(bp.status), message, errors: [{ field: 'body', message }] });
      return;
    }
    // Text Postgres cannot hold (NUL, bad encoding) that reached it through a path parameter.
    const pgCode = sqlState(err);
    if (pgCode === '22021' || pgCode === '22P05' || pgCode === '22P02') {
      const message = 'the request carries text or a value the database cannot take (e.g. a NUL character or a malformed id)';
      res.status(400).json({ statusCode: 400, error: 'validation_failed', message, errors: [{ field: '(request)', message }] });
      return;
    }
    if (isDatabaseDown(err)) {
      this.log.error(`database unavailable: ${(err as Error).message}`);
      res.status(503).json({ statusCode: 503, error: 'database_unavailable', message: 'The database is unavailable; nothing was stored. Retry later.' });
      return;
    }
    this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(500).json({ statusCode: 500, error: 'internal_error', message: 'Internal error; it has been logged.' });
  }
}

/** The status `HttpErrorFilter` answers for an error: the access log records it before the answer leaves. */
export function statusOf(err: unknown): number {
  if (err instanceof DomainError) return STATUS[err.code];
  if (err instanceof HttpException) return err.getStatus();
  const bp = err as { status?: number } | null;
  if (typeof bp?.status === 'number' && bp.status >= 400 && bp.status < 500) return bp.status;
  const pgCode = sqlState(err);
  if (pgCode === '22021' || pgCode === '22P05' || pgCode === '22P02') return 400;
  return isDatabaseDown(err) ? 503 : 500;
}

/** A status in the access log's words: `ok` below 400, else the error code answered with it. */
export function outcomeOf(status: number): string {
  return status < 400 ? 'ok' : codeForStatus(status);
}

function codeForStatus(status: number): string {
  const known = Object.entries(STATUS).find(([, s]) => s === status);
  return known ? known[0] : status >= 500 ? 'internal_error' : 'bad_request';
}
