/** Builders for facilities and events, with sensible defaults and unique ids. */
let counter = 0;
const next = (prefix: string) => `${prefix}-${++counter}`;

export function facilityBody(over: Record<string, unknown> = {}) {
  return { name: 'Test County Jail', timeZone: 'America/New_York', policy: 'federal-48-business-hours', ...over };
}

type Base = { facilityId: string; bookingId: string; occurredAt: string; eventId?: string };
const base = (type: string, b: Base) => ({ eventId: b.eventId ?? next('ev'), type, occurredAt: b.occurredAt, facilityId: b.facilityId, bookingId: b.bookingId });

export const ev = {
  opened: (b: Base & { personId?: string; person?: object; charges?: object[] }) => ({
    ...base('booking.opened', b),
    personId: b.personId ?? `person-${b.bookingId}`,
    ...(b.person ? { person: b.person } : {}),
    ...(b.charges ? { charges: b.charges } : {}),
  }),
  charges: (b: Base & { charges: object[] }) => ({ ...base('booking.charges_updated', b), charges: b.charges }),
  lodged: (b: Base & { detainerId?: string; form?: string; warrant?: string; agency?: string }) => ({
    ...base('detainer.lodged', b),
    detainerId: b.detainerId ?? 'd1',
    form: b.form ?? 'I-247A',
    ...(b.warrant ? { warrant: b.warrant } : {}),
    ...(b.agency ? { agency: b.agency } : {}),
  }),
  cancelled: (b: Base & { detainerId?: string }) => ({ ...base('detainer.cancelled', b), detainerId: b.detainerId ?? 'd1' }),
  eligible: (b: Base & { reason?: string }) => ({ ...base('booking.release_eligible', b), ...(b.reason ? { reason: b.reason } : {}) }),
  transferred: (b: Base & { toAgency?: string }) => ({ ...base('booking.custody_transferred', b), ...(b.toAgency ? { toAgency: b.toAgency } : {}) }),
  released: (b: Base) => base('booking.released', b),
  retracted: (b: Base & { retractsEventId: string; reason?: string }) => ({ ...base('event.retracted', b), retractsEventId: b.retractsEventId, reason: b.reason ?? 'entered in error' }),
};

/** A complete story: booked, detainer lodged, release-eligible at `eligibleAt`, optionally ended. */
export function story(facilityId: string, bookingId: string, eligibleAt: string | null, end?: { at: string; kind: 'released' | 'transferred' }) {
  const list: object[] = [ev.opened({ facilityId, bookingId, occurredAt: '2026-10-01T12:00:00Z' }), ev.lodged({ facilityId, bookingId, occurredAt: '2026-10-02T12:00:00Z' })];
  if (eligibleAt) list.push(ev.eligible({ facilityId, bookingId, occurredAt: eligibleAt }));
  if (end) list.push(end.kind === 'released' ? ev.released({ facilityId, bookingId, occurredAt: end.at }) : ev.transferred({ facilityId, bookingId, occurredAt: end.at }));
  return list;
}
