import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { AuthedRequest } from './api-key.guard.js';

const WINDOW_MS = 60_000;

/**
 * At most `rateLimitPerMinute` requests per API key per minute (fixed windows, per process).
 * Hand-written because @nestjs/throttler is CommonJS and cannot load Nest 12 (ES modules) under
 * Jest on Node 20. Runs after ApiKeyGuard, so it counts by key; unauthenticated routes by address.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const limit = this.config.rateLimitPerMinute;
    if (limit <= 0) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const who = req.principal?.keyId ?? `ip:${req.ip ?? 'unknown'}`;
    const now = this.clock.now();
    let w = this.windows.get(who);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size > 100_000) this.windows = new Map(); // bounded memory under a flood of addresses
      w = { start: now, count: 0 };
      this.windows.set(who, w);
    }
    w.count++;
    const res = ctx.switchToHttp().getResponse<Response>();
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - w.count)));
    if (w.count > limit) {
      const retry = Math.ceil((w.start + WINDOW_MS - now) / 1000);
      res.setHeader('Retry-After', String(retry));
      // The access log keeps the first refusal of a window, not a flood of them.
      if (w.count > limit + 1) req.accessQuiet = true;
      throw new DomainError('rate_limited', `at most ${limit} requests a minute for this API key; retry in ${retry} s`);
    }
    return true;
  }
}
