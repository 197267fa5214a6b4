import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A new, empty database on a Postgres server (tests, benches), and a way to drop it. `options`
 * follow the name in CREATE DATABASE (a locale, say): trusted text from the caller's own configuration.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string, options = ''): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name} ${options}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
