import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { FacilitiesRepository, rulesAt, type FacilityRules } from '../facilities/facilities.repository.js';
import { HoldProjector } from '../holds/hold-projector.service.js';
import type { HoldChange } from '../holds/holds.repository.js';
import type { NoticeAfter } from '../rules/rule-set.js';
import { NoticesRepository, type NewNotice } from './notices.repository.js';

const HOUR_MS = 3_600_000;

/** The notices a facility's rules in force at `at` make due after this event (pure). */
export function noticesDue(rules: FacilityRules, after: NoticeAfter, at: number, where: { facilityId: string; bookingId: string; ref: string }, nowMs: number): NewNotice[] {
  return (rulesAt(rules, at).ruleSet?.notices ?? [])
    .filter((n) => n.after === after)
    .map((n) => ({
      id: randomUUID(),
      facility_id: where.facilityId,
      booking_id: where.bookingId,
      kind: n.kind,
      after_event: after,
      after_ref: where.ref,
      after_at: new Date(at),
      due_at: new Date(at + n.withinHours * HOUR_MS),
      recipients: n.to,
      citation: n.citation ?? null,
      created_at: new Date(nowMs),
    }));
}

/**
 * Makes notices due when what the facility's rules name happens: a detainer received (told by the
 * projector, inside the transaction that stored it, as the alert planner is), or an ICE contact logged.
 */
@Injectable()
export class NoticePlanner implements OnModuleInit {
  constructor(
    private readonly projector: HoldProjector,
    private readonly facilities: FacilitiesRepository,
    private readonly notices: NoticesRepository,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.projector.onHoldsChanged({ changed: (m, changes, facilities) => this.detainersReceived(m, changes, facilities) });
  }

  /** Custody records changed (told per custody record): every detainer received of those bookings has its notices (one already made is kept). */
  async detainersReceived(m: EntityManager, changes: HoldChange[], facilities: ReadonlyMap<string, FacilityRules>): Promise<void> {
    const touched = changes.filter((c) => c.phase !== null && facilities.get(c.facilityId)?.versions.some((v) => (v.rules.ruleSet?.notices ?? []).length > 0));
    if (touched.length === 0) return;
    const detainers: Array<{ facility_id: string; booking_id: string; detainer_id: string; lodged_at: Date }> = await m.query(
      `SELECT d.facility_id, d.booking_id, d.detainer_id, d.lodged_at FROM detainers d JOIN unnest($1::text[], $2::text[]) AS k(f, b) ON d.facility_id = k.f AND d.booking_id = k.b
        WHERE d.lodged_at IS NOT NULL`,
      [touched.map((c) => c.facilityId), touched.map((c) => c.bookingId)],
    );
    const now = this.clock.now();
    const rows = detainers.flatMap((d) =>
      noticesDue(facilities.get(d.facility_id)!, 'detainer.lodged', d.lodged_at.getTime(), { facilityId: d.facility_id, bookingId: d.booking_id, ref: d.detainer_id }, now),
    );
    await this.notices.insert(m, rows);
  }

  /** An ICE contact was logged: the notices it makes due (an interview request: the consent form; a release date shared: the same in writing). */
  async contactLogged(c: { id: string; facilityId: string; bookingId: string; kind: string; at: Date }, m: EntityManager = this.ds.manager): Promise<void> {
    if (c.kind !== 'interview_requested' && c.kind !== 'release_date_shared') return;
    const rules = (await this.facilities.rulesFor([c.facilityId], m)).get(c.facilityId);
    if (!rules) return;
    await this.notices.insert(m, noticesDue(rules, `ice_contact.${c.kind}`, c.at.getTime(), { facilityId: c.facilityId, bookingId: c.bookingId, ref: c.id }, this.clock.now()));
  }
}
