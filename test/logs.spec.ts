import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from '../src/app-config.js';
import { createApp } from '../src/app.js';
import { FixedClock } from '../src/common/clock.js';
import { ev, facilityBody } from './support/factories.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const NAME = 'Maria Privateperson';
const A_NUMBER = 'A987654321';
const DOB = '1987-03-14';

describe('personal data never appears in logs', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const written: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  beforeAll(async () => {
    db = await createTestDatabase();
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    process.stdout.write = capture;
    process.stderr.write = capture;
    // The app's own logger, as in production (not silenced).
    app = await createApp(
      new AppConfig({ databaseUrl: db.url, dataDir: null, bootstrapAdminKey: 'dm_logs_test_key_00000000000000000000', sweepIntervalMs: 0, deliveryIntervalMs: 0, rateLimitPerMinute: 0 }),
      { clock: new FixedClock(Date.parse('2026-11-24T12:00:00Z')) },
    );
    await app.init();
  });
  afterAll(async () => {
    process.stdout.write = originals.out;
    process.stderr.write = originals.err;
    await app.close();
    await db.drop();
  });

  it('even when events carrying names, dates of birth and A-numbers are refused or fail', async () => {
    const http = request(app.getHttpServer());
    const auth = 'Bearer dm_logs_test_key_00000000000000000000';
    await http.put('/api/facilities/pii').set('Authorization', auth).send(facilityBody()).expect(200);
    const person = { name: NAME, dateOfBirth: DOB, aNumber: A_NUMBER };
    await http
      .post('/api/events')
      .set('Authorization', auth)
      .send({
        events: [
          ev.opened({ facilityId: 'pii', bookingId: 'b', occurredAt: '2026-11-20T10:00:00Z', personId: 'p', person }),
          { ...ev.opened({ facilityId: 'pii', bookingId: 'b2', occurredAt: 'yesterday', personId: 'p2', person }) },
          { ...ev.opened({ facilityId: 'nowhere', bookingId: 'b3', occurredAt: '2026-11-20T10:00:00Z', personId: 'p3', person }) },
        ],
      })
      .expect(200);
    await http
      .post('/api/events')
      .set('Authorization', auth)
      .send({ ...ev.opened({ facilityId: 'pii', bookingId: 'b4', occurredAt: '2026-11-20T10:00:00Z', personId: 'p4' }), person: { name: `${NAME}\u0000` } })
      .expect(400);
    Logger.flush();
    const log = written.join('');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [NAME, A_NUMBER, DOB]) expect(log).not.toContain(secret);
  });
});

describe('LOG_FORMAT=json', () => {
  it('writes one JSON object a line, with level, context and message, for a log collector', async () => {
    const db = await createTestDatabase();
    const written: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: unknown) => (written.push(String(chunk)), true);
    let app: INestApplication | undefined;
    try {
      app = await createApp(
        new AppConfig({ databaseUrl: db.url, dataDir: null, bootstrapAdminKey: 'dm_logs_test_key_00000000000000000001', sweepIntervalMs: 0, deliveryIntervalMs: 0, logFormat: 'json' }),
        { clock: new FixedClock(Date.parse('2026-11-24T12:00:00Z')) },
      );
      await app.init();
      Logger.flush();
    } finally {
      process.stdout.write = out;
      await app?.close();
      await db.drop();
    }
    const lines = written
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    const entries = lines.map((l) => JSON.parse(l) as { level: string; context: string; message: string });
    for (const e of entries) expect(e).toMatchObject({ level: expect.any(String), context: expect.any(String), message: expect.any(String) });
    expect(entries).toContainEqual(expect.objectContaining({ level: 'log', context: 'NestApplication', message: 'Nest application successfully started' }));
  });
});
