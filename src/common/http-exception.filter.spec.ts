import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDatabaseDown } from './http-exception.filter.js';

/** The error a real connection attempt fails with. */
const connectError = (options: { path: string } | { host: string; port: number }) =>
  new Promise<Error>((resolve, reject) => {
    const socket = connect(options as never);
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error('connected'));
    });
    socket.once('error', resolve);
  });

describe('isDatabaseDown', () => {
  it('counts a Unix socket that is gone (the server stopped and removed it) as the database being down', async () => {
    const err = await connectError({ path: join(tmpdir(), `dm-no-such-dir-${process.pid}`, '.s.PGSQL.5432') });
    expect((err as { code?: string }).code).toBe('ENOENT');
    expect(isDatabaseDown(err)).toBe(true);
  });

  it('counts a refused TCP connection and Postgres shutting down', async () => {
    const refused = await connectError({ host: '127.0.0.1', port: 1 });
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseDown(refused)).toBe(true);
    expect(isDatabaseDown(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
  });

  it('does not count a missing file that is not a connection, or any other error', async () => {
    const missing = await readFile(join(tmpdir(), `dm-no-such-file-${process.pid}`)).then(
      () => null,
      (e: unknown) => e,
    );
    expect((missing as { code?: string }).code).toBe('ENOENT');
    expect(isDatabaseDown(missing)).toBe(false);
    expect(isDatabaseDown(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseDown(new Error('boom'))).toBe(false);
    expect(isDatabaseDown(null)).toBe(false);
  });
});
