/**
 * Turns the Pierce County, WA jail records (shared/data/pierce-county-immigration-holds.csv,
 * one row per charge, times in Pacific local time) into Detainer Monitor events:
 * booking.opened with its charges, detainer.lodged at booking, detainer.cancelled when the
 * hold was cancelled, booking.release_eligible at the latest local charge release (at booking
 * when the hold was the only charge), and custody transferred to ICE (or another agency) or
 * released at the booking's release. Pure: no I/O.
 */
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';

export const PIERCE_FACILITY = {
  id: 'pierce-wa',
  body: { name: 'Pierce County Jail (replay)', timeZone: 'America/Los_Angeles', policy: 'federal-48-business-hours' as const },
};

export interface PierceRow {
  booking_id: string;
  booking_dt: string;
  release_dt: string;
  charge_desc: string;
  charge_class: string;
  charge_jurisdiction: string;
  charge_release_dt: string;
  charge_release_disposition: string;
  final_release_disposition: string;
}

export interface PierceBooking {
  bookingId: string;
  bookedAt: string;
  releasedAt: string;
  hold: PierceRow;
  local: PierceRow[];
  /** Things in the record that a reader should know were odd. */
  anomalies: string[];
}

const ZONE = 'America/Los_Angeles';
const IMMIGRATION_HOLD = 'HOLD IMMIGRAT';

export function parsePierceCsv(text: string): PierceRow[] {
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as PierceRow[];
}

/** "2017-04-21 11:43:00" Pacific local -> ISO instant with its offset. */
export function pacific(local: string): string {
  const dt = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm:ss', { zone: ZONE });
  if (!dt.isValid) throw new Error(`not a local time: "${local}"`);
  return dt.toISO({ suppressMilliseconds: true })!;
}

const ms = (iso: string) => Date.parse(iso);

export function groupBookings(rows: PierceRow[]): PierceBooking[] {
  const by = new Map<string, PierceRow[]>();
  for (const r of rows) {
    if (!by.has(r.booking_id)) by.set(r.booking_id, []);
    by.get(r.booking_id)!.push(r);
  }
  return [...by].map(([bookingId, rs]) => {
    const holds = rs.filter((r) => r.charge_desc === IMMIGRATION_HOLD);
    if (holds.length !== 1) throw new Error(`booking ${bookingId} has ${holds.length} immigration holds`);
    const b: PierceBooking = { bookingId, bookedAt: pacific(rs[0].booking_dt), releasedAt: pacific(rs[0].release_dt), hold: holds[0], local: rs.filter((r) => r !== holds[0]), anomalies: [] };
    const eligible = releaseEligibleAt(b);
    if (ms(eligible) > ms(b.releasedAt)) b.anomalies.push('a local charge was released after the person left the jail');
    if (b.local.length === 0) b.anomalies.push('held only on the immigration hold (no local charge)');
    return b;
  });
}

/** The latest release of a local charge: from then on only the detainer held the person. */
export function releaseEligibleAt(b: PierceBooking): string {
  if (b.local.length === 0) return b.bookedAt;
  return b.local.map((r) => pacific(r.charge_release_dt)).reduce((a, c) => (ms(c) > ms(a) ? c : a));
}

export function chargeLevel(chargeClass: string): 'felony' | 'misdemeanor' | 'infraction' | 'none' {
  if (chargeClass.includes('felony')) return 'felony';
  if (chargeClass.includes('misdemeanor')) return 'misdemeanor';
  if (chargeClass.includes('infraction')) return 'infraction';
  return 'none';
}

function disposition(d: string): 'pending' | 'convicted' | 'dismissed' | 'acquitted' {
  if (/Not Guilty/i.test(d)) return 'acquitted';
  if (/Dismiss|NCF|No Charges/i.test(d)) return 'dismissed';
  if (/Time Served|Sentence|WSI|Chain/i.test(d)) return 'convicted';
  return 'pending';
}

function releaseReason(d: string): 'bail_posted' | 'charges_dismissed' | 'sentence_completed' | 'court_ordered' | 'other' {
  if (/Bail|Bond/i.test(d)) return 'bail_posted';
  if (/Dismiss|NCF|No Charges|Not Guilty/i.test(d)) return 'charges_dismissed';
  if (/Time Served/i.test(d)) return 'sentence_completed';
  if (/Court Order|^PR$/i.test(d)) return 'court_ordered';
  return 'other';
}

/** Where custody went when the person left; null means released. */
function custodyTo(d: string): string | null {
  if (d === 'Immigration') return 'ICE';
  if (/WSI Chain|Mini-Chain/i.test(d)) return 'Washington DOC';
  if (/FBI|DEA|US Marshall|Extradition|Police Department|Sheriff's Office|Western State Hospital/i.test(d)) return d;
  return null;
}

export function bookingEvents(b: PierceBooking, facilityId = PIERCE_FACILITY.id): object[] {
  const base = (suffix: string, type: string, occurredAt: string) => ({ eventId: `pierce-${b.bookingId}-${suffix}`, type, occurredAt, facilityId, bookingId: b.bookingId });
  const events: object[] = [
    {
      ...base('opened', 'booking.opened', b.bookedAt),
      personId: `pierce-person-${b.bookingId.slice(0, 16)}`,
      charges: b.local.map((r) => ({ code: r.charge_jurisdiction, description: r.charge_desc, level: chargeLevel(r.charge_class), disposition: disposition(r.charge_release_disposition) })),
    },
    { ...base('detainer', 'detainer.lodged', b.bookedAt), detainerId: 'imm-hold', form: 'other', agency: 'ICE' },
  ];
  if (b.hold.charge_release_disposition === 'Cancel Detainer') {
    events.push({ ...base('cancelled', 'detainer.cancelled', pacific(b.hold.charge_release_dt)), detainerId: 'imm-hold' });
  }
  const eligible = releaseEligibleAt(b);
  const lastLocal = b.local.find((r) => pacific(r.charge_release_dt) === eligible);
  events.push({ ...base('eligible', 'booking.release_eligible', eligible), reason: lastLocal ? releaseReason(lastLocal.charge_release_disposition) : 'other' });
  const to = custodyTo(b.hold.final_release_disposition);
  events.push(to ? { ...base('left', 'booking.custody_transferred', b.releasedAt), toAgency: to } : base('left', 'booking.released', b.releasedAt));
  return events;
}
