import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import type { Role } from '../auth/api-key.entity.js';
import { namesOf } from '../auth/personal-data.js';
import { countedSoFar } from '../clock/derive-hold.js';
import { Clock } from '../common/clock.js';
import { toCsv } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import type { JmsEvent } from '../events/event.schema.js';
import { readRetractions } from '../holds/booking-projection.js';
import { toHold } from '../holds/holds.repository.js';
import { toView } from '../holds/holds.service.js';
import { duration, explainHold, when } from '../clock/explain.js';
import type { CustodyView } from '../custody/custody.dto.js';
import { CustodyRepository } from '../custody/custody.repository.js';
import { custodyView } from '../custody/custody.service.js';
import { ContactsRepository } from '../reviews/contacts.repository.js';
import { contactView } from '../reviews/contacts.service.js';
import type { HoldEntity } from '../holds/hold.entity.js';
import { ReportsRepository } from './reports.repository.js';

export type BookingHistory = Awaited<ReturnType<HistoryService['build']>>;

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);

@Injectable()
export class HistoryService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly clock: Clock,
    private readonly custodies: CustodyRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async forBooking(bookingId: string, facilityId: string | undefined, reader: Principal): Promise<BookingHistory> {
    const bookings = await this.repo.bookings({ bookingId, facilityId, grantedTo: grantsOf(reader) });
    if (bookings.length === 0) throw unseen(reader, `booking "${bookingId}"`);
    if (bookings.length > 1) {
      throw DomainError.validation([{ field: 'facilityId', message: `booking "${bookingId}" exists in ${bookings.map((b) => b.facility_id).join(', ')}: name the facility` }]);
    }
    return this.build(bookings[0], reader.role);
  }

  /** A person's bookings (in one facility, or in every one: each jail system's person ids are its own). */
  async forPerson(
    personId: string,
    facilityId: string | undefined,
    reader: Principal,
  ): Promise<{ personId: string; personName: string | null; aNumber: string | null; generatedAt: string; bookings: BookingHistory[] }> {
    const bookings = await this.repo.bookings({ personId, facilityId, grantedTo: grantsOf(reader) });
    if (bookings.length === 0) throw unseen(reader, `person "${personId}"`);
    const out: BookingHistory[] = [];
    for (const b of bookings) out.push(await this.build(b, reader.role));
    // The name the latest booking carries (bookings come oldest first).
    const named = [...out].reverse().find((h) => h.booking.personName !== null);
    const numbered = [...out].reverse().find((h) => h.booking.aNumber !== null);
    return { personId, personName: named?.booking.personName ?? null, aNumber: numbered?.booking.aNumber ?? null, generatedAt: isoUtc(this.clock.now())!, bookings: out };
  }

  /**
   * Everything about one booking: its facts, its custody record as judged and stored (null when it
   * has no detainer) explained in sentences, each hold explained, the contacts with ICE logged
   * against the record (each with whether the disclosure rule allowed it), every event as received
   * with its hashes.
   */
  async build(b: Record<string, any>, role: Role) {
    const now = this.clock.now();
    const names = namesOf(b.person as Record<string, unknown> | null, role);
    const zone: string = b.time_zone;
    const holds = await this.repo.holdsOfBooking(b.facility_id, b.booking_id);
    const events = await this.repo.eventsOfBooking(b.facility_id, b.booking_id);
    const { retractedBy, noEffect } = readRetractions(events as Array<{ body: JmsEvent }>);
    const stored = await this.custodies.ofBooking(b.facility_id, b.booking_id);
    const custody: CustodyView | null = stored ? custodyView(stored, now, names) : null;
    const contacts = stored ? (await this.contacts.ofCustody(stored.id)).map(contactView) : [];
    return {
      generatedAt: isoUtc(now)!,
      facility: { id: b.facility_id as string, name: b.facility_name as string, timeZone: zone },
      booking: {
        bookingId: b.booking_id as string,
        personId: b.person_id as string | null,
        personName: names.personName,
        aNumber: names.aNumber,
        person: b.person as Record<string, unknown> | null,
        bookedAt: isoUtc(b.booked_at),
        bookedLocal: isoLocal(b.booked_at, zone),
        charges: b.charges as unknown[],
        releaseEligibleAt: isoUtc(b.release_eligible_at),
        releaseEligibleLocal: isoLocal(b.release_eligible_at, zone),
        releaseReason: b.release_reason as string | null,
        custodyEndedAt: isoUtc(b.custody_ended_at),
        custodyEndedLocal: isoLocal(b.custody_ended_at, zone),
        custodyEndKind: b.custody_end_kind as string | null,
        toAgency: b.to_agency as string | null,
      },
      custody,
      contacts,
      holds: holds.map((raw) => {
        const h = toHold(raw);
        const view = toView(h, now, names);
        // The facility's rule version that judges the hold (null for one judged before versions were recorded).
        const version = raw.policy_recorded_at ? { effectiveFrom: ms(raw.policy_effective_from), recordedAt: ms(raw.policy_recorded_at)! } : null;
        // The hold's status and verdict are its booking's custody verdict; where this detainer's own
        // clock says otherwise (an I-247N beside a valid I-247A), its sentences tell its own clock and
        // say where the booking's verdict is.
        const own = ownClock(h, now);
        const differs = custody !== null && differsFromCustody(own, custody);
        const explanation = explainHold({
          rules: h.rules,
          form: h.form,
          warrant: h.warrant,
          status: differs ? own.status : view.status,
          lodgedAt: h.lodgedAt.getTime(),
          clockStartedAt: ms(h.clockStartedAt),
          deadlineAt: ms(h.deadlineAt),
          endedAt: ms(h.endedAt),
          outcome: h.outcome,
          compliant: differs ? own.compliant : h.compliant,
          overageMs: differs ? own.overageMs : h.overageMs,
          countedMs: countedSoFar({ clockStartedAt: ms(h.clockStartedAt), endedAt: ms(h.endedAt), rules: h.rules }, now),
          releaseReason: b.release_reason,
          toAgency: b.to_agency,
          cancelledAt: ms(raw.cancelled_at),
          policyVersion: version,
        });
        if (differs) explanation.sentences.push(custodyPointer(custody));
        const policyVersion = version && { effectiveFrom: isoUtc(version.effectiveFrom), recordedAt: isoUtc(version.recordedAt)! };
        return { ...view, policyVersion, explanation };
      }),
      events: events.map((e) => ({
        seq: Number(e.seq),
        eventId: e.event_id as string,
        type: e.type as string,
        occurredAt: isoUtc(e.occurred_at)!,
        occurredLocal: isoLocal(e.occurred_at, zone)!,
        receivedAt: isoUtc(e.received_at)!,
        retractedBy: retractedBy.get(e.event_id) ?? null,
        noEffect: noEffect.get(e.event_id) ?? null,
        contentHash: e.content_hash as string,
        prevHash: e.prev_hash as string | null,
        chainHash: e.chain_hash as string | null,
        event: e.body as unknown,
      })),
      verification: {
        chain: `Each event's chainHash is SHA-256 over the previous event's hash of facility ${b.facility_id} and this event's canonical form; GET /api/audit/verify?facilityId=${b.facility_id} re-walks the whole chain.`,
      },
    };
  }

  /** The timeline as CSV (the custody record is in the JSON and the PDF), one row per event as received, with its hashes. */
  csv(histories: BookingHistory[]): string {
    const header = [
      'facility_id',
      'booking_id',
      'seq',
      'event_id',
      'type',
      'occurred_at_utc',
      'occurred_local',
      'received_at_utc',
      'retracted_by',
      'no_effect',
      'content_hash',
      'prev_hash',
      'chain_hash',
      'event_json',
    ];
    const rows = histories.flatMap((h) =>
      h.events.map((e) => [
        h.facility.id,
        h.booking.bookingId,
        e.seq,
        e.eventId,
        e.type,
        e.occurredAt,
        e.occurredLocal,
        e.receivedAt,
        e.retractedBy ?? '',
        e.noEffect ?? '',
        e.contentHash,
        e.prevHash ?? '',
        e.chainHash ?? '',
        JSON.stringify(e.event),
      ]),
    );
    return toCsv([header, ...rows]);
  }
}

