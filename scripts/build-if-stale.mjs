#!/usr/bin/env node
/**
 * `npm start` (and the other scripts that run the built code) compile only when the build is not
 * current: when a file under src/, migrations/, scripts/ or bench/, a tsconfig or the lockfile is
 * newer than dist/.build-stamp, or there is no stamp (a fresh clone). The stamp is written after a
 * build that succeeded, so a build that failed is tried again at the next start.
 *
 *   node scripts/build-if-stale.mjs           build if stale, then stamp
 *   node scripts/build-if-stale.mjs --always  build, then stamp (`npm run build`)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'scripts', 'bench', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Dated when the build started, so a file saved while tsc ran counts as changed at the next start. */
function writeStamp(at = new Date()) {
  closeSync(openSync(stamp, 'a'));
  utimesSync(stamp, at, at);
}

/** The newest modification time of a file or of any file under a directory (0 when absent). */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs; // a file deleted or renamed changes its directory's time
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map((p) => newest(join(root, p))));
const always = process.argv.includes('--always');
if (!always && built > 0 && changed <= built) process.exit(0);
if (!always) console.error(built > 0 ? 'Sources changed since the last build: compiling (tsc)…' : 'No build yet: compiling (tsc)…');
const startedAt = new Date();
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeStamp(startedAt);
