import { Injectable, Logger, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Response } from 'express';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { DomainError } from '../common/domain-error.js';
import { outcomeOf, statusOf } from '../common/http-exception.filter.js';
import type { AccessEntry } from './audit.repository.js';
import { AuditService } from './audit.service.js';

export const ACCESS_ACTION = 'dm:access-action';
/** Write every call of this route to the access log (who, what, when, from where, and how it ended). */
export const LogAccess = (action: string) => SetMetadata(ACCESS_ACTION, action);

type LoggedRequest = AuthedRequest & { accessLoggedStatus?: number };

function entry(req: LoggedRequest, action: string, status: number, outcome = outcomeOf(status)): AccessEntry {
  return {
    apiKeyId: req.principal?.keyId ?? null,
    keyName: req.principal?.name ?? null,
    role: req.principal?.role ?? null,
    action,
    resource: req.originalUrl.slice(0, 2000),
    outcome,
    status,
    ip: req.ip ?? null,
    userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
  };
}

@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string>(ACCESS_ACTION, ctx.getHandler());
    if (!action) return next.handle();
    const req = ctx.switchToHttp().getRequest<LoggedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const record = (status: number, outcome?: string) => {
      req.accessLoggedStatus = status;
      return this.audit.logAccess(entry(req, action, status, outcome));
    };
    // The read is logged before its answer leaves: no answer without its log entry.
    return next.handle().pipe(
      mergeMap((value) => from(record(res.statusCode).then(() => value))),
      catchError((err: unknown) => from(record(statusOf(err), err instanceof DomainError ? err.code : undefined)).pipe(mergeMap(() => throwError(() => err)))),
    );
  }
}

/**
 * Express middleware, first in line, that writes to the access log what the interceptor cannot
 * see: a logged route's request refused before it ran (401, 403, 429 from the guards), one that
 * ended otherwise than logged (an answer that failed while being sent: a second entry, the log
 * being append-only), and on every other /api route each refusal (401, 403, 429) and failure (5xx).
 * A throttled address's or key's repeated 429s are logged once a window, not each.
 */
export function accessLogOfRefusals(audit: AuditService) {
  const log = new Logger('audit');
  return (req: LoggedRequest, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      const status = res.statusCode;
      if (status === req.accessLoggedStatus || req.accessQuiet) return;
      const refusedOrFailed = status === 401 || status === 403 || status === 429 || status >= 500;
      if (!req.accessAction && !(refusedOrFailed && req.originalUrl.startsWith('/api/'))) return;
      const action = req.accessAction ?? (status >= 500 ? 'request.failed' : 'request.refused');
      audit.logAccess(entry(req, action, status)).catch((err: Error) => log.error(`could not write the access log: ${err.message}`));
    });
    next();
  };
}