/** The key whose grants limit what this reader may read: counsel's own; none for the other roles, which read every booking. */
function grantsOf(reader: Principal): string | null {
  return reader.role === 'counsel' ? reader.keyId : null;
}

/**
 * Nothing this reader may read: for counsel 403 whether what was asked for exists or not (counsel
 * learns nothing of bookings not granted, not even that they exist; the same one query ran either
 * way), for the others 404.
 */
function unseen(reader: Principal, what: string): DomainError {
  return reader.role === 'counsel' ? new DomainError('forbidden', 'this counsel key has no grant for this booking or person') : DomainError.notFound(what);
}

/** What this detainer's own clock says, apart from every other detainer of the booking. */
interface OwnClock {
  status: 'pending' | 'running' | 'overdue' | 'closed';
  compliant: boolean | null;
  overageMs: number | null;
}

function ownClock(h: HoldEntity, now: number): OwnClock {
  const started = h.clockStartedAt?.getTime() ?? null;
  const deadline = h.deadlineAt?.getTime() ?? null;
  const ended = h.endedAt?.getTime() ?? null;
  if (ended !== null) {
    // A detainer that never held anyone says nothing was past its deadline.
    const overageMs = started === null || deadline === null ? 0 : Math.max(0, ended - deadline);
    return { status: 'closed', compliant: overageMs === 0, overageMs };
  }
  if (started === null || started > now || deadline === null) return { status: 'pending', compliant: null, overageMs: null };
  return { status: now >= deadline ? 'overdue' : 'running', compliant: null, overageMs: null };
}

function differsFromCustody(own: OwnClock, c: CustodyView): boolean {
  if (c.status !== 'closed' || own.status !== 'closed') return own.status !== c.status;
  return own.compliant !== c.compliant || own.overageMs !== (c.overageSeconds ?? 0) * 1000;
}

/** The sentence a hold explanation ends with where the detainer's own clock is not the booking's verdict. */
function custodyPointer(c: CustodyView): string {
  const verdict =
    c.status === 'closed'
      ? c.compliant
        ? 'compliant, no custody without authority'
        : `not compliant, ${duration((c.overageSeconds ?? 0) * 1000)} of custody without authority`
      : c.status === 'running'
        ? `running, authorised${c.authorizedUntil ? ` until ${when(Date.parse(c.authorizedUntil), c.timeZone)}` : ''}`
        : c.status === 'overdue'
          ? 'overdue: the person is held now without authority'
          : 'pending: the person is not release-eligible now';
  return `This detainer's own clock is not the booking's verdict: custody is judged for the whole booking, where every detainer's window counts. The booking's custody verdict is in the custody section: ${verdict}.`;
}
