import { randomUUID } from 'node:crypto';
import { boundText, type PeriodBound } from '../common/period-bound.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { IngestionService } from '../events/ingestion.service.js';
import { FacilitiesRepository, rulesAt } from '../facilities/facilities.repository.js';
import { DEFAULT_COMPLAINT_DEADLINES } from '../rules/rule-set.js';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATES, FINDINGS, NEXT_STATES, type ComplaintRow } from './complaint.entity.js';
import type { ComplaintsQuery, FileComplaintBody, TransitionBody } from './complaints.dto.js';
import { ComplaintsRepository } from './complaints.repository.js';

const HOUR_MS = 3_600_000;

export interface ComplaintCounts {
  facilityId: string | null;
  from: string;
  to: string;
  /** Complaints received in [from, to). */
  received: number;
  byCategory: Record<string, number>;
  byState: Record<string, number>;
  /** Closed complaints by finding. */
  byFinding: Record<string, number>;
  /** Acknowledged (or closed) after the acknowledgement was due, or still not acknowledged past it. */
  acknowledgedLate: number;
  /** Closed after closure was due, or still open past it. */
  closedLate: number;
}

export function complaintView(c: ComplaintRow, now: number) {
  return {
    id: c.id,
    facilityId: c.facility_id,
    bookingId: c.booking_id,
    personId: c.person_id,
    category: c.category,
    receivedVia: c.received_via,
    narrative: c.narrative,
    state: c.state,
    finding: c.finding,
    response: c.response,
    receivedAt: isoUtc(c.received_at),
    acknowledgedAt: isoUtc(c.acknowledged_at),
    investigatingAt: isoUtc(c.investigating_at),
    closedAt: isoUtc(c.closed_at),
    acknowledgeDueAt: isoUtc(c.acknowledge_due_at),
    closeDueAt: isoUtc(c.close_due_at),
    acknowledgementOverdue: c.state === 'received' && c.acknowledge_due_at.getTime() < now,
    closureOverdue: c.state !== 'closed' && c.close_due_at.getTime() < now,
    filedBy: c.filed_by,
    /** Its events are in the tamper-evident log of this booking (complaint:<id> when it names none). */
    logBookingId: c.log_booking_id,
    history: c.booking_id ? `/api/bookings/${encodeURIComponent(c.booking_id)}/history?facilityId=${encodeURIComponent(c.facility_id)}` : null,
  };
}
export type ComplaintView = ReturnType<typeof complaintView>;

