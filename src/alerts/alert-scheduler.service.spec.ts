import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../app-config.js';
import { FixedClock } from '../common/clock.js';
import type { FacilitiesService } from '../facilities/facilities.service.js';
import type { OversightSweep } from '../notices/oversight-sweep.service.js';
import { AlertScheduler, jobState } from './alert-scheduler.service.js';
import type { SweepService } from './sweep.service.js';
import type { WebhooksService } from './webhooks.service.js';
import type { Rederivation } from '../holds/rederivation.service.js';

const derived = { ensure: () => Promise.resolve(null) } as unknown as Rederivation;

describe('jobState: when a timed job counts as late', () => {
  const MIN = 60_000;
  it.each([
    ['off when not run here', 0, 10 * MIN, 'off'],
    ['a minute sweep: on time two minutes after its last success', MIN, 2 * MIN, 'ok'],
    ['a minute sweep: late a millisecond after that', MIN, 2 * MIN + 1, 'late'],
    ['a 5-second job: still two minutes, not ten seconds', 5_000, 2 * MIN, 'ok'],
    ['a 5-second job: late after two minutes', 5_000, 2 * MIN + 1, 'late'],
    ['an hourly job: two intervals', 60 * MIN, 120 * MIN, 'ok'],
    ['an hourly job: late after two intervals', 60 * MIN, 120 * MIN + 1, 'late'],
  ] as const)('%s', (_what, interval, elapsed, expected) => {
    const since = Date.parse('2026-11-24T12:00:00Z');
    expect(jobState(since + elapsed, interval, since)).toBe(expected);
  });
});

const noOversight = { sweep: () => Promise.resolve([]) } as unknown as OversightSweep;
const noRulesDue = { applyRulesTakingEffect: () => Promise.resolve([]) } as unknown as FacilitiesService;

describe('AlertScheduler remembers when each job last succeeded and failed', () => {
  it('a sweep that fails is recorded, and is late two intervals after the start; so is a delivery that succeeded once', async () => {
    const clock = new FixedClock(Date.parse('2026-11-24T12:00:00.000Z'));
    const registry = new SchedulerRegistry();
    const config = new AppConfig({ sweepIntervalMs: 3_600_000, deliveryIntervalMs: 3_600_000 });
    const sweep = { sweep: () => Promise.reject(new Error('relation "alert_schedule" does not exist')) } as unknown as SweepService;
    const webhooks = { deliverDue: () => Promise.resolve(0) } as unknown as WebhooksService;
    const scheduler = new AlertScheduler(registry, config, clock, sweep, webhooks, derived, noOversight, noRulesDue);
    Logger.overrideLogger(false); // the failure's warning is expected here
    try {
      await scheduler.onApplicationBootstrap(); // each job runs once at once, then hourly
      await new Promise((r) => setImmediate(r));
      expect(scheduler.health('alertSweep')).toEqual({ state: 'ok', intervalMs: 3_600_000, lastSucceededAt: null, lastFailedAt: '2026-11-24T12:00:00.000Z' });
      expect(scheduler.health('webhookDelivery')).toEqual({ state: 'ok', intervalMs: 3_600_000, lastSucceededAt: '2026-11-24T12:00:00.000Z', lastFailedAt: null });
      clock.advance(2 * 3_600_000 + 1);
      expect(scheduler.health('alertSweep').state).toBe('late');
      expect(scheduler.health('webhookDelivery').state).toBe('late');
    } finally {
      for (const name of registry.getIntervals()) clearInterval(registry.getInterval(name));
    }
  });
});

describe('AlertScheduler starts sweeping only once stored holds are derived by this code', () => {
  it('waits for the derivation, then sweeps at once', async () => {
    const registry = new SchedulerRegistry();
    const config = new AppConfig({ sweepIntervalMs: 3_600_000, deliveryIntervalMs: 0 });
    const swept: string[] = [];
    const sweep = { sweep: () => Promise.resolve(swept.push('swept')) } as unknown as SweepService;
    let finish!: () => void;
    const derivation = new Promise<null>((resolve) => (finish = () => resolve(null)));
    const rederivation = { ensure: () => derivation } as unknown as Rederivation;
    const scheduler = new AlertScheduler(registry, config, new FixedClock(0), sweep, {} as WebhooksService, rederivation, noOversight, noRulesDue);
    try {
      const started = scheduler.onApplicationBootstrap();
      await new Promise((r) => setImmediate(r));
      expect(swept).toEqual([]);
      expect(registry.getIntervals()).toEqual([]);
      finish();
      await started;
      expect(swept).toEqual(['swept']);
      // The oversight sweep and rules taking effect keep the alert sweep's pace; no delivery (interval 0).
      expect(registry.getIntervals()).toEqual(['alertSweep', 'oversightSweep', 'rulesTakingEffect']);
    } finally {
      for (const name of registry.getIntervals()) clearInterval(registry.getInterval(name));
    }
  });
});
