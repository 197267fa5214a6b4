/** The embedded database is reachable only by the app's user: a Unix socket in an owner-only directory, no TCP port. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dm-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded database', () => {
  it('listens on a Unix socket in DATA_DIR/run, owner-only, and opens no TCP port', async () => {
    const embedded = await startEmbeddedPostgres(dataDir);
    try {
      expect(embedded.socketDir).toBe(join(dataDir, 'run'));
      expect(embedded.url).toBe(`postgres://postgres@localhost/postgres?host=${encodeURIComponent(join(dataDir, 'run'))}&sslmode=disable`);
      expect(statSync(join(dataDir, 'run')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
      const socket = statSync(join(dataDir, 'run', '.s.PGSQL.5432'));
      expect(socket.isSocket()).toBe(true);
      expect(socket.mode & 0o777).toBe(0o600);
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      expect((await client.query('SELECT 1 + 1 AS two')).rows).toEqual([{ two: 2 }]);
      await client.end();
    } finally {
      await embedded.stop();
    }
  });

  it('in memory (tests), uses a private temporary directory, removed at stop', async () => {
    const embedded = await startEmbeddedPostgres(null);
    const dir = embedded.socketDir;
    try {
      expect(dir.startsWith(join(tmpdir(), 'dm-pg-'))).toBe(true);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(embedded.url).not.toMatch(/127\.0\.0\.1|:\d+\//);
    } finally {
      await embedded.stop();
    }
    expect(() => statSync(dir)).toThrow(/ENOENT/);
  });
});
