import { NO_NAMES, type PersonNames } from '../auth/personal-data.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import { holdId } from '../holds/booking-key.js';
import type { AlertView } from './alert.dto.js';
import type { AlertRow } from './alerts.repository.js';

const ms = (v: Date | string) => new Date(v).getTime();
const opt = (v: Date | string | null) => (v === null ? null : isoUtc(ms(v)));

/** `names`: as the reader may see them; none for webhooks, whose receivers are no role. */
export function toAlertView(a: AlertRow, names: PersonNames = NO_NAMES): AlertView {
  // The facility's clock for people: the same clock as the deadline's, whatever the reader's desk says.
  const local = (v: Date | string | null) => (v === null ? null : isoLocal(ms(v), a.time_zone ?? 'UTC'));
  return {
    // Alerts are raised per custody record (the alert's subject); holdId names the hold of the detainer whose authority ends at the deadline.
    id: a.id,
    ...heldBy(a),
    custodyId: a.hold_id,
    custodyUrl: `/api/custody/${a.hold_id}`,
    facilityId: a.facility_id,
    bookingId: a.booking_id,
    personId: a.person_id ?? null,
    personName: names.personName,
    aNumber: names.aNumber,
    detainerId: a.detainer_id || null,
    level: a.level,
    thresholdHours: a.level === 'approaching' ? Number(a.threshold_hours) : null,
    deadlineAt: isoUtc(ms(a.deadline_at))!,
    deadlineLocal: local(a.deadline_at)!,
    dueAt: isoUtc(ms(a.due_at))!,
    raisedAt: isoUtc(ms(a.raised_at))!,
    raisedLocal: local(a.raised_at)!,
    late: a.late,
    state: a.state,
    escalatedAt: opt(a.escalated_at ?? null),
    custodyEndedAt: opt(a.custody_ended_at ?? null),
    custodyEndedLocal: local(a.custody_ended_at ?? null),
    acknowledgedAt: opt(a.acknowledged_at),
    acknowledgedLocal: local(a.acknowledged_at),
    acknowledgedBy: a.acknowledged_by,
    note: a.note,
    resolvedAt: opt(a.resolved_at),
    resolution: a.resolution,
  };
}

function heldBy(a: AlertRow): { holdId: string | null; holdUrl: string | null } {
  if (!a.detainer_id) return { holdId: null, holdUrl: null };
  const id = holdId(a.facility_id, a.booking_id, a.detainer_id);
  return { holdId: id, holdUrl: `/api/holds/${id}` };
}
