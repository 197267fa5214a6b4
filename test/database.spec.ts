/** Session settings the app gives its connections on a real Postgres server. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/test-app.js';

const server = process.env.TEST_DATABASE_URL;
if (!server) console.warn('SKIPPED: the JIT setting is about a real Postgres server (TEST_DATABASE_URL); PGlite has no JIT.');

(server ? describe : describe.skip)('connections to a real server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('run without JIT, on every pooled connection', async () => {
    // Several at once, so more than one connection of the pool answers.
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.ds.query('SELECT current_setting($1) AS jit, pg_backend_pid() AS pid', ['jit'])));
    expect(new Set(answers.map((r) => r[0].jit))).toEqual(new Set(['off']));
    expect(new Set(answers.map((r) => r[0].pid)).size).toBeGreaterThan(1);
  });
});
