import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../app-config.js';
import { SweepService } from './sweep.service.js';
import { WebhooksService } from './webhooks.service.js';

/** Runs the sweep and the webhook deliveries on timers (@nestjs/schedule), never two of a kind at once in one process. */
@Injectable()
export class AlertScheduler implements OnApplicationBootstrap {
  private readonly log = new Logger('scheduler');
  private readonly busy = new Set<string>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly config: AppConfig,
    private readonly sweep: SweepService,
    private readonly webhooks: WebhooksService,
  ) {}

  onApplicationBootstrap(): void {
    this.every('alert-sweep', this.config.sweepIntervalMs, () => this.sweep.sweep());
    this.every('webhook-delivery', this.config.deliveryIntervalMs, () => this.webhooks.deliverDue());
  }

  private every(name: string, ms: number, job: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const run = async () => {
      if (this.busy.has(name)) return;
      this.busy.add(name);
      try {
        await job();
      } catch (err) {
        // The database may be away; the next tick tries again and a late sweep marks what it raises late.
        this.log.warn(`${name} failed: ${(err as Error).message}`);
      } finally {
        this.busy.delete(name);
      }
    };
    this.registry.addInterval(name, setInterval(run, ms));
    void run();
  }
}
