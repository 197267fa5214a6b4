import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** null: the app starts its own in-memory PGlite. */
  url: string | null;
  kind: 'postgres' | 'pglite';
  drop(): Promise<void>;
}

/**
 * With TEST_DATABASE_URL (CI: the machine's Postgres), a new empty database per test file,
 * dropped afterwards; without it, an in-memory PGlite the app starts itself.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return { url: null, kind: 'pglite', drop: async () => undefined };
  const name = `dm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgres',
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
