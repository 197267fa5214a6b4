import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import type { Role } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { PUBLIC_KEY, ROLES_KEY, type Principal } from './roles.decorator.js';

export type AuthedRequest = Request & { principal?: Principal };

/** Every route needs a key unless marked @Public; admin may do everything, others what @Roles names. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new DomainError('unauthenticated', 'Authorization: Bearer <api key> is required');
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) throw new DomainError('unauthenticated', 'the API key is unknown, revoked or expired');
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new DomainError('forbidden', `the "${principal.role}" role may not use this route`);
    }
    req.principal = principal;
    return true;
  }
}
