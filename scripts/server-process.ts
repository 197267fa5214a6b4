import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SERVER_ENTRY = 'dist/src/main.js';
export const serverBuilt = () => existsSync(SERVER_ENTRY);

/** The line the server logs once it listens, with the port it bound. */
const LISTENING = /listening on http:\/\/localhost:(\d+)/;

/** Node's own flags for the server (a profiler's, say), and which of its outputs to pass on as they come. */
export interface ServerProcessOptions {
  nodeArgs?: string[];
  /** Another build's checkout to run (its dist/src/main.js, from its own folder): the benches' baseline. */
  root?: string;
  echoStdout?: boolean;
  echoStderr?: boolean;
}

/**
 * The built server as its own process (tests and benches; both build it first), ready when
 * health answers. It is started with PORT=0 and binds a port the system chooses, read from its
 * own log: a port picked free here could be taken by Jest's other workers in the second or more
 * the server takes to start (it was, once: EADDRINUSE).
 */
export async function startServerProcess(
  env: Record<string, string>,
  { nodeArgs = [], echoStdout = false, echoStderr = false, root }: ServerProcessOptions = {},
): Promise<{ url: string; child: ChildProcess; kill: (signal?: NodeJS.Signals) => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], { cwd: root, env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  // The ends of what the server wrote, read as it comes (so the pipes never fill): a server
  // that exits at start says why in the failure.
  let stderr = '';
  let stdout = '';
  let port: number | null = null;
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    if (echoStderr) process.stderr.write(chunk);
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-4000);
    port ??= Number(LISTENING.exec(stdout)?.[1] ?? '') || null;
    if (echoStdout) process.stdout.write(chunk);
  });
  // A server that exits, or does not answer within 30 s, is a failure that says why; one still
  // running is killed first, so that the caller is not left waiting on it.
  const fail = (why: string): never => {
    child.kill('SIGKILL');
    throw new Error(`${why}; its stderr ended:\n${stderr}\nits stdout ended:\n${stdout}`);
  };
  for (let ready = false, i = 0; !ready; i++) {
    if (child.exitCode !== null) fail(`server exited with ${child.exitCode}`);
    if (i >= 600) fail(port === null ? 'server did not say which port it listens on' : `server on port ${port} did not answer /api/health`);
    if (port !== null)
      ready = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
