import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder shipped at the project's root (web/, fonts/, mappings/), found by a file it holds,
 * climbing from this module whether it runs from src/ (tests) or dist/src/ (npm start); null if none.
 */
export function projectFolder(folder: string, marker: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, folder, marker))) return join(dir, folder);
  }
  return null;
}
