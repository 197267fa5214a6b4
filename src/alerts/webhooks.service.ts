import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { toAlertView } from './alert-view.js';
import { AlertsRepository, type DeliveryClaim } from './alerts.repository.js';

export const SIGNATURE_HEADER = 'x-detainer-signature';
export const TIMESTAMP_HEADER = 'x-detainer-timestamp';
export const DELIVERY_HEADER = 'x-detainer-delivery';

/** v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>, as receivers recompute it. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** 5 s, 10 s, 20 s ... capped at one hour: a receiver that is down for a day still gets everything. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

@Injectable()
export class WebhooksService {
  private readonly log = new Logger('webhooks');
  static readonly LEASE_MS = 60_000;
  static readonly TIMEOUT_MS = 10_000;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly clock: Clock,
  ) {}

  async create(facilityId: string, body: { url: string; secret?: string }) {
    if (!(await this.facilities.find(facilityId))) throw DomainError.notFound(`facility "${facilityId}"`);
    const webhook = { id: randomUUID(), facilityId, url: body.url, secret: body.secret ?? `whsec_${randomBytes(24).toString('base64url')}`, createdAt: new Date(this.clock.now()) };
    await this.alerts.createWebhook(webhook);
    return { id: webhook.id, facilityId, url: webhook.url, secret: webhook.secret, createdAt: isoUtc(webhook.createdAt) };
  }

  async list(facilityId: string) {
    const rows = await this.alerts.listWebhooks(facilityId);
    return rows.map((w) => ({ id: w.id, facilityId: w.facility_id, url: w.url, createdAt: isoUtc(w.created_at), disabledAt: isoUtc(w.disabled_at) }));
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
        id: d.id, alertId: d.alert_id, state: d.state, attempts: d.attempts, nextAttemptAt: isoUtc(d.next_attempt_at as Date),
        lastAttemptAt: isoUtc(d.last_attempt_at as Date | null), lastStatus: d.last_status, lastError: d.last_error,
        deliveredAt: isoUtc(d.delivered_at as Date | null), createdAt: isoUtc(d.created_at as Date),
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
      for (const ok of outcomes) ok ? result.delivered++ : result.failed++;
      if (claims.length < 50) return result;
    }
  }

  private async attempt(claim: DeliveryClaim): Promise<boolean> {
    const body = JSON.stringify({ type: 'alert', deliveryId: String(claim.id), alert: toAlertView(claim.alert) });
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(claim.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(claim.secret, timestamp, body), [DELIVERY_HEADER]: String(claim.id) },
        body,
        signal: AbortSignal.timeout(WebhooksService.TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    const now = this.clock.now();
    const ok = error === null;
    await this.alerts.recordDelivery(claim.id, { ok, status, error, now: new Date(now), nextAttemptAt: new Date(ok ? now : now + backoffMs(claim.attempts)) });
    if (!ok) this.log.warn(`delivery ${claim.id} failed (attempt ${claim.attempts}): ${error}`);
    return ok;
  }
}
