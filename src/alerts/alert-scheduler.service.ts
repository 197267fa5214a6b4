import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { isoUtc } from '../common/instant.js';
import { SweepService } from './sweep.service.js';
import { WebhooksService } from './webhooks.service.js';

export type JobName = 'alertSweep' | 'webhookDelivery';

/** A timed job as health reports it. */
export interface JobHealth {
  /** `off`: not run by this process (interval 0); `late`: no run has succeeded for too long (see `jobState`). */
  state: 'off' | 'ok' | 'late';
  intervalMs: number;
  lastSucceededAt: string | null;
  lastFailedAt: string | null;
}

/**
 * Whether a job every `intervalMs` is late at `nowMs`: nothing has succeeded since `sinceMs` (its
 * last success, or the process's start) for two intervals and at least two minutes, the margin
 * after which the sweep marks an alert late. Pure.
 */
export function jobState(nowMs: number, intervalMs: number, sinceMs: number): JobHealth['state'] {
  if (intervalMs <= 0) return 'off';
  return nowMs - sinceMs > Math.max(2 * intervalMs, 120_000) ? 'late' : 'ok';
}

/**
 * Runs the sweep and the webhook deliveries on timers (@nestjs/schedule), never two of a kind at
 * once in one process, and remembers when each last succeeded and failed (GET /api/health says
 * so: a sweep that keeps failing means alerts are not being raised).
 */
@Injectable()
export class AlertScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger('scheduler');
  private readonly busy = new Set<string>();
  private readonly startedAt: number;
  private readonly runs = new Map<JobName, { succeeded: number | null; failed: number | null }>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sweep: SweepService,
    private readonly webhooks: WebhooksService,
  ) {
    this.startedAt = clock.now();
  }

  onApplicationBootstrap(): void {
    this.every('alertSweep', this.config.sweepIntervalMs, () => this.sweep.sweep());
    this.every('webhookDelivery', this.config.deliveryIntervalMs, () => this.webhooks.deliverDue());
  }

  health(name: JobName): JobHealth {
    const intervalMs = name === 'alertSweep' ? this.config.sweepIntervalMs : this.config.deliveryIntervalMs;
    const run = this.runs.get(name) ?? { succeeded: null, failed: null };
    return {
      state: jobState(this.clock.now(), intervalMs, run.succeeded ?? this.startedAt),
      intervalMs: Math.max(0, intervalMs),
      lastSucceededAt: isoUtc(run.succeeded),
      lastFailedAt: isoUtc(run.failed),
    };
  }

  private every(name: JobName, ms: number, job: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const record = { succeeded: null as number | null, failed: null as number | null };
    this.runs.set(name, record);
    const run = async () => {
      if (this.busy.has(name)) return;
      this.busy.add(name);
      try {
        await job();
        record.succeeded = this.clock.now();
      } catch (err) {
        // The database may be away; the next tick tries again and a late sweep marks what it raises late.
        record.failed = this.clock.now();
        this.log.warn(`${name} failed: ${(err as Error).message}`);
      } finally {
        this.busy.delete(name);
      }
    };
    this.registry.addInterval(name, setInterval(run, ms));
    void run();
  }
}
