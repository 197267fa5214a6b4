/**
 * GET /api/health says when this process's alert sweep last succeeded, and turns "degraded" (still
 * 200) once it is late: alerts are then not being raised, though the board still shows holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

const T0 = '2026-11-24T12:00:00.000Z';
const HOUR = 3_600_000;

describe('health reports the alert sweep', () => {
  let t: TestApp;
  // An hourly sweep: its timer runs once at start, and not again while the test moves the clock.
  beforeAll(async () => {
    t = await startTestApp({ now: T0, config: { sweepIntervalMs: HOUR, deliveryIntervalMs: 0 } });
  });
  afterAll(() => t.close());

  const health = async () => (await t.http.get('/api/health').expect(200)).body;

  it('ok after the sweep at start, degraded (still 200) two intervals later', async () => {
    // Wait for the app's own first sweep (not for time to pass: the clock is fixed).
    for (let i = 0; (await health()).alertSweep.lastSucceededAt === null; i++) {
      if (i > 500) throw new Error('the sweep at start never succeeded');
      await new Promise((r) => setTimeout(r, 20));
    }
    const off = { state: 'off', intervalMs: 0, lastSucceededAt: null, lastFailedAt: null };
    expect(await health()).toEqual({
      status: 'ok', database: 'up', migrations: 'applied',
      alertSweep: { state: 'ok', intervalMs: HOUR, lastSucceededAt: T0, lastFailedAt: null },
      webhookDelivery: off,
    });
    t.clock.advance(2 * HOUR);
    expect(await health()).toMatchObject({ status: 'ok', alertSweep: { state: 'ok' } });
    t.clock.advance(1);
    expect(await health()).toEqual({
      status: 'degraded', database: 'up', migrations: 'applied',
      alertSweep: { state: 'late', intervalMs: HOUR, lastSucceededAt: T0, lastFailedAt: null },
      webhookDelivery: off,
    });
  });
});
