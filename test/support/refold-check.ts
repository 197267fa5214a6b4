import type { DataSource } from 'typeorm';
import { deriveHold, rulesInForce } from '../../src/clock/derive-hold.js';
import type { HoldRules } from '../../src/clock/hold-clock.js';
import type { JmsEvent } from '../../src/events/event.schema.js';
import { foldBooking } from '../../src/holds/booking-projection.js';

type Query = (sql: string) => Promise<Array<Record<string, any>>>;

/**
 * The bookings of a facility whose stored hold differs from what a full refold of their
 * events gives, with the rules given (one policy version). Empty when projections are whole.
 */
export async function holdsNotMatchingLog(query: Query, facilityId: string, rules: HoldRules): Promise<{ bookings: number; wrong: string[] }> {
  const events = (await query(`SELECT seq, booking_id, occurred_at, body FROM events WHERE facility_id = '${facilityId}' ORDER BY seq`)) as Array<{ seq: number; booking_id: string; occurred_at: Date; body: JmsEvent }>;
  const holds = new Map((await query(`SELECT booking_id, detainer_id, phase, deadline_at, ended_at, compliant FROM holds WHERE facility_id = '${facilityId}'`)).map((h) => [`${h.booking_id}/${h.detainer_id}`, h]));
  const byBooking = new Map<string, Array<{ seq: number; occurredAtMs: number; body: JmsEvent }>>();
  for (const e of events) {
    if (!byBooking.has(e.booking_id)) byBooking.set(e.booking_id, []);
    byBooking.get(e.booking_id)!.push({ seq: Number(e.seq), occurredAtMs: new Date(e.occurred_at).getTime(), body: e.body });
  }
  const wrong: string[] = [];
  for (const [bookingId, log] of byBooking) {
    const state = foldBooking(log);
    for (const [detainerId, d] of state.detainers) {
      if (d.lodgedAt === null || d.form === null) continue;
      const expected = deriveHold(state, { lodgedAt: d.lodgedAt, cancelledAt: d.cancelledAt, form: d.form, warrant: d.warrant }, (t) => rulesInForce([{ effectiveFrom: null, rules }], t).rules);
      const got = holds.get(`${bookingId}/${detainerId}`);
      const ms = (v: unknown) => (v ? new Date(v as string).getTime() : null);
      if (!got || got.phase !== expected.phase || ms(got.deadline_at) !== expected.deadlineAt || ms(got.ended_at) !== expected.endedAt || got.compliant !== expected.compliant) wrong.push(bookingId);
    }
  }
  return { bookings: byBooking.size, wrong };
}

export const viaDataSource = (ds: DataSource): Query => (sql) => ds.query(sql);
