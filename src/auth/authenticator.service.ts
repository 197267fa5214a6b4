import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { ApiKeysService } from './api-keys.service.js';
import type { Principal } from './roles.decorator.js';

const WINDOW_MS = 60_000;

/** Who a request comes from, or why it may not say. */
export type Authentication = { principal: Principal } | { refusal: DomainError; retryAfterSeconds?: number; firstOfWindow?: boolean };

/**
 * Reads the API key of a request and says whose it is. Failed attempts (no key, an unknown,
 * revoked or expired one) are counted per client address: past `authFailuresPerMinute` in a
 * minute, every request from that address is answered 429 with Retry-After until the minute
 * ends, without looking at its key, so guessing keys costs a minute per few guesses. Per
 * process and in memory, like the per-key rate limit. The socket's address is used (Express's
 * `trust proxy` is off, so X-Forwarded-For cannot move a guesser to another address).
 */
@Injectable()
export class Authenticator {
  private readonly log = new Logger('auth');
  private failures = new Map<string, { start: number; count: number; throttled: boolean }>();

  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async authenticate(req: Request): Promise<Authentication> {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const limit = this.config.authFailuresPerMinute;
    const now = this.clock.now();
    let w = this.failures.get(address);
    if (w && now - w.start >= WINDOW_MS) {
      this.failures.delete(address);
      w = undefined;
    }
    if (limit > 0 && w && w.count >= limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
      const firstOfWindow = !w.throttled;
      if (firstOfWindow) this.log.warn(`authentication from ${address} throttled for ${retryAfterSeconds} s after ${w.count} failures`);
      w.throttled = true;
      return { refusal: new DomainError('rate_limited', `too many failed authentications from this address; retry in ${retryAfterSeconds} s`), retryAfterSeconds, firstOfWindow };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const principal = match ? await this.keys.authenticate(match[1]) : null;
    if (principal) return { principal };
    if (limit > 0) {
      if (!w) {
        if (this.failures.size > 100_000) this.failures = new Map(); // bounded memory under a flood of addresses
        w = { start: now, count: 0, throttled: false };
        this.failures.set(address, w);
      }
      w.count++;
    }
    this.log.warn(`authentication failed from ${address}: ${match ? 'unknown, revoked or expired key' : 'no key'}`);
    return { refusal: new DomainError('unauthenticated', match ? 'the API key is unknown, revoked or expired' : 'Authorization: Bearer <api key> is required') };
  }
}
