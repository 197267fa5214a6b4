/**
 * GET /api/health says when this process's alert sweep last succeeded, and whether due alerts wait
 * unraised in the database (whichever instance should sweep them), and turns "degraded" (still 200)
 * once either is late: alerts are then not being raised, though the board still shows holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SweepService } from '../src/alerts/sweep.service.js';
import { derivationFingerprint } from '../src/holds/derivation.js';
import { ev, facilityBody } from './support/factories.js';
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
    const derivation = { state: 'ok', thisProcess: derivationFingerprint(), database: derivationFingerprint() };
    expect(await health()).toEqual({
      status: 'ok',
      database: 'up',
      migrations: 'applied',
      alertSweep: { state: 'ok', intervalMs: HOUR, lastSucceededAt: T0, lastFailedAt: null },
      webhookDelivery: off,
      alertsDue: { state: 'ok', oldestDueAt: null },
      derivation,
    });
    t.clock.advance(2 * HOUR);
    expect(await health()).toMatchObject({ status: 'ok', alertSweep: { state: 'ok' } });
    t.clock.advance(1);
    expect(await health()).toEqual({
      status: 'degraded',
      database: 'up',
      migrations: 'applied',
      alertSweep: { state: 'late', intervalMs: HOUR, lastSucceededAt: T0, lastFailedAt: null },
      webhookDelivery: off,
      alertsDue: { state: 'ok', oldestDueAt: null },
      derivation,
    });
  });
});

describe('health reports holds derived by another build', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: T0 });
  });
  afterAll(() => t.close());

  it('degraded (still 200) while the database was last derived by another build, as when instances of two builds share it', async () => {
    expect((await t.http.get('/api/health').expect(200)).body).toMatchObject({ status: 'ok', derivation: { state: 'ok' } });
    await t.ds.query(`UPDATE derivations SET fingerprint = 'derivation 2, tzdata 2031a'`);
    expect((await t.http.get('/api/health').expect(200)).body).toMatchObject({
      status: 'degraded',
      derivation: { state: 'other', thisProcess: derivationFingerprint(), database: 'derivation 2, tzdata 2031a' },
    });
  });
});

describe('health reports due alerts nobody raised', () => {
  let t: TestApp;
  // No sweep in this process (as with SWEEP_INTERVAL_MS=0 on every instance): the schedule's due rows wait.
  beforeAll(async () => {
    t = await startTestApp({ now: T0 });
  });
  afterAll(() => t.close());

  const health = async () => (await t.http.get('/api/health').expect(200)).body;

  it('late two minutes after an alert fell due unraised; ok again once a sweep raises it', async () => {
    await t.http
      .put('/api/facilities/due')
      .set('Authorization', t.admin)
      .send(facilityBody({ policy: 'calendar-48-hours', warnBeforeHours: [1] }))
      .expect(200);
    // Release-eligible 46 hours before T0: the deadline is T0 + 2 h, the 1-hour warning falls due at T0 + 1 h.
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: [ev.lodged({ facilityId: 'due', bookingId: 'b', occurredAt: '2026-11-20T12:00:00Z' }), ev.eligible({ facilityId: 'due', bookingId: 'b', occurredAt: '2026-11-22T14:00:00Z' })] })
      .expect(200);
    expect((await health()).alertsDue).toEqual({ state: 'ok', oldestDueAt: null });
    t.clock.set('2026-11-24T13:02:00.000Z');
    expect(await health()).toMatchObject({ status: 'ok', alertsDue: { state: 'ok', oldestDueAt: '2026-11-24T13:00:00.000Z' } });
    t.clock.advance(1);
    expect(await health()).toMatchObject({ status: 'degraded', alertSweep: { state: 'off' }, alertsDue: { state: 'late', oldestDueAt: '2026-11-24T13:00:00.000Z' } });
    expect((await t.app.get(SweepService).sweep()).raised).toBe(1);
    expect(await health()).toMatchObject({ status: 'ok', alertsDue: { state: 'ok', oldestDueAt: null } });
  });
});
