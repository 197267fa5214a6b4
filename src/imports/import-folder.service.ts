import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { FACILITY_ID } from '../facilities/facility.dto.js';
import { ImportsRepository, type ImportFileRow } from './imports.repository.js';
import { hashFile, ImportsService } from './imports.service.js';
import { MAPPING_NAME } from './mapping-library.js';

/** Never taken: hidden files, and files still being written under a temporary name. */
const IGNORED = /^\.|\.(part|tmp|partial|crdownload)$/i;
/** The folders a mapping folder keeps its finished files in. */
export const DONE = 'done';
export const FAILED = 'failed';

export interface ScanResult {
  /** Files imported, refused, failed or found to be duplicates in this scan, in the order taken. */
  files: ImportFileRow[];
  /** Files seen for the first time or still changing: taken at a later scan once unchanged. */
  waiting: string[];
}

/**
 * The watched folder (IMPORT_DIR) for nightly drops: `IMPORT_DIR/<facility id>/<mapping name>/FILE`.
 * Each scan takes every file that was there, unchanged (size and modification time), at the scan
 * before, imports it with that mapping into that facility unless its content was imported so
 * already, records the result (GET /api/imports/files) and moves it to `done/` or `failed/`
 * beside it. Scans run every IMPORT_SCAN_INTERVAL_MS, one at a time; tests call `scan` themselves.
 */
@Injectable()
export class ImportFolder implements OnApplicationBootstrap {
  private readonly log = new Logger('import-folder');
  /** What each candidate file looked like at the last scan. */
  private readonly seen = new Map<string, string>();
  /** Files that could not be moved after their import: left alone while unchanged (the error is logged once). */
  private readonly stuck = new Map<string, string>();
  /** Misplaced files already warned about. */
  private readonly warned = new Set<string>();
  private running: Promise<ScanResult> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly repo: ImportsRepository,
    private readonly imports: ImportsService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const interrupted = await this.repo.interruptUnfinished(new Date(this.clock.now()));
    if (interrupted > 0) this.log.warn(`${interrupted} import(s) were left unfinished when the server stopped; their files are imported again when seen`);
    const dir = this.config.importDir;
    if (!dir) return;
    if (!existsSync(dir)) this.log.warn(`IMPORT_DIR ${dir} does not exist (yet): nothing to import until it does`);
    else this.log.log(`watching ${dir} for exports (IMPORT_DIR/<facility id>/<mapping name>/FILE)`);
    const ms = this.config.importScanIntervalMs;
    if (ms > 0) {
      this.registry.addInterval(
        'importFolder',
        setInterval(() => void this.scan().catch((e: Error) => this.log.error(`scan of ${dir} failed: ${e.message}`)), ms),
      );
    }
  }

  /** One scan; a scan asked for while one runs waits for it. */
  scan(): Promise<ScanResult> {
    this.running ??= this.scanOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async scanOnce(): Promise<ScanResult> {
    const out: ScanResult = { files: [], waiting: [] };
    const root = this.config.importDir;
    if (!root || !existsSync(root)) return out;
    const present = new Set<string>();
    for (const facility of await dirs(root)) {
      for (const mapping of await dirs(join(root, facility), [DONE, FAILED])) {
        const folder = join(root, facility, mapping);
        for (const name of (await readdir(folder, { withFileTypes: true }))
          .filter((d) => d.isFile() && !IGNORED.test(d.name))
          .map((d) => d.name)
          .sort()) {
          const path = join(folder, name);
          present.add(path);
          const st = await stat(path);
          const look = `${st.size}:${st.mtimeMs}`;
          if (this.stuck.get(path) === look) continue;
          if (this.seen.get(path) !== look) {
            this.seen.set(path, look);
            out.waiting.push(`${facility}/${mapping}/${name}`);
            continue;
          }
          this.seen.delete(path);
          out.files.push(await this.take(folder, name, facility, mapping, look));
        }
      }
      await this.warnMisplaced(join(root, facility), `${facility}/`);
    }
    await this.warnMisplaced(root, '', true);
    for (const p of this.seen.keys()) if (!present.has(p)) this.seen.delete(p);
    return out;
  }

  /** Import one file, record it, and move it to done/ or failed/. */
  private async take(folder: string, name: string, facilityId: string, mappingName: string, look: string): Promise<ImportFileRow> {
    const path = join(folder, name);
    const rel = `${facilityId}/${mappingName}/${name}`;
    const { sha256, bytes } = await hashFile(path);
    let row: ImportFileRow;
    try {
      if (!FACILITY_ID.test(facilityId)) throw DomainError.validation([{ field: 'folder', message: `"${facilityId}" is not a facility id` }]);
      if (!MAPPING_NAME.test(mappingName)) throw DomainError.validation([{ field: 'folder', message: `"${mappingName}" is not a mapping name` }]);
      const { mapping } = await this.imports.resolve(mappingName, facilityId);
      row = await this.imports.importFile({ source: 'folder', path, name: rel, sha256, bytes }, mappingName, mapping, facilityId, null);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      // The folder names no configured facility or no usable mapping: the file is refused whole.
      row = await this.repo.recordFile(
        {
          source: 'folder',
          facilityId: (await this.repo.facilityExists(facilityId)) ? facilityId : null,
          mapping: mappingName,
          file: rel,
          contentSha256: sha256,
          bytes,
          startedAt: new Date(this.clock.now()),
          apiKeyId: null,
        },
        'refused',
        e.message,
        null,
      );
    }
    const into = row.status === 'refused' || row.status === 'failed' ? FAILED : DONE;
    try {
      await mkdir(join(folder, into), { recursive: true });
      const target = freeName(join(folder, into), name, sha256, this.clock.now());
      await rename(path, join(folder, into, target));
      row.movedTo = `${facilityId}/${mappingName}/${into}/${target}`;
      await this.repo.fileMoved(row.id, row.movedTo);
    } catch (e) {
      this.stuck.set(path, look);
      this.log.error(`${rel} was ${row.status} (import #${row.id}) but could not be moved to ${into}/: ${(e as Error).message}; it is left where it is until it changes`);
    }
    this.log.log(`${rel}: ${row.status}${row.reason ? ` (${row.reason})` : ''}`);
    return row;
  }

  /** Files where no mapping folder is: said once in the log, left alone. */
  private async warnMisplaced(dir: string, rel: string, mappingsAllowed = false): Promise<void> {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (!d.isFile() || IGNORED.test(d.name)) continue;
      if (mappingsAllowed && /\.(ya?ml|json)$/i.test(d.name)) continue; // a jail's own mapping
      const key = join(dir, d.name);
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.log.warn(`${rel}${d.name} is not in a <facility id>/<mapping name>/ folder of IMPORT_DIR: it is not imported`);
    }
  }
}

async function dirs(path: string, except: string[] = []): Promise<string[]> {
  return (await readdir(path, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !except.includes(d.name))
    .map((d) => d.name)
    .sort();
}

/** The name itself, or, when done/ already holds one, the name with the start of its content hash. */
function freeName(dir: string, name: string, sha256: string, now: number): string {
  if (!existsSync(join(dir, name))) return name;
  const ext = extname(name);
  for (let n = 12; n <= 64; n += 4) {
    const other = `${basename(name, ext)}.${sha256.slice(0, n)}${ext}`;
    if (!existsSync(join(dir, other))) return other;
  }
  return `${basename(name, ext)}.${sha256}.${now}${ext}`;
}
