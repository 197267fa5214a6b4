import { isoLocal, isoUtc } from '../common/instant.js';
import type { AlertView } from './alert.dto.js';
import type { AlertRow } from './alerts.repository.js';

const ms = (v: Date | string) => new Date(v).getTime();
const opt = (v: Date | string | null) => (v === null ? null : isoUtc(ms(v)));

export function toAlertView(a: AlertRow): AlertView {
  // The facility's clock for people: the same clock as the deadline's, whatever the reader's desk says.
  const local = (v: Date | string | null) => (v === null ? null : isoLocal(ms(v), a.time_zone ?? 'UTC'));
  return {
    id: a.id, holdId: a.hold_id, holdUrl: `/api/holds/${a.hold_id}`, facilityId: a.facility_id, bookingId: a.booking_id, detainerId: a.detainer_id,
    level: a.level, thresholdHours: a.level === 'approaching' ? Number(a.threshold_hours) : null,
    deadlineAt: isoUtc(ms(a.deadline_at))!, deadlineLocal: local(a.deadline_at)!,
    dueAt: isoUtc(ms(a.due_at))!, raisedAt: isoUtc(ms(a.raised_at))!, raisedLocal: local(a.raised_at)!, late: a.late, state: a.state,
    acknowledgedAt: opt(a.acknowledged_at), acknowledgedLocal: local(a.acknowledged_at), acknowledgedBy: a.acknowledged_by, note: a.note,
    resolvedAt: opt(a.resolved_at), resolution: a.resolution,
  };
}
