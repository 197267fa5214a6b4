import { isoLocal, isoUtc } from '../common/instant.js';
import type { OversightAlertRow } from './oversight-sweep.service.js';

/** An instant as a row gives it: a Date from a column, or ISO text from a row read as JSON (a webhook delivery's claim). */
type Instant = Date | string;

/**
 * An oversight alert's row with its facility's zone and what it is about (the complaint's category
 * or the notice's kind), as OVERSIGHT_ALERT_ROWS reads it.
 */
export type OversightAlertViewRow = Omit<OversightAlertRow, 'due_at' | 'raised_at' | 'acknowledged_at'> & {
  due_at: Instant;
  raised_at: Instant;
  acknowledged_at: Instant | null;
  time_zone: string;
  category: string | null;
  notice_kind: string | null;
};

/** Every oversight alert (as `a`) with what its view shows besides: the one place the API and the webhooks read them from. */
export const OVERSIGHT_ALERT_ROWS = `SELECT a.*, f.time_zone, c.category, n.kind AS notice_kind
  FROM oversight_alerts a JOIN facilities f ON f.id = a.facility_id
  LEFT JOIN complaints c ON c.id = a.subject_id AND a.kind <> 'notice_late'
  LEFT JOIN notices n ON n.id = a.subject_id AND a.kind = 'notice_late'`;

const at = (v: Instant | null) => (v === null ? null : new Date(v));

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
  dueAt: isoUtc(at(a.due_at)),
  dueLocal: isoLocal(at(a.due_at), a.time_zone),
  raisedAt: isoUtc(at(a.raised_at)),
  raisedLocal: isoLocal(at(a.raised_at), a.time_zone),
  acknowledgedAt: isoUtc(at(a.acknowledged_at)),
  acknowledgedLocal: isoLocal(at(a.acknowledged_at), a.time_zone),
  acknowledgedBy: a.acknowledged_by,
  note: a.note,
  timeZone: a.time_zone,
});
export type OversightAlertView = ReturnType<typeof oversightAlertView>;
