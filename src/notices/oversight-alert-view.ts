import { isoLocal, isoUtc } from '../common/instant.js';
import type { OversightAlertRow } from './oversight-sweep.service.js';

/** An oversight alert's row with its facility's zone and what it is about (the complaint's category or the notice's kind). */
export type OversightAlertViewRow = OversightAlertRow & { time_zone: string; category: string | null; notice_kind: string | null };

/** An oversight alert as the API shows it: what is past due, since when, in the facility's time too, and who acknowledged it. */
export const oversightAlertView = (a: OversightAlertViewRow) => ({
  id: a.id,
  kind: a.kind,
  subjectId: a.subject_id,
  /** The complaint's category, or the notice's kind. */
  about: a.category ?? a.notice_kind,
  facilityId: a.facility_id,
  bookingId: a.booking_id?.startsWith('complaint:') ? null : a.booking_id,
  state: a.acknowledged_at === null ? ('open' as const) : ('acknowledged' as const),
  dueAt: isoUtc(a.due_at),
  dueLocal: isoLocal(a.due_at, a.time_zone),
  raisedAt: isoUtc(a.raised_at),
  raisedLocal: isoLocal(a.raised_at, a.time_zone),
  acknowledgedAt: isoUtc(a.acknowledged_at),
  acknowledgedLocal: isoLocal(a.acknowledged_at, a.time_zone),
  acknowledgedBy: a.acknowledged_by,
  note: a.note,
  timeZone: a.time_zone,
});
export type OversightAlertView = ReturnType<typeof oversightAlertView>;
