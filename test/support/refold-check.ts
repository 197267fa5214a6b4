import type { DataSource } from 'typeorm';
import type { HoldRules } from '../../src/clock/hold-clock.js';
import { judgeCustody } from '../../src/custody/judge.js';
import type { JmsEvent } from '../../src/events/event.schema.js';
import { foldBooking } from '../../src/holds/booking-projection.js';

type Query = (sql: string) => Promise<Array<Record<string, any>>>;

/**
 * The bookings of a facility whose stored custody record or holds differ from what judging a full
 * refold of their events gives, with the rules given (one version). Empty when projections are whole.
 */
export async function holdsNotMatchingLog(query: Query, facilityId: string, rules: HoldRules): Promise<{ bookings: number; wrong: string[] }> {
  const events = (await query(`SELECT seq, booking_id, occurred_at, received_at, body FROM events WHERE facility_id = '${facilityId}' ORDER BY seq`)) as Array<{
    seq: number;
    booking_id: string;
    occurred_at: Date;
    received_at: Date;
    body: JmsEvent;
  }>;
  const holds = new Map(
    (await query(`SELECT booking_id, detainer_id, phase, deadline_at, ended_at, compliant FROM holds WHERE facility_id = '${facilityId}'`)).map((h) => [`${h.booking_id}/${h.detainer_id}`, h]),
  );
  const custody = new Map((await query(`SELECT booking_id, phase, due_at, ended_at, compliant, overage_ms FROM custody_records WHERE facility_id = '${facilityId}'`)).map((c) => [c.booking_id, c]));
  const byBooking = new Map<string, Array<{ seq: number; occurredAtMs: number; receivedAtMs: number; body: JmsEvent }>>();
  for (const e of events) {
    if (!byBooking.has(e.booking_id)) byBooking.set(e.booking_id, []);
    byBooking.get(e.booking_id)!.push({ seq: Number(e.seq), occurredAtMs: new Date(e.occurred_at).getTime(), receivedAtMs: new Date(e.received_at).getTime(), body: e.body });
  }
  const ms = (v: unknown) => (v ? new Date(v as string).getTime() : null);
  const wrong: string[] = [];
  for (const [bookingId, log] of byBooking) {
    const j = judgeCustody(foldBooking(log).facts, [{ effectiveFrom: null, rules }]);
    const c = custody.get(bookingId);
    if (j.detainers.length === 0) {
      if (c) wrong.push(bookingId);
      continue;
    }
    const overage = c?.overage_ms === null || c?.overage_ms === undefined ? null : Number(c.overage_ms);
    if (!c || c.phase !== j.phase || ms(c.due_at) !== j.dueAt || ms(c.ended_at) !== j.endedAt || c.compliant !== j.compliant || overage !== j.overageMs) wrong.push(bookingId);
    for (const d of j.detainers) {
      const got = holds.get(`${bookingId}/${d.detainerId}`);
      if (!got || got.phase !== j.phase || ms(got.deadline_at) !== d.deadlineAt || ms(got.ended_at) !== j.endedAt || got.compliant !== j.compliant) wrong.push(bookingId);
    }
  }
  return { bookings: byBooking.size, wrong };
}

export const viaDataSource =
  (ds: DataSource): Query =>
  (sql) =>
    ds.query(sql);
