import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtcMs } from '../common/instant.js';
import { EventLogRepository, type RejectedListed } from './event-log.repository.js';
import { IngestionService, type IngestResult } from './ingestion.service.js';

export interface RefusalView {
  id: number;
  receivedAt: string;
  batchIndex: number | null;
  eventId: string | null;
  body: unknown;
  errors: Array<{ field: string; message: string }>;
  resolution: { action: 'resent' | 'dismissed'; reason: string | null; resentEventId: string | null; by: string; at: string } | null;
}

const view = (r: RejectedListed): RefusalView => ({
  ...r,
  receivedAt: isoUtcMs(r.receivedAt.getTime()),
  resolution: r.resolution && { ...r.resolution, at: isoUtcMs(r.resolution.at.getTime()) },
});

/**
 * Refused events as a supervisor works them: listed, sent again corrected (through the ingest
 * path, with every check an event from the jail gets) or dismissed with a reason. The refusal is
 * kept as it was; the resolution beside it says who and when.
 */
@Injectable()
export class RefusalsService {
  private readonly log = new Logger('refusals');

  constructor(
    private readonly events: EventLogRepository,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  async list(q: { limit: number; cursor?: string; state: 'open' | 'all' }): Promise<{ items: RefusalView[]; nextCursor: string | null }> {
    const rows = await this.events.listRejected(q.limit + 1, q.cursor ? Number(q.cursor) : null, q.state === 'open');
    const page = rows.slice(0, q.limit);
    return { items: page.map(view), nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null };
  }

  /** Send the corrected event as one POST /api/events would (a refusal answers 400/409 and is kept, like any other). */
  async resend(id: number, event: Record<string, unknown>, by: Principal): Promise<{ refusal: RefusalView; result: IngestResult }> {
    await this.unresolved(id);
    const result = await this.ingestion.receive(event, by.keyId);
    await this.resolve(id, { action: 'resent', reason: null, resentEventId: event.eventId as string }, by);
    return { refusal: view((await this.events.rejectedById(id))!), result };
  }

  async dismiss(id: number, reason: string, by: Principal): Promise<RefusalView> {
    await this.unresolved(id);
    await this.resolve(id, { action: 'dismissed', reason, resentEventId: null }, by);
    return view((await this.events.rejectedById(id))!);
  }

  private async unresolved(id: number): Promise<void> {
    const row = await this.events.rejectedById(id);
    if (!row) throw DomainError.notFound('refused event');
    if (row.resolution) throw this.already(row);
  }

  private async resolve(id: number, r: { action: 'resent' | 'dismissed'; reason: string | null; resentEventId: string | null }, by: Principal): Promise<void> {
    const done = await this.events.insertResolution({ rejectedId: id, ...r, byKeyId: by.keyId, byName: by.name, at: new Date(this.clock.now()) });
    if (!done) throw this.already((await this.events.rejectedById(id))!);
    this.log.log(`refused event ${id} ${r.action} by ${by.name} (${by.role})`);
  }

  private already(row: RejectedListed): DomainError {
    const r = row.resolution!;
    return new DomainError('conflict', `refused event ${row.id} was already ${r.action} by ${r.by} at ${isoUtcMs(r.at.getTime())}`);
  }
}
