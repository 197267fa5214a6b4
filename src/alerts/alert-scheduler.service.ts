import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { isoUtc } from '../common/instant.js';
import { Rederivation } from '../holds/rederivation.service.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { OversightSweep } from '../notices/oversight-sweep.service.js';
import { lateMargin, SweepService } from './sweep.service.js';
import { WebhooksService } from './webhooks.service.js';

export type JobName = 'alertSweep' | 'webhookDelivery' | 'oversightSweep' | 'rulesTakingEffect';

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
 * last success, or the process's start) for longer than the margin after which the sweep marks
 * an alert late (`lateMargin`). Pure.
 */
export function jobState(nowMs: number, intervalMs: number, sinceMs: number): JobHealth['state'] {
  if (intervalMs <= 0) return 'off';
  return nowMs - sinceMs > lateMargin(intervalMs) ? 'late' : 'ok';
}

interface JobRuns {
  intervalMs: number;
  succeeded: number | null;
  failed: number | null;
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
  private readonly runs = new Map<JobName, JobRuns>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sweep: SweepService,
    private readonly webhooks: WebhooksService,
    private readonly rederivation: Rederivation,
    private readonly oversight: OversightSweep,
    private readonly facilities: FacilitiesService,
  ) {
    this.startedAt = clock.now();
  }

  /** Sweeps start once stored holds are derived by this process's code (see Rederivation). */
  async onApplicationBootstrap(): Promise<void> {
    await this.rederivation.ensure();
    this.every('alertSweep', this.config.sweepIntervalMs, () => this.sweep.sweep());
    this.every('webhookDelivery', this.config.deliveryIntervalMs, () => this.webhooks.deliverDue());
    // Complaints and notices past due, at the alert sweep's pace.
    this.every('oversightSweep', this.config.sweepIntervalMs, () => this.oversight.sweep());
    // Rules dated to take effect later, once they have: their facilities judged again.
    this.every('rulesTakingEffect', this.config.sweepIntervalMs, () => this.facilities.applyRulesTakingEffect());
  }

  /** A job not started (before bootstrap) reports as off. */
  health(name: JobName): JobHealth {
    const run = this.runs.get(name) ?? { intervalMs: 0, succeeded: null, failed: null };
    return {
      state: jobState(this.clock.now(), run.intervalMs, run.succeeded ?? this.startedAt),
      intervalMs: run.intervalMs,
      lastSucceededAt: isoUtc(run.succeeded),
      lastFailedAt: isoUtc(run.failed),
    };
  }

  private every(name: JobName, ms: number, job: () => Promise<unknown>): void {
    const record: JobRuns = { intervalMs: Math.max(0, ms), succeeded: null, failed: null };
    this.runs.set(name, record);
    if (ms <= 0) return;
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
    this.registry.addInterval(
      name,
      setInterval(() => void run(), ms),
    );
    void run();
  }
}
