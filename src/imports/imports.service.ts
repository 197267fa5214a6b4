import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { IngestionService } from '../events/ingestion.service.js';
import type { Mapping } from './mapping.js';
import { MappingLibrary } from './mapping-library.js';
import { ImportsRepository, type ImportFileRow, type NewImportFile } from './imports.repository.js';
import { runImport, type ImportSink, type ImportSummary } from './runner.js';

/** What an import file's record keeps of its summary (its rejects are in import_rejects, listed with the file's name). */
export type StoredSummary = Omit<ImportSummary, 'rejects' | 'retractions' | 'file'>;

export const storedSummary = ({ rejects: _, retractions: __, file: ___, ...rest }: ImportSummary): StoredSummary => rest;

/** A file to import on the server: where its bytes are, what it is called, and its content hash. */
export interface ServerFile {
  source: 'folder' | 'upload';
  path: string;
  /** The name reported and kept with its rejects. */
  name: string;
  sha256: string;
  bytes: number;
}

/** An upload from the board: which mapping, which facility (default: the mapping's), the file's name. */
export interface UploadQuery {
  mapping: string;
  facilityId?: string;
  file: string;
}

/** What a preview answers: the file's identity (to confirm with) and the dry run's report. */
export interface UploadPreview {
  mapping: string;
  facilityId: string;
  file: string;
  sha256: string;
  bytes: number;
  preview: ImportSummary;
}

/** The first of a preview's rejects and retractions that it lists (all are counted). */
const LISTED = 1000;

/** SHA-256 and size of a file, read as a stream. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/**
 * Imports run by the server itself (the watched folder, uploads from the board): the same engine
 * as `npm run import`, its events through the same ingestion as POST /api/events, its rejects
 * kept the same way.
 */
@Injectable()
export class ImportsService {
  private readonly log = new Logger('imports');

  constructor(
    private readonly repo: ImportsRepository,
    private readonly ingestion: IngestionService,
    private readonly library: MappingLibrary,
    private readonly clock: Clock,
  ) {}

  /** The facility, which must be configured; a domain error naming `field` if not. */
  async facility(facilityId: string, field = 'facilityId'): Promise<void> {
    if (!(await this.repo.facilityExists(facilityId))) throw DomainError.validation([{ field, message: `"${facilityId}" is not a configured facility` }]);
  }

  /** The mapping and facility of an import, checked. */
  async resolve(mappingName: string, facilityId: string | undefined): Promise<{ mapping: Mapping; facilityId: string }> {
    const mapping = this.library.get(mappingName);
    const facility = facilityId ?? mapping.facility;
    if (!facility) throw DomainError.validation([{ field: 'facilityId', message: `is required: the mapping "${mappingName}" names no facility` }]);
    await this.facility(facility);
    return { mapping, facilityId: facility };
  }

  /**
   * The server's sink: events through ingestion, rejects kept; in a dry run nothing is stored,
   * but what earlier imports made is read, so the preview lists the retractions an import would send.
   */
  private sink(apiKeyId: string | null, dryRun: boolean): ImportSink {
    return {
      knownEvents: (facilityId, idPrefix, bookingIds) => this.repo.eventsInForce(facilityId, idPrefix, bookingIds),
      postEvents: async (events) => (dryRun ? { accepted: 0, duplicates: 0, rejected: [] } : this.ingestion.ingest(events, apiKeyId)),
      keepRejects: async (facilityId, file, rejects) => {
        if (!dryRun) await this.repo.keepRejects(facilityId, file, rejects, new Date(this.clock.now()), apiKeyId);
      },
    };
  }

  /** A dry run: what importing these bytes would do, nothing stored. */
  preview(bytes: AsyncIterable<Uint8Array>, mapping: Mapping, facilityId: string, file: string): Promise<ImportSummary> {
    return runImport(bytes, mapping, this.sink(null, true), { facilityId, file, now: new Date(this.clock.now()).toISOString() });
  }

