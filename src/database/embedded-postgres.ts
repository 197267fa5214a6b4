import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  /** The directory holding the Unix socket (owner-only, 0700). */
  socketDir: string;
  stop(): Promise<void>;
}

/** The file name `pg` connects to in a socket directory, for the default port. */
const SOCKET_FILE = '.s.PGSQL.5432';
/** Room in sockaddr_un.sun_path (108 bytes on Linux, 104 on macOS), kept with a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * PGlite (Postgres compiled to WebAssembly) served over the Postgres wire protocol on a Unix
 * socket, so the app talks to it with the same `pg` driver and SQL as to a real server.
 * PGlite asks for no password, so the socket is the boundary: it lives in a directory only
 * this user may enter (0700), `run/` under `dataDir`, or a private temporary directory when
 * that path would be too long for a socket, or when `dataDir` is null (in memory, tests).
 * No TCP port is opened. PGlite runs one query at a time: the pool must have one connection.
 */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  let db: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = await PGlite.create(join(dataDir, 'pgdata'));
    // The database's files hold key hashes, webhook secrets and personal data: this user's only.
    chmodSync(join(dataDir, 'pgdata'), 0o700);
  } else {
    db = await PGlite.create();
  }
  const { dir, temporary } = socketDirectory(dataDir);
  // A socket left by a process that died: ours to replace (PGlite's own files forbid two processes on one DATA_DIR).
  rmSync(join(dir, SOCKET_FILE), { force: true });
  const server = new PGLiteSocketServer({ db, path: join(dir, SOCKET_FILE) });
  await server.start();
  chmodSync(join(dir, SOCKET_FILE), 0o600);
  return {
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&sslmode=disable`,
    socketDir: dir,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(temporary ? dir : join(dir, SOCKET_FILE), { recursive: true, force: true });
    },
  };
}

function socketDirectory(dataDir: string | null): { dir: string; temporary: boolean } {
  if (dataDir) {
    const dir = join(resolve(dataDir), 'run');
    if (join(dir, SOCKET_FILE).length <= MAX_SOCKET_PATH) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing directory's mode as it was: make sure.
      chmodSync(dir, 0o700);
      return { dir, temporary: false };
    }
  }
  // mkdtemp makes the directory 0700.
  return { dir: mkdtempSync(join(tmpdir(), 'dm-pg-')), temporary: true };
}
