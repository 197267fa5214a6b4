import { createScratchDatabase } from '../../scripts/scratch-database.js';

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
  return { kind: 'postgres', ...(await createScratchDatabase(server, 'dm_test')) };
}
