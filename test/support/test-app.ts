import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/app-config.js';
import { createApp } from '../../src/app.js';
import type { Role } from '../../src/auth/api-key.entity.js';
import { FixedClock } from '../../src/common/clock.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_KEY = 'dm_test_admin_key_0123456789abcdef0123456789';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  clock: FixedClock;
  ds: DataSource;
  db: TestDatabase;
  /** Authorization header value for the bootstrap admin key. */
  admin: string;
  /** Make a key of a role through the API and return its Authorization header value. */
  keyFor(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** `db`: share another app's database (several instances); closing then leaves the database alone. */
export async function startTestApp(opts: { now?: string; db?: TestDatabase; config?: Partial<AppConfig> } = {}): Promise<TestApp> {
  const db = opts.db ?? (await createTestDatabase());
  const clock = new FixedClock(Date.parse(opts.now ?? '2026-11-24T12:00:00.000Z'));
  // Timers off: tests run sweeps and deliveries by hand, at the times they set on the clock.
  // Webhook receivers in tests listen on 127.0.0.1, which only an allowlisted host may reach;
  // failed authentications are not throttled (the role matrix makes dozens; hardening.spec.ts tests the throttle);
  // one key seals webhook secrets, so that instances sharing a database read each other's.
  const config = new AppConfig({
    databaseUrl: db.url,
    dataDir: null,
    bootstrapAdminKey: ADMIN_KEY,
    port: 0,
    sweepIntervalMs: 0,
    deliveryIntervalMs: 0,
    importScanIntervalMs: 0,
    rateLimitPerMinute: 0,
    webhookAllowHosts: ['127.0.0.1'],
    authFailuresPerMinute: 0,
    webhookSecretKey: 'test-key-that-seals-webhook-secrets-0123',
    ...opts.config,
  });
  const app = await createApp(config, { clock, logger: false });
  await app.init();
  const http = request(app.getHttpServer());
  const admin = `Bearer ${ADMIN_KEY}`;
  return {
    app,
    http,
    clock,
    db,
    admin,
    ds: app.get(DataSource),
    async keyFor(role: Role) {
      const res = await http
        .post('/api/keys')
        .set('Authorization', admin)
        .send({ name: `test ${role}`, role });
      if (res.status !== 201) throw new Error(`could not make a ${role} key: ${res.status} ${JSON.stringify(res.body)}`);
      return `Bearer ${res.body.key}`;
    },
    async close() {
      await app.close();
      if (!opts.db) await db.drop();
    },
  };
}
