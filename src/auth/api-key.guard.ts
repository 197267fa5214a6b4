import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_ACTION } from '../audit/access-log.interceptor.js';
import { DomainError } from '../common/domain-error.js';
import type { Role } from './api-key.entity.js';
import { Authenticator, type Authentication } from './authenticator.service.js';
import { PUBLIC_KEY, ROLES_KEY, type Principal } from './roles.decorator.js';

export type AuthedRequest = Request & {
  principal?: Principal;
  /** The key's check, begun before the body is read (see app.ts); the guard finishes it. */
  authentication?: Promise<Authentication>;
  /** The access log's name for this route (@LogAccess), known once the route is: refusals are logged under it. */
  accessAction?: string;
  /** A refusal the access log need not repeat (a throttled address's or key's every request after the first). */
  accessQuiet?: boolean;
};

/** Every route needs a key unless marked @Public; admin may do everything, others what @Roles names. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    req.accessAction = this.reflector.get<string>(ACCESS_ACTION, ctx.getHandler()) ?? undefined;
    const auth = await (req.authentication ?? this.authenticator.authenticate(req));
    if ('refusal' in auth) {
      if (auth.retryAfterSeconds) ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(auth.retryAfterSeconds));
      if (auth.firstOfWindow === false) req.accessQuiet = true;
      throw auth.refusal;
    }
    const principal = auth.principal;
    // Known before the role check, so that a refusal is logged with who was refused.
    req.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new DomainError('forbidden', `the "${principal.role}" role may not use this route`);
    }
    return true;
  }
}