  /**
   * Import a file once: its content, with this mapping into this facility, is claimed first; content
   * imported so already is not imported again (a 'duplicate' record naming the earlier one).
   */
  async importFile(f: ServerFile, mappingName: string, mapping: Mapping, facilityId: string, apiKeyId: string | null): Promise<ImportFileRow & { summary: StoredSummary | null }> {
    const record: NewImportFile = { source: f.source, facilityId, mapping: mappingName, file: f.name, contentSha256: f.sha256, bytes: f.bytes, startedAt: new Date(this.clock.now()), apiKeyId };
    const claim = await this.repo.claimFile(record);
    if ('heldBy' in claim) {
      const held = claim.heldBy;
      const reason =
        held.status === 'importing' ? `the same content is being imported now (import #${held.id}, "${held.file}")` : `the same content was imported already (import #${held.id}, "${held.file}")`;
      return { ...(await this.repo.recordFile(record, 'duplicate', reason, null)), summary: null };
    }
    const row = claim.claimed;
    let status: ImportFileRow['status'] = 'imported';
    let reason: string | null = null;
    let summary: StoredSummary | null = null;
    try {
      const s = await runImport(createReadStream(f.path, { highWaterMark: 256 * 1024 }), mapping, this.sink(apiKeyId, false), {
        facilityId,
        file: f.name,
        now: new Date(this.clock.now()).toISOString(),
      });
      summary = storedSummary(s);
      if (s.refused) {
        status = 'refused';
        reason = s.refused;
      }
    } catch (e) {
      status = 'failed';
      reason = `the import stopped: ${(e as Error).message}`;
      this.log.error(`import #${row.id} of ${f.name} stopped: ${(e as Error).message}`);
    }
    const finishedAt = new Date(this.clock.now());
    await this.repo.finishFile(row.id, status, reason, summary, finishedAt);
    return { ...row, status, reason, summary, finishedAt };
  }

  /** An upload's preview: the file mapped, nothing stored. The answer names its SHA-256, which `confirmUpload` must be sent with. */
  async previewUpload(body: AsyncIterable<Uint8Array>, q: UploadQuery): Promise<UploadPreview> {
    const { mapping, facilityId } = await this.resolve(q.mapping, q.facilityId);
    return received(body, async (f) => {
      const preview = await this.preview(createReadStream(f.path, { highWaterMark: 256 * 1024 }), mapping, facilityId, uploadName(q.file));
      preview.rejects = preview.rejects.slice(0, LISTED);
      preview.retractions = preview.retractions.slice(0, LISTED);
      return { mapping: q.mapping, facilityId, file: q.file, sha256: f.sha256, bytes: f.bytes, preview };
    });
  }

  /** An upload imported after its preview: refused unless it is the file previewed (`sha256`), then imported once. */
  async confirmUpload(body: AsyncIterable<Uint8Array>, q: UploadQuery & { sha256: string }, apiKeyId: string | null) {
    const { mapping, facilityId } = await this.resolve(q.mapping, q.facilityId);
    return received(body, async (f) => {
      if (f.sha256 !== q.sha256) {
        throw new DomainError('conflict', `sha256: the file sent is not the one previewed (its SHA-256 is ${f.sha256}); preview it again`, {
          errors: [{ field: 'sha256', message: 'is not the SHA-256 of the file sent' }],
        });
      }
      return this.importFile({ source: 'upload', path: f.path, name: uploadName(q.file), sha256: f.sha256, bytes: f.bytes }, q.mapping, mapping, facilityId, apiKeyId);
    });
  }
}

/**
 * An uploaded body written to a temporary file as it arrives (memory stays flat; the file is read
 * whole, so its hash is the whole file's even when the mapping refuses it early), used, removed.
 */
async function received<T>(body: AsyncIterable<Uint8Array>, use: (f: { path: string; sha256: string; bytes: number }) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-upload-'));
  try {
    const path = join(dir, 'upload');
    const h = createHash('sha256');
    let bytes = 0;
    await pipeline(
      body,
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          h.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(path),
    );
    return await use({ path, sha256: h.digest('hex'), bytes });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The name an upload is reported and its rejects are kept under. */
export const uploadName = (file: string) => `upload/${file}`;
