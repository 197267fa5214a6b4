import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rulesInForce } from '../clock/derive-hold.js';
import { Clock } from '../common/clock.js';
import type { FacilityRules } from '../facilities/facilities.repository.js';
import { HoldProjector } from '../holds/hold-projector.service.js';
import type { HoldChange } from '../holds/holds.repository.js';
import { AlertsRepository, type ScheduleRow } from './alerts.repository.js';

const HOUR_MS = 3_600_000;

/** The alerts ahead of one running hold: one per warning threshold, and overdue just past the deadline. */
export function planFor(change: HoldChange, warnBeforeHours: readonly number[]): ScheduleRow[] {
  if (change.phase !== 'open' || change.deadlineAt === null) return [];
  const deadline = change.deadlineAt.getTime();
  const base = { holdId: change.holdId, facilityId: change.facilityId, bookingId: change.bookingId, detainerId: change.detainerId, deadlineAt: change.deadlineAt };
  return [
    ...warnBeforeHours.map((h) => ({ ...base, level: 'approaching' as const, thresholdHours: h, fireAt: new Date(deadline - h * HOUR_MS) })),
    // Overdue is the first millisecond past the deadline: release at the deadline itself is on time.
    { ...base, level: 'overdue' as const, thresholdHours: 0, fireAt: new Date(deadline + 1) },
  ];
}

/**
 * Keeps the alert schedule in step with the holds, inside the transaction that changed
 * them: a retraction or cancellation that moves a deadline re-plans what is still ahead.
 */
@Injectable()
export class AlertPlanner implements OnModuleInit {
  constructor(
    private readonly projector: HoldProjector,
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.projector.onHoldsChanged((m, changes, facilities) => this.replan(m, changes, facilities));
  }

  async replan(m: EntityManager, changes: HoldChange[], facilities: ReadonlyMap<string, FacilityRules>): Promise<void> {
    const now = this.clock.now();
    // Warning thresholds are an operating setting: the facility's current ones apply.
    const warn = new Map([...facilities].map(([id, f]) => [id, rulesInForce(f.versions, now).warnBeforeHours]));
    const planned = changes.flatMap((c) => planFor(c, warn.get(c.facilityId) ?? []));
    await this.alerts.replan(m, changes, planned, new Date(now));
  }
}
