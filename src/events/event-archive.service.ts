import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { archiveLine, readArchiveLine } from './event-archive.js';
import { EventLogRepository } from './event-log.repository.js';
import { MAX_BATCH, type FieldError } from './event.schema.js';
import { IngestionService } from './ingestion.service.js';

export interface RestoreResult {
  /** Lines read (empty lines are not counted). */
  lines: number;
  accepted: number;
  duplicates: number;
  /** Each refused line (1-based, in the body sent), kept with the refused events. */
  rejected: Array<{ line: number; eventId: string | null; errors: FieldError[] }>;
}

/**
 * The event log out and back in: an export (event-archive.ts) streamed from the log, and a
 * restore that sends each line's event through ingestion as received then, so the restored log
 * is the same log (same order, hashes and chain) and gives the same holds and custody records.
 */
@Injectable()
export class EventArchiveService {
  private readonly log = new Logger('events');

  constructor(
    private readonly ds: DataSource,
    private readonly events: EventLogRepository,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  /** The export's lines, a page at a time. A facility named must be configured (checked before anything is sent). */
  async lines(facilityId: string | null): Promise<AsyncGenerator<string>> {
    if (facilityId !== null) {
      const found = await this.ds.query('SELECT 1 FROM facilities WHERE id = $1', [facilityId]);
      if (found.length === 0) throw DomainError.notFound(`facility "${facilityId}"`);
    }
    const events = this.events;
    return (async function* () {
      for await (const page of events.inOrder(facilityId)) {
        let chunk = '';
        for (const e of page) chunk += archiveLine(e.body, e.receivedAt);
        yield chunk;
      }
    })();
  }

  /**
   * Restore up to MAX_BATCH lines of an export (NDJSON, UTF-8). Consecutive lines received at the
   * same instant are ingested together, as they were first; a line that is not an export line is
   * refused and kept with the refused events, as any refused event is.
   */
  async restore(raw: Buffer, apiKeyId: string | null): Promise<RestoreResult> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw DomainError.validation([{ field: 'body', message: 'not valid UTF-8: send the export file as it was written' }]);
    }
    const all = text.split('\n');
    const lines = all.map((t, i) => ({ n: i + 1, text: t.replace(/\r$/, '') })).filter((l) => l.text.trim() !== '');
    if (lines.length > MAX_BATCH) throw DomainError.validation([{ field: 'body', message: `at most ${MAX_BATCH} lines per request, got ${lines.length}; send the export in parts` }]);
    const out: RestoreResult = { lines: lines.length, accepted: 0, duplicates: 0, rejected: [] };
    const now = this.clock.now();
    const unread: Array<{ line: number; text: string; eventId: string | null; errors: FieldError[] }> = [];
    let run: { receivedAt: Date; events: unknown[]; lineOf: number[] } | null = null;
    const flush = async () => {
      if (!run) return;
      const r = await this.ingestion.ingest(run.events, apiKeyId, null, { receivedAt: run.receivedAt, decisions: true });
      out.accepted += r.accepted;
      out.duplicates += r.duplicates;
      for (const x of r.rejected) out.rejected.push({ line: run.lineOf[x.index], eventId: x.eventId, errors: x.errors });
      run = null;
    };
    for (const l of lines) {
      const read = readArchiveLine(l.text, now);
      if (!read.ok) {
        unread.push({ line: l.n, text: l.text, eventId: read.eventId, errors: read.errors });
        continue;
      }
      if (run && (run.receivedAt.getTime() !== read.receivedAt.getTime() || run.events.length >= MAX_BATCH)) await flush();
      run ??= { receivedAt: read.receivedAt, events: [], lineOf: [] };
      run.events.push(read.event);
      run.lineOf.push(l.n);
    }
    await flush();
    if (unread.length > 0) {
      await this.events.insertRejected(
        this.ds.manager,
        unread.map((u) => ({ batchIndex: u.line, eventId: u.eventId, body: { restoreLine: u.text }, errors: u.errors })),
        new Date(now),
        apiKeyId,
      );
      out.rejected.push(...unread.map((u) => ({ line: u.line, eventId: u.eventId, errors: u.errors })));
      out.rejected.sort((a, b) => a.line - b.line);
    }
    if (out.rejected.length > 0) this.log.warn(`restore: refused ${out.rejected.length} of ${lines.length} lines`);
    return out;
  }
}
