import type { PeriodBound } from '../common/period-bound.js';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { IngestionService } from '../events/ingestion.service.js';
import { CLOCK_SKEW_MS } from '../events/event.schema.js';
import type { NoticeRow } from './notice.entity.js';
import type { NoticesQuery, ServedBody } from './notices.dto.js';
import { NoticesRepository } from './notices.repository.js';

export function noticeView(n: NoticeRow, now: number) {
  const served = n.served_at !== null;
  const late = served ? n.served_at!.getTime() > n.due_at.getTime() : n.due_at.getTime() < now;
  return {
    id: n.id,
    facilityId: n.facility_id,
    bookingId: n.booking_id,
    kind: n.kind,
    recipients: n.recipients,
    citation: n.citation,
    after: n.after_event,
    afterRef: n.after_ref,
    afterAt: isoUtc(n.after_at),
    dueAt: isoUtc(n.due_at),
    status: served ? ('served' as const) : late ? ('late' as const) : ('due' as const),
    late,
    servedAt: isoUtc(n.served_at),
    servedBy: n.served_by,
    language: n.language,
    method: n.method,
    recordedAt: isoUtc(n.recorded_at),
    recordedBy: n.recorded_by,
    history: `/api/bookings/${encodeURIComponent(n.booking_id)}/history?facilityId=${encodeURIComponent(n.facility_id)}`,
  };
}
export type NoticeView = ReturnType<typeof noticeView>;

export interface NoticeCounts {
  /** Per kind of notice made due in the period: due, served on time, served late, missing and late, not yet due. */
  byKind: Record<string, { due: number; servedOnTime: number; servedLate: number; missingLate: number; pending: number }>;
  late: number;
  missing: number;
}

/** Notices to the person: the tasks (due, late), recording service (an event in the chain), the counts reports read. */
@Injectable()
export class NoticesService {
  constructor(
    private readonly repo: NoticesRepository,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  async list(q: NoticesQuery): Promise<{ items: NoticeView[] }> {
    const now = this.clock.now();
    return { items: (await this.repo.list({ ...q, now: new Date(now) })).map((n) => noticeView(n, now)) };
  }

  async served(id: string, body: ServedBody, by: Principal): Promise<NoticeView> {
    const n = z.uuid().safeParse(id).success ? await this.repo.find(id) : null;
    if (!n) throw DomainError.notFound(`notice "${id}"`);
    const now = this.clock.now();
    const servedAt = body.servedAt !== undefined ? Date.parse(body.servedAt) : now;
    if (servedAt > now + CLOCK_SKEW_MS) throw DomainError.validation([{ field: 'servedAt', message: 'is in the future: record service once it is done' }]);
    if (servedAt < n.after_at.getTime()) throw DomainError.validation([{ field: 'servedAt', message: `is before the notice was due to be given (${isoUtc(n.after_at)})` }]);
    const s = { servedAt: new Date(servedAt), servedBy: body.servedBy, language: body.language, method: body.method, recordedAt: new Date(now), recordedBy: by.name };
    if (!(await this.repo.markServed(n.id, s))) {
      throw DomainError.conflict('id', `notice "${n.id}" was already recorded as served`);
    }
    const event = {
      eventId: `notice-${n.id}-served`,
      type: 'notice.served',
      occurredAt: new Date(now).toISOString(),
      facilityId: n.facility_id,
      bookingId: n.booking_id,
      noticeId: n.id,
      kind: n.kind,
      servedAt: s.servedAt.toISOString(),
      servedBy: s.servedBy,
      language: s.language,
      method: s.method,
      recordedBy: { keyId: by.keyId, name: by.name },
    };
    await this.ingestion.recordByApp(event, by.keyId, () => this.repo.unmarkServed(n.id));
    return noticeView((await this.repo.find(n.id))!, now);
  }

  /** For the quarterly review and the exports: notices made due in the period (dates: each facility's own midnights), late and missing ones. */
  async counts(facilityId: string | null, from: PeriodBound, to: PeriodBound): Promise<NoticeCounts> {
    const rows = await this.repo.counts(facilityId, from, to, new Date(this.clock.now()));
    const byKind = Object.fromEntries(rows.map((r) => [r.kind, { due: r.due, servedOnTime: r.served_on_time, servedLate: r.served_late, missingLate: r.missing_late, pending: r.pending }]));
    return { byKind, late: rows.reduce((a, r) => a + r.served_late + r.missing_late, 0), missing: rows.reduce((a, r) => a + r.missing_late, 0) };
  }
}
