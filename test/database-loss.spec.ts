import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '../src/app-config.js';
import { createApp } from '../src/app.js';
import { FixedClock } from '../src/common/clock.js';
import { ev, facilityBody } from './support/factories.js';

/** A Postgres cluster of this test's own (never the machine's shared server), run as the postgres user. */
const BIN = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((b) => existsSync(`${b}/initdb`))
  : undefined;
const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const available = Boolean(BIN) && (process.getuid?.() !== 0 || existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser'));
if (!available) console.warn('SKIPPED: the database-loss test needs PostgreSQL server binaries (initdb, pg_ctl) to start a throwaway cluster.');

const run = (cmd: string, args: string[]) => {
  const [exe, ...rest] = [...asPostgres, `${BIN}/${cmd}`, ...args];
  execFileSync(exe, rest, { stdio: 'ignore' });
};

(available ? describe : describe.skip)('the database goes away and comes back', () => {
  let dir: string;
  let app: INestApplication;
  const KEY = 'dm_loss_test_admin_key_000000000000000000';
  const auth = `Bearer ${KEY}`;
  // Only a Unix socket in the cluster's own directory, no TCP port: nothing another test or
  // process binds meanwhile can keep it from starting again on the same address.
  const start = () => run('pg_ctl', ['-D', dir, '-w', '-l', join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses=''`, 'start']);
  const stop = () => run('pg_ctl', ['-D', dir, '-w', '-m', 'immediate', 'stop']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-pg-'));
    chmodSync(dir, 0o777);
    if (asPostgres.length) execFileSync('chown', ['postgres', dir]);
    run('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    start();
    const config = new AppConfig({
      databaseUrl: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`,
      dataDir: null,
      bootstrapAdminKey: KEY,
      sweepIntervalMs: 0,
      deliveryIntervalMs: 0,
      rateLimitPerMinute: 0,
    });
    app = await createApp(config, { clock: new FixedClock(Date.parse('2026-11-24T12:00:00Z')), logger: false });
    await app.init();
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    try {
      stop();
    } catch {
      /* already stopped */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('health turns 503, requests get 503 with a clear message, nothing acknowledged is lost, and it recovers by itself', async () => {
    const http = request(app.getHttpServer());
    await http.put('/api/facilities/loss').set('Authorization', auth).send(facilityBody()).expect(200);
    const before = ev.opened({ facilityId: 'loss', bookingId: 'b1', occurredAt: '2026-11-20T10:00:00Z', eventId: 'before-outage' });
    await http.post('/api/events').set('Authorization', auth).send(before).expect(200);

    stop();
    const health = await http.get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', database: 'down' });
    const during = await http
      .post('/api/events')
      .set('Authorization', auth)
      .send(ev.lodged({ facilityId: 'loss', bookingId: 'b1', occurredAt: '2026-11-20T11:00:00Z', eventId: 'during-outage' }));
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: 'database_unavailable', message: expect.stringContaining('nothing was stored') });
    expect((await http.get('/api/holds').set('Authorization', auth)).status).toBe(503);

    start();
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      healthy = (await http.get('/api/health')).status === 200;
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect(healthy).toBe(true);
    // The sender retries what was refused; what was acknowledged before is still there.
    await http
      .post('/api/events')
      .set('Authorization', auth)
      .send(ev.lodged({ facilityId: 'loss', bookingId: 'b1', occurredAt: '2026-11-20T11:00:00Z', eventId: 'during-outage' }))
      .expect(200, { accepted: 1, duplicates: 0, rejected: [] });
    await http.post('/api/events').set('Authorization', auth).send(before).expect(200, { accepted: 0, duplicates: 1, rejected: [] });
    const holds = await http.get('/api/holds?bookingId=b1').set('Authorization', auth).expect(200);
    expect(holds.body.items).toHaveLength(1);
  }, 120_000);
});
