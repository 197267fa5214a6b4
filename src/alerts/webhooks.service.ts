import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { oversightAlertView } from '../notices/oversight-alert-view.js';
import { toAlertView } from './alert-view.js';
import { AlertsRepository, type DeliveryClaim } from './alerts.repository.js';
import { SecretBox } from './secret-box.js';
import { WebhookTargetRefused, WebhookTargets } from './webhook-target.js';

export const SIGNATURE_HEADER = 'x-detainer-signature';
export const TIMESTAMP_HEADER = 'x-detainer-timestamp';
export const DELIVERY_HEADER = 'x-detainer-delivery';

/** v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>, as receivers recompute it. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What the delivery log says of an attempt that got no HTTP answer: the same whatever the cause, so it cannot map ports. */
export const NO_ANSWER = 'no HTTP answer (connection failed or timed out)';
export const SECRET_UNREADABLE = 'not attempted: the webhook secret cannot be opened with this WEBHOOK_SECRET_KEY (or key file)';
export const REFUSED_TARGET = 'not attempted: the host resolves to an address webhooks may not reach (WEBHOOK_ALLOW_HOSTS)';

/** A URL as shown back: without credentials, which old rows may carry (new ones are refused). */
const shownUrl = (raw: string) => {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return raw;
  }
};

/** 5 s, 10 s, 20 s ... capped at one hour: a receiver that is down for a day still gets everything. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly log = new Logger('webhooks');
  static readonly LEASE_MS = 60_000;
  /** No answer in this time is a failed attempt (tests shorten it). */
  static TIMEOUT_MS = 10_000;
  private readonly targets: WebhookTargets;
  private readonly box: SecretBox;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.targets = new WebhookTargets(config.webhookAllowHosts);
    this.box = SecretBox.fromConfig(config);
  }

  /** Seal the secrets stored in clear before they were sealed (once; idempotent, safe with several instances). */
  async onApplicationBootstrap(): Promise<void> {
    const clear = await this.alerts.webhooksWithClearSecrets();
    for (const w of clear) await this.alerts.replaceSecret(w.id, w.secret, this.box.seal(w.secret));
    if (clear.length > 0) this.log.log(`sealed the secrets of ${clear.length} webhook(s) stored in clear`);
  }

  async create(facilityId: string, body: { url: string; secret?: string }) {
    if (!(await this.facilities.find(facilityId))) throw DomainError.notFound(`facility "${facilityId}"`);
    try {
      await this.targets.check(new URL(body.url));
    } catch (err) {
      if (err instanceof WebhookTargetRefused) throw DomainError.validation([{ field: 'url', message: err.message }]);
      throw err;
    }
    const webhook = { id: randomUUID(), facilityId, url: body.url, secret: body.secret ?? `whsec_${randomBytes(24).toString('base64url')}`, createdAt: new Date(this.clock.now()) };
    await this.alerts.createWebhook({ ...webhook, secret: this.box.seal(webhook.secret) });
    return { id: webhook.id, facilityId, url: webhook.url, secret: webhook.secret, createdAt: isoUtc(webhook.createdAt) };
  }

  async list(facilityId: string) {
    const rows = await this.alerts.listWebhooks(facilityId);
    return rows.map((w) => ({ id: w.id, facilityId: w.facility_id, url: shownUrl(w.url), createdAt: isoUtc(w.created_at), disabledAt: isoUtc(w.disabled_at) }));
  }

  async disable(id: string) {
    if (!z.uuid().safeParse(id).success || !(await this.alerts.disableWebhook(id, new Date(this.clock.now())))) throw DomainError.notFound(`webhook "${id}"`);
    return { id, disabled: true };
  }

  async deliveries(id: string) {
    if (!z.uuid().safeParse(id).success) throw DomainError.notFound(`webhook "${id}"`);
    const rows = await this.alerts.deliveries(id, 500);
    return {
      items: rows.map((d) => ({
        id: d.id,
        alertId: d.alert_id,
        oversightAlertId: d.oversight_alert_id ?? null,
        state: d.state,
        attempts: d.attempts,
        nextAttemptAt: isoUtc(d.next_attempt_at as Date),
        lastAttemptAt: isoUtc(d.last_attempt_at as Date | null),
        lastStatus: d.last_status,
        lastError: d.last_error,
        deliveredAt: isoUtc(d.delivered_at as Date | null),
        createdAt: isoUtc(d.created_at as Date),
      })),
    };
  }

  /** Attempt every delivery that is due; returns how many were delivered and how many failed. */
  async deliverDue(): Promise<{ delivered: number; failed: number }> {
    const result = { delivered: 0, failed: 0 };
    for (;;) {
      const claims = await this.alerts.claimDeliveries(new Date(this.clock.now()), WebhooksService.LEASE_MS, 50);
      if (claims.length === 0) return result;
      const outcomes = await Promise.all(claims.map((c) => this.attempt(c)));
      for (const ok of outcomes) {
        if (ok) result.delivered++;
        else result.failed++;
      }
      if (claims.length < 50) return result;
    }
  }

  private async attempt(claim: DeliveryClaim): Promise<boolean> {
    const body = JSON.stringify(deliveryBody(claim));
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    let secret: string | null = null;
    try {
      secret = this.box.open(claim.secret);
    } catch {
      error = SECRET_UNREADABLE;
      this.log.error(`delivery ${claim.id}: ${SECRET_UNREADABLE}`);
    }
    if (secret !== null) {
      try {
        status = await this.post(claim.url, body, {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signature(secret, timestamp, body),
          [DELIVERY_HEADER]: String(claim.id),
        });
        if (status < 200 || status > 299) error = `HTTP ${status}`;
      } catch (err) {
        // The cause stays in the server's log; the delivery log says only that no answer came.
        error = err instanceof WebhookTargetRefused ? REFUSED_TARGET : NO_ANSWER;
        this.log.warn(`delivery ${claim.id}: ${(err as Error).message.slice(0, 200)}`);
      }
    }
    const now = this.clock.now();
    const ok = error === null;
    await this.alerts.recordDelivery(claim.id, { ok, status, error, now: new Date(now), nextAttemptAt: new Date(ok ? now : now + backoffMs(claim.attempts)) });
    if (!ok) this.log.warn(`delivery ${claim.id} failed (attempt ${claim.attempts}): ${error}`);
    return ok;
  }

  /**
   * POST and answer the status. The target is checked as at creation (the allowlist may have
   * changed, a name may resolve elsewhere now), then resolved again in the lookup that connects,
   * which refuses a forbidden address too: a name that answers a public address to the check and
   * a private one to the connection (DNS rebinding) gets nowhere. Redirects are not followed (a
   * 3xx is a failed attempt).
   */
  private async post(rawUrl: string, body: string, headers: Record<string, string>): Promise<number> {
    const url = new URL(rawUrl);
    await this.targets.check(url);
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: this.targets.lookupFor(url),
      });
      const timer = setTimeout(() => req.destroy(new Error('timed out')), WebhooksService.TIMEOUT_MS);
      req.on('error', fail);
      req.on('response', (res) => {
        // The answer's body is not needed: read and drop it, so the connection is freed.
        res.resume();
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve(res.statusCode ?? 0);
        });
      });
      req.end(body);
    });
  }
}

/** What a delivery posts: a custody alert, or an oversight alert (a complaint or a notice past due). */
function deliveryBody(claim: DeliveryClaim) {
  if (claim.alert) return { type: 'alert', deliveryId: String(claim.id), alert: toAlertView(claim.alert) };
  return { type: 'oversight_alert', deliveryId: String(claim.id), oversightAlert: oversightAlertView(claim.oversight!) };
}
