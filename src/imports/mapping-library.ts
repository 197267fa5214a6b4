import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../app-config.js';
import { DomainError } from '../common/domain-error.js';
import { MappingError, parseMapping, type Mapping } from './mapping.js';
import { projectFolder } from '../common/project-folder.js';

/** A mapping's name: what a folder of IMPORT_DIR or an upload names it by. */
export const MAPPING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface MappingEntry {
  name: string;
  /** Where it was read from: "shipped" (mappings/ of the project) or "IMPORT_DIR". */
  origin: 'shipped' | 'IMPORT_DIR';
  description: string | null;
  format: Mapping['format'];
  facility: string | null;
}

/** mappings/ at the project root, found from here whether running from src/ (tests) or dist/src/. */
const shippedRoot = () => projectFolder('mappings', 'booking-per-row.yaml');

/**
 * The mappings the server imports with (the watched folder, uploads), by name: a jail's own in
 * IMPORT_DIR (`IMPORT_DIR/<name>.yaml`), which wins, else the shipped ones (`mappings/<name>.yaml`).
 * Read each time it is asked for: a mapping corrected in place is used at the next file.
 */
@Injectable()
export class MappingLibrary {
  private readonly roots: Array<{ dir: string; origin: MappingEntry['origin'] }>;

  constructor(config: AppConfig) {
    const shipped = shippedRoot();
    this.roots = [...(config.importDir ? [{ dir: config.importDir, origin: 'IMPORT_DIR' as const }] : []), ...(shipped ? [{ dir: shipped, origin: 'shipped' as const }] : [])];
  }

  private find(name: string): { path: string; origin: MappingEntry['origin'] } | null {
    if (!MAPPING_NAME.test(name)) return null;
    for (const root of this.roots) {
      for (const ext of EXTENSIONS) {
        const path = join(root.dir, `${name}${ext}`);
        if (existsSync(path)) return { path, origin: root.origin };
      }
    }
    return null;
  }

  /** The mapping of this name, checked; a domain error naming the field `field` when there is none or it is not usable. */
  get(name: string, field = 'mapping'): Mapping {
    const found = this.find(name);
    if (!found) throw DomainError.validation([{ field, message: `no mapping "${name}" (known: ${this.names().join(', ') || 'none'})` }]);
    try {
      return parseMapping(readFileSync(found.path, 'utf8'), `${name} (${found.origin})`);
    } catch (e) {
      if (e instanceof MappingError) throw DomainError.validation(e.problems.map((p) => ({ field: `${field} ${name}: ${p.split(':')[0]}`, message: p.slice(p.indexOf(':') + 1).trim() })));
      throw e;
    }
  }

  names(): string[] {
    const names = new Set<string>();
    for (const root of this.roots) {
      if (!existsSync(root.dir)) continue;
      for (const f of readdirSync(root.dir)) {
        const ext = EXTENSIONS.find((e) => f.endsWith(e));
        if (ext && MAPPING_NAME.test(f.slice(0, -ext.length))) names.add(f.slice(0, -ext.length));
      }
    }
    return [...names].sort();
  }

  /** Every usable mapping, described (one that does not parse is left out: `get` says why). */
  list(): MappingEntry[] {
    const out: MappingEntry[] = [];
    for (const name of this.names()) {
      try {
        const m = this.get(name);
        out.push({ name, origin: this.find(name)!.origin, description: m.description ?? null, format: m.format, facility: m.facility ?? null });
      } catch {
        /* listed by get's error when asked for */
      }
    }
    return out;
  }
}