/**
 * Complaints: intake (staff on someone's behalf, or counsel about a person granted to them), the
 * workflow received → acknowledged → investigating → closed with a finding and a response, and
 * the counts reports read. Every change is an event in the facility's tamper-evident log
 * (`complaint.filed`, `complaint.transitioned`), ingested like a supervisor's decision.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ComplaintsRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  async file(body: FileComplaintBody, by: Principal): Promise<ComplaintView> {
    const rules = (await this.facilities.rulesFor([body.facilityId])).get(body.facilityId);
    if (!rules) throw DomainError.validation([{ field: 'facilityId', message: `unknown facility "${body.facilityId}"` }]);
    let personId = body.personId ?? null;
    if (body.bookingId !== undefined) {
      const booking = await this.repo.bookingExists(body.facilityId, body.bookingId);
      if (!booking) throw DomainError.validation([{ field: 'bookingId', message: `facility "${body.facilityId}" has no booking "${body.bookingId}"` }]);
      personId ??= booking.person_id;
    }
    if (by.role === 'counsel') {
      if (body.bookingId === undefined && body.personId === undefined)
        throw DomainError.validation([{ field: 'bookingId', message: 'counsel must name the booking or person the complaint is about' }]);
      if (!(await this.repo.granted(by.keyId, body.facilityId, body.bookingId ?? null, body.personId ?? null))) {
        throw new DomainError('forbidden', 'this counsel key has no grant for this booking or person');
      }
    }
    const now = this.clock.now();
    const deadlines = rulesAt(rules, now).ruleSet?.complaintDeadlines ?? DEFAULT_COMPLAINT_DEADLINES;
    const id = randomUUID();
    const row: ComplaintRow = {
      id,
      facility_id: body.facilityId,
      booking_id: body.bookingId ?? null,
      person_id: personId,
      log_booking_id: body.bookingId ?? `complaint:${id}`,
      category: body.category,
      received_via: body.receivedVia,
      narrative: body.narrative,
      state: 'received',
      finding: null,
      response: null,
      received_at: new Date(now),
      acknowledged_at: null,
      investigating_at: null,
      closed_at: null,
      acknowledge_due_at: new Date(now + deadlines.acknowledgeHours * HOUR_MS),
      close_due_at: new Date(now + deadlines.closeDays * 24 * HOUR_MS),
      filed_by_key_id: by.keyId,
      filed_by: by.name,
    };
    await this.repo.insert(this.ds.manager, row);
    await this.record(
      row,
      by.keyId,
      {
        eventId: `complaint-${id}-received`,
        type: 'complaint.filed',
        complaintId: id,
        category: row.category,
        receivedVia: row.received_via,
        ...(personId !== null ? { personId } : {}),
        narrative: row.narrative,
        filedBy: { keyId: by.keyId, name: by.name },
      },
      now,
      () => this.ds.query(`DELETE FROM complaints WHERE id = $1`, [id]),
    );
    return complaintView(row, now);
  }

  /**
   * One step of the workflow. A step it does not allow is refused (409 naming `to`); closing needs
   * a finding and a response (400 naming them). The row changes only from the state read (a
   * concurrent step wins or this one does), then the event is logged; nothing changes if either fails.
   */
  async transition(id: string, body: TransitionBody, by: Principal): Promise<ComplaintView> {
    const c = z.uuid().safeParse(id).success ? await this.repo.find(id) : null;
    if (!c) throw DomainError.notFound(`complaint "${id}"`);
    if (!NEXT_STATES[c.state].includes(body.to)) {
      const next = NEXT_STATES[c.state];
      throw DomainError.conflict('to', `a complaint ${c.state} cannot go to ${body.to}${next.length ? `; next: ${next.join(' or ')}` : ': it is closed'}`);
    }
    const missing = body.to === 'closed' ? (['finding', 'response'] as const).filter((f) => body[f] === undefined) : [];
    if (missing.length > 0)
      throw DomainError.validation(
        missing.map((field) => ({ field, message: field === 'finding' ? `is required to close: one of ${FINDINGS.join(', ')}` : 'is required to close: the response given' })),
      );
    const extra = body.to !== 'closed' ? (['finding', 'response'] as const).filter((f) => body[f] !== undefined) : [];
    if (extra.length > 0) throw DomainError.validation(extra.map((field) => ({ field, message: 'is given only when closing' })));

    const now = this.clock.now();
    const at = new Date(now);
    const [, changed] = await this.ds.query(
      `UPDATE complaints SET state = $3, ${{ received: 'received_at', acknowledged: 'acknowledged_at', investigating: 'investigating_at', closed: 'closed_at' }[body.to]} = $4, finding = $5, response = $6
        WHERE id = $1 AND state = $2`,
      [c.id, c.state, body.to, at, body.finding ?? null, body.response ?? null],
    );
    if (changed === 0) throw DomainError.conflict('to', `the complaint changed meanwhile; read it again`);
    await this.record(
      c,
      by.keyId,
      {
        eventId: `complaint-${c.id}-${body.to}`,
        type: 'complaint.transitioned',
        complaintId: c.id,
        from: c.state,
        to: body.to,
        ...(body.finding !== undefined ? { finding: body.finding } : {}),
        ...(body.response !== undefined ? { response: body.response } : {}),
        by: { keyId: by.keyId, name: by.name },
      },
      now,
      () =>
        this.ds.query(`UPDATE complaints SET state = $2, acknowledged_at = $3, investigating_at = $4, closed_at = $5, finding = $6, response = $7 WHERE id = $1`, [
          c.id,
          c.state,
          c.acknowledged_at,
          c.investigating_at,
          c.closed_at,
          c.finding,
          c.response,
        ]),
    );
    return complaintView((await this.repo.find(c.id))!, now);
  }

  async list(q: ComplaintsQuery, reader: Principal): Promise<{ items: ComplaintView[] }> {
    const now = this.clock.now();
    const rows = await this.repo.list({ ...q, grantedTo: reader.role === 'counsel' ? reader.keyId : null });
    return { items: rows.map((r) => complaintView(r, now)) };
  }

  /** Counts for sheriffs and reports (the quarterly review reads these): every category, state and finding, zero where none. */
  async counts(q: { facilityId?: string | null; from: PeriodBound; to: PeriodBound }): Promise<ComplaintCounts> {
    const rows = await this.repo.counts(q.facilityId ?? null, q.from, q.to, new Date(this.clock.now()));
    const zero = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
    const out: ComplaintCounts = {
      facilityId: q.facilityId ?? null,
      from: boundText(q.from),
      to: boundText(q.to),
      received: 0,
      byCategory: zero(COMPLAINT_CATEGORIES),
      byState: zero(COMPLAINT_STATES),
      byFinding: zero(FINDINGS),
      acknowledgedLate: 0,
      closedLate: 0,
    };
    for (const r of rows) {
      out.received += r.complaints;
      out.byCategory[r.category] += r.complaints;
      out.byState[r.state] += r.complaints;
      if (r.finding) out.byFinding[r.finding] += r.complaints;
      out.acknowledgedLate += r.acknowledged_late;
      out.closedLate += r.closed_late;
    }
    return out;
  }

  /** Log one event of this complaint in its facility's tamper-evident chain; `undo` puts the row back if it is not logged. */
  private record(c: ComplaintRow, keyId: string, fields: Record<string, unknown>, now: number, undo: () => Promise<unknown>): Promise<void> {
    return this.ingestion.recordByApp({ ...fields, occurredAt: new Date(now).toISOString(), facilityId: c.facility_id, bookingId: c.log_booking_id }, keyId, undo);
  }
}
