import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { AlertsRepository } from './alerts.repository.js';

export interface SweepResult {
  raised: number;
  /** Overdue alerts still unacknowledged that rose to escalated (the same alert). */
  escalated: number;
  late: number;
  claimed: number;
  ms: number;
}

/** How long past due a job every `intervalMs` counts as late: two intervals, at least two minutes. */
export const lateMargin = (intervalMs: number) => Math.max(2 * intervalMs, 120_000);

/**
 * Raises the alerts that are due. Safe to run on several instances at once: each claims
 * different due rows (FOR UPDATE SKIP LOCKED) and alerts are unique per hold, level,
 * threshold and deadline. Its cost follows the rows that are due, not the number of holds.
 */
@Injectable()
export class SweepService {
  private readonly log = new Logger('sweep');
  static readonly STEP = 5_000;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** An alert raised more than this after it was due is marked late (see `lateMargin`). */
  get lateAfterMs(): number {
    return lateMargin(this.config.sweepIntervalMs);
  }

  /**
   * Whether due alerts wait unraised, by the database (so across every instance): `late` when the
   * oldest has waited longer than `lateAfterMs`, as when every instance's sweep is stuck, failing
   * or switched off.
   */
  async backlog(): Promise<{ state: 'ok' | 'late'; oldestDueAt: string | null }> {
    const now = this.clock.now();
    const since = await this.alerts.oldestDue(new Date(now));
    return { state: since !== null && now - since.getTime() > this.lateAfterMs ? 'late' : 'ok', oldestDueAt: since?.toISOString() ?? null };
  }

  async sweep(): Promise<SweepResult> {
    const started = performance.now();
    const now = new Date(this.clock.now());
    const result: SweepResult = { raised: 0, escalated: 0, late: 0, claimed: 0, ms: 0 };
    for (;;) {
      const step = await this.alerts.sweepStep(now, this.lateAfterMs, SweepService.STEP);
      result.claimed += step.claimed;
      result.raised += step.raised;
      result.late += step.late;
      result.escalated += step.escalated;
      if (step.claimed < SweepService.STEP) break;
    }
    result.ms = performance.now() - started;
    if (result.raised + result.escalated > 0)
      this.log.log(`raised ${result.raised} alert(s)${result.late ? `, ${result.late} late` : ''}, escalated ${result.escalated}, in ${result.ms.toFixed(1)} ms`);
    return result;
  }
}
