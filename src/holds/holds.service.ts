import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Role } from '../auth/api-key.entity.js';
import { eventAsSeen, mayReadNames, namesOf, NO_NAMES, type PersonNames } from '../auth/personal-data.js';
import { countedSoFar } from '../clock/derive-hold.js';
import { custodyStatusAt } from '../custody/judge.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeDueCursor, encodeDueCursor } from '../common/due-cursor.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import { EventLogRepository } from '../events/event-log.repository.js';
import { readRetractions } from './booking-projection.js';
import type { HoldQuery, HoldView, TimelineEntry } from './hold.dto.js';
import type { HoldEntity } from './hold.entity.js';
import { HoldsRepository } from './holds.repository.js';
import { keyOf } from './booking-key.js';

@Injectable()
export class HoldsService {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly log: EventLogRepository,
    private readonly clock: Clock,
  ) {}

  async list(q: HoldQuery, role: Role): Promise<{ items: HoldView[]; nextCursor: string | null }> {
    const now = this.clock.now();
    const rows = await this.holds.search({
      facilityId: q.facilityId,
      bookingId: q.bookingId,
      personId: q.personId,
      status: q.status,
      deadlineBefore: q.deadlineBefore,
      after: q.cursor ? decodeDueCursor(q.cursor) : undefined,
      limit: q.limit + 1,
      nowMs: now,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > q.limit ? encodeDueCursor(last.deadlineAt, last.id) : null;
    const names = await this.namesFor(page, role);
    return { items: page.map((h) => toView(h, now, names(h))), nextCursor };
  }

  async get(id: string, role: Role): Promise<HoldView & { timeline: TimelineEntry[] }> {
    const hold = z.uuid().safeParse(id).success ? await this.holds.findHold(id) : null;
    if (!hold) throw DomainError.notFound(`hold "${id}"`);
    const names = await this.namesFor([hold], role);
    return { ...toView(hold, this.clock.now(), names(hold)), timeline: await this.timeline(hold, role) };
  }

  /** The names of these holds' people as `role` may see them (no lookup for a role that sees none). */
  private async namesFor(holds: HoldEntity[], role: Role): Promise<(h: HoldEntity) => PersonNames> {
    if (!mayReadNames(role)) return () => NO_NAMES;
    const people = await this.holds.peopleOf(holds);
    return (h) => namesOf(people.get(keyOf(h.facilityId, h.bookingId)), role);
  }

  /** Every event that shaped the hold, in occurredAt order: the booking's own and this detainer's, retracted ones marked. */
  private async timeline(hold: HoldEntity, role: Role): Promise<TimelineEntry[]> {
    const events = await this.log.forBookings(undefined, [{ facilityId: hold.facilityId, bookingId: hold.bookingId }]);
    const { retractedBy, noEffect } = readRetractions(events);
    const concerns = (body: { type: string; detainerId?: string; retractsEventId?: string }): boolean => {
      if (body.type === 'detainer.lodged' || body.type === 'detainer.cancelled' || body.type === 'detainer.amended') return body.detainerId === hold.detainerId;
      if (body.type === 'event.retracted') {
        const target = events.find((e) => e.eventId === body.retractsEventId);
        return target ? concerns(target.body) : false;
      }
      return true;
    };
    return events
      .filter((e) => concerns(e.body as never))
      .map((e) => ({
        eventId: e.eventId,
        type: e.type,
        occurredAt: isoUtc(e.occurredAtMs)!,
        occurredLocal: isoLocal(e.occurredAtMs, hold.rules.timeZone)!,
        receivedAt: isoUtc(e.receivedAt)!,
        retractedBy: retractedBy.get(e.eventId) ?? null,
        noEffect: noEffect.get(e.eventId) ?? null,
        event: eventAsSeen(e.body, role),
      }));
  }
}

/** The API view of a stored hold at the instant `now`. */
export function toView(h: HoldEntity, now: number, names: PersonNames = NO_NAMES): HoldView {
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  // The hold's status is its booking's custody status: an I-247N beside a valid I-247A is not overdue.
  const status = custodyStatusAt(h.phase, ms(h.custodyActiveFrom), ms(h.custodyDueAt), now);
  const dueAt = ms(h.custodyDueAt);
  const zone = h.rules.timeZone;
  // Pending with a clock start known ahead: the contract's pending hold has no start or deadline yet.
  const ahead = status === 'pending' && h.clockStartedAt !== null && h.clockStartedAt.getTime() > now;
  const started = ahead ? null : h.clockStartedAt;
  const due = ahead ? null : h.deadlineAt;
  return {
    id: h.id,
    bookingId: h.bookingId,
    detainerId: h.detainerId,
    facilityId: h.facilityId,
    personId: h.personId,
    personName: names.personName,
    aNumber: names.aNumber,
    form: h.form,
    warrant: h.warrant,
    agency: h.agency,
    policy: h.policy,
    holdHours: h.holdHours,
    status,
    lodgedAt: isoUtc(h.lodgedAt)!,
    clockStartedAt: isoUtc(started),
    deadlineAt: isoUtc(due),
    deadlineLocal: isoLocal(due, zone),
    clockStartedLocal: isoLocal(started, zone),
    endedAt: isoUtc(h.endedAt),
    endedLocal: isoLocal(h.endedAt, zone),
    timeZone: zone,
    countedSeconds: countedSoFar({ clockStartedAt: ms(started), endedAt: ms(h.endedAt), rules: h.rules }, now) / 1000,
    // Time left of the custody's authority (negative once overdue), whichever detainer gives it.
    secondsLeft: (status === 'running' || status === 'overdue') && dueAt !== null ? (dueAt - now) / 1000 : null,
    outcome: h.outcome,
    compliant: h.compliant,
    overageSeconds: h.overageMs === null ? null : Number(h.overageMs) / 1000,
    custodyId: h.custodyId,
    scheduled: ahead
      ? { clockStartsAt: isoUtc(h.clockStartedAt)!, clockStartsLocal: isoLocal(h.clockStartedAt, zone)!, deadlineAt: isoUtc(h.deadlineAt)!, deadlineLocal: isoLocal(h.deadlineAt, zone)! }
      : null,
  };
}
