import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rulesInForce } from '../clock/derive-hold.js';
import { Clock } from '../common/clock.js';
import { FacilitiesRepository, type FacilityRules } from '../facilities/facilities.repository.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { HoldProjector } from '../holds/hold-projector.service.js';
import type { HoldChange } from '../holds/holds.repository.js';
import { AlertsRepository, type ScheduleRow } from './alerts.repository.js';

const HOUR_MS = 3_600_000;

/** The alerts ahead of one running hold: one per warning threshold, and overdue just past the deadline. */
export function planFor(change: HoldChange, warnBeforeHours: readonly number[], nowMs: number = Number.POSITIVE_INFINITY): ScheduleRow[] {
  if (change.phase !== 'open' || change.deadlineAt === null) return [];
  const deadlineAt = change.deadlineAt;
  const deadline = deadlineAt.getTime();
  // Rows written out whole (a change of rules plans 130,000 of them: spreads of a shared base cost more).
  const row = (level: ScheduleRow['level'], thresholdHours: number, fireAt: number): ScheduleRow => ({
    holdId: change.holdId,
    facilityId: change.facilityId,
    bookingId: change.bookingId,
    detainerId: change.detainerId,
    level,
    thresholdHours,
    deadlineAt,
    fireAt: new Date(fireAt),
  });
  const rows = warnBeforeHours.map((h) => row('approaching', h, deadline - h * HOUR_MS));
  // Overdue is the first millisecond past the deadline: release at the deadline itself is on time.
  rows.push(row('overdue', 0, deadline + 1));
  // A detainer waiting for a supervisor's decision: raised at once (custody is unauthorised until decided).
  if (change.review) rows.push(row('review', 0, Math.min(nowMs, deadline)));
  return rows;
}

/**
 * Keeps the alert schedule in step with the holds, inside the transaction that changed
 * them: a retraction or cancellation that moves a deadline re-plans what is still ahead, and a
 * change of a facility's warning thresholds drops the warnings planned at the old ones.
 */
@Injectable()
export class AlertPlanner implements OnModuleInit {
  constructor(
    private readonly projector: HoldProjector,
    private readonly facilities: FacilitiesService,
    private readonly facilityRules: FacilitiesRepository,
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.projector.onHoldsChanged<Buffer[] | null>({
      prepare: (created, facilities) => this.planAhead(created, facilities),
      changed: (m, changes, facilities, ahead) => this.replan(m, changes, facilities, ahead),
    });
    this.facilities.onRulesChanged((m, facilityId) => this.thresholdsInForce(m, facilityId));
  }

  /**
   * A facility's rules changed, or rules dated for later took effect: warnings planned at thresholds
   * no longer in force are dropped (the replan adds those at the new ones; an unchanged deadline
   * keeps its other rows).
   */
  async thresholdsInForce(m: EntityManager, facilityId: string): Promise<void> {
    const rules = (await this.facilityRules.rulesFor([facilityId], m)).get(facilityId);
    if (rules) await this.alerts.dropWarningsNotAt(m, facilityId, rulesInForce(rules.versions, this.clock.now()).warnBeforeHours);
  }

  /** The schedule of holds a batch creates, as COPY data, worked out while the batch's log is written (no database work). */
  planAhead(created: readonly HoldChange[], facilities: ReadonlyMap<string, FacilityRules>): Buffer[] | null {
    const now = this.clock.now();
    return this.alerts.scheduleData(plan(created, facilities, now), new Date(now));
  }

  /** `ahead`: the schedule of the holds just created among `changes`, when it was planned ahead. */
  async replan(m: EntityManager, changes: HoldChange[], facilities: ReadonlyMap<string, FacilityRules>, ahead?: Buffer[] | null): Promise<void> {
    const now = this.clock.now();
    // A hold just created has nothing planned or raised yet: only the others are looked up.
    const existing = changes.filter((c) => !c.created);
    const created =
      ahead === undefined
        ? this.planAhead(
            changes.filter((c) => c.created),
            facilities,
          )
        : ahead;
    await this.alerts.replan(m, existing, plan(existing, facilities, now), new Date(now), created);
  }
}

/** What is ahead for these holds. Warning thresholds are an operating setting: the facility's current ones apply. */
function plan(changes: readonly HoldChange[], facilities: ReadonlyMap<string, FacilityRules>, now: number): ScheduleRow[] {
  const warn = new Map([...facilities].map(([id, f]) => [id, rulesInForce(f.versions, now).warnBeforeHours]));
  return changes.flatMap((c) => planFor(c, warn.get(c.facilityId) ?? [], now));
}
