import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import type { AlertScheduler } from '../alerts/alert-scheduler.service.js';
import type { SweepService } from '../alerts/sweep.service.js';
import type { Rederivation } from '../holds/rederivation.service.js';
import { HealthController } from './health.controller.js';

describe('HealthController: requests that arrive while a probe runs share it', () => {
  it('twenty requests at once make one probe of the database; the next request probes again', async () => {
    const off = { state: 'off', intervalMs: 0, lastSucceededAt: null, lastFailedAt: null };
    let probes = 0;
    let answer!: () => void;
    const ds = { showMigrations: () => Promise.resolve(false) } as unknown as DataSource;
    const scheduler = { health: () => off } as unknown as AlertScheduler;
    const sweep = {
      backlog: () => {
        probes++;
        return new Promise((resolve) => (answer = () => resolve({ state: 'ok', oldestDueAt: null })));
      },
    } as unknown as SweepService;
    const derivation = { state: 'ok', thisProcess: 'derivation 1, tzdata 2025c', database: 'derivation 1, tzdata 2025c' };
    const rederivation = { state: () => Promise.resolve(derivation) } as unknown as Rederivation;
    const controller = new HealthController(ds, scheduler, sweep, rederivation);
    const codes: number[] = [];
    const res = { status: (c: number) => codes.push(c) } as unknown as Response;

    const answers = Array.from({ length: 20 }, () => controller.health(res));
    for (let i = 0; probes === 0 && i < 100; i++) await Promise.resolve(); // the first probe reaches the sweep's query
    expect(probes).toBe(1);
    answer();
    const bodies = await Promise.all(answers);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toEqual({ status: 'ok', database: 'up', migrations: 'applied', alertSweep: off, webhookDelivery: off, alertsDue: { state: 'ok', oldestDueAt: null }, derivation });
    expect(codes).toEqual(Array(20).fill(200));

    const again = controller.health(res);
    for (let i = 0; probes === 1 && i < 100; i++) await Promise.resolve();
    expect(probes).toBe(2);
    answer();
    await again;
  });
});
