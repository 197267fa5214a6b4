import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { DomainError } from '../common/domain-error.js';
import { AuditService } from './audit.service.js';

const ACCESS_ACTION = 'dm:access-action';
/** Write every call of this route to the access log (who, what, when, from where, and how it ended). */
export const LogAccess = (action: string) => SetMetadata(ACCESS_ACTION, action);

@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<string>(ACCESS_ACTION, ctx.getHandler());
    if (!action) return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const record = (outcome: string) =>
      this.audit.logAccess({
        apiKeyId: req.principal?.keyId ?? null, keyName: req.principal?.name ?? null, role: req.principal?.role ?? null,
        action, resource: req.originalUrl.slice(0, 2000), outcome, ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
      });
    // The read is logged before its answer leaves: no answer without its log entry.
    return next.handle().pipe(
      mergeMap((value) => from(record('ok').then(() => value))),
      catchError((err: unknown) => from(record(err instanceof DomainError ? err.code : 'error')).pipe(mergeMap(() => throwError(() => err)))),
    );
  }
}
