/**
 * What docs/operations.md "Backups" promises: a pg_dump of a running system restores into an empty database
 * with its triggers and checks, the app starts on the copy without migrating again, and the copy
 * holds the same log (the same chain head), holds and histories, and goes on accepting events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import { ev, facilityBody, story } from './support/factories.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SERVER = process.env.TEST_DATABASE_URL;
const hasTool = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const available = Boolean(SERVER) && hasTool('pg_dump') && hasTool('pg_restore');
if (!available) console.warn('SKIPPED: the backup test needs a real Postgres (TEST_DATABASE_URL) and pg_dump and pg_restore on the PATH.');

(available ? describe : describe.skip)('a backup restores into a working copy', () => {
  let source: TestApp;
  let copy: TestApp;
  let copyDb: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-backup-'));
    source = await startTestApp({ db: await createTestDatabase() });
    await source.http.put('/api/facilities/bk').set('Authorization', source.admin).send(facilityBody()).expect(200);
    const charges = ev.charges({ facilityId: 'bk', bookingId: 'late', occurredAt: '2026-11-02T12:00:00Z', charges: [{ level: 'felony' }] });
    await source.http
      .post('/api/events')
      .set('Authorization', source.admin)
      .send({
        events: [
          ...story('bk', 'late', '2026-11-05T20:00:00Z', { at: '2026-11-09T21:30:00Z', kind: 'released' }),
          ...story('bk', 'running', '2026-11-23T15:00:00Z'),
          charges,
          ev.retracted({ facilityId: 'bk', bookingId: 'late', occurredAt: '2026-11-03T12:00:00Z', retractsEventId: charges.eventId }),
        ],
      })
      .expect(200);
    // One refused event too: what a jail sent is kept, refusals included.
    await source.http
      .post('/api/events')
      .set('Authorization', source.admin)
      .send({ events: [{ eventId: 'bad', type: 'booking.opened' }] })
      .expect(200);

    const dump = join(dir, 'detainer.dump');
    execFileSync('pg_dump', ['-Fc', '-f', dump, '-d', source.db.url!], { stdio: 'pipe' });
    copyDb = { kind: 'postgres', ...(await createScratchDatabase(SERVER!, 'dm_test_restore')) };
    execFileSync('pg_restore', ['--exit-on-error', '-d', copyDb.url!, dump], { stdio: 'pipe' });
    copy = await startTestApp({ db: copyDb });
  }, 120_000);

  afterAll(async () => {
    await copy?.close();
    await copyDb?.drop();
    await source?.close();
    await source?.db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (t: TestApp, path: string) => (await t.http.get(path).set('Authorization', t.admin).expect(200)).body;

  it('keeps the chain head, holds, histories and refusals, and migrates nothing again', async () => {
    const migrations = async (t: TestApp) => (await t.ds.query('SELECT name FROM schema_migrations ORDER BY id')).map((r: { name: string }) => r.name);
    expect(await migrations(copy)).toEqual(await migrations(source));
    expect((await copy.http.get('/api/health').expect(200)).body).toMatchObject({ status: 'ok', database: 'up', migrations: 'applied' });

    const verified = await get(copy, '/api/audit/verify?facilityId=bk');
    expect(verified).toEqual(await get(source, '/api/audit/verify?facilityId=bk'));
    expect(verified).toMatchObject({ ok: true, eventsChecked: 9, firstBroken: null });

    const holds = await get(copy, '/api/holds?facilityId=bk');
    expect(holds).toEqual(await get(source, '/api/holds?facilityId=bk'));
    expect(holds.items.map((h: { bookingId: string; status: string; compliant: boolean | null; overageSeconds: number | null }) => [h.bookingId, h.status, h.compliant, h.overageSeconds])).toEqual([
      ['late', 'closed', false, 5400],
      ['running', 'running', null, null],
    ]);
    expect(await get(copy, '/api/bookings/late/history')).toEqual(await get(source, '/api/bookings/late/history'));
    expect((await get(copy, '/api/events/rejected')).items.map((r: { eventId: string }) => r.eventId)).toEqual(['bad']);
  });

  it('keeps the log append-only and goes on accepting events, chained to the restored head', async () => {
    await expect(copy.ds.query(`UPDATE events SET type = 'booking.released'`)).rejects.toThrow(/append-only/);
    await copy.http
      .post('/api/events')
      .set('Authorization', copy.admin)
      .send(ev.released({ facilityId: 'bk', bookingId: 'running', occurredAt: '2026-11-24T10:00:00Z' }))
      .expect(200, { accepted: 1, duplicates: 0, rejected: [] });
    expect(await get(copy, '/api/audit/verify?facilityId=bk')).toMatchObject({ ok: true, eventsChecked: 10, firstBroken: null });
    expect((await get(copy, '/api/holds?bookingId=running')).items[0]).toMatchObject({ status: 'closed', compliant: true, outcome: 'released' });
  });
});
