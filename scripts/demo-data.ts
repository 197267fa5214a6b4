/**
 * A realistic, synthetic picture for the demo and the board's screenshots: several facilities in
 * different zones and policies, a few hundred bookings, holds in every state, some due within hours.
 * Pure and seeded: the same `now` and seed give the same events. Nobody in it is real.
 */
import { policyDeadline, type DetainerForm, type HoldRules } from '../src/clock/hold-clock.js';
import { seededRandom } from '../src/common/seeded-random.js';

const HOUR = 3_600_000;

export interface DemoFacility {
  id: string;
  /** `preset`: the rule set of the facility's real state (GET /api/rule-presets); `policy` and the rest override it. */
  body: { name: string; timeZone: string; preset: string; policy: HoldRules['policy']; holdHours?: number; extraHolidays?: string[]; warnBeforeHours?: number[] };
}

export function demoFacilities(year: number): DemoFacility[] {
  return [
    { id: 'cook', body: { name: 'Cook County Jail', timeZone: 'America/Chicago', preset: 'us-il', policy: 'federal-48-business-hours' } },
    { id: 'maricopa', body: { name: 'Maricopa County Lower Buckeye Jail', timeZone: 'America/Phoenix', preset: 'federal', policy: 'calendar-48-hours', warnBeforeHours: [12, 4, 1] } },
    {
      id: 'oahu',
      body: {
        name: 'Oahu Community Correctional Center',
        timeZone: 'Pacific/Honolulu',
        preset: 'federal',
        policy: 'federal-48-business-hours',
        // State holidays the jail's records office keeps closed.
        extraHolidays: [`${year}-03-26`, `${year}-06-11`, `${year}-08-21`],
      },
    },
    { id: 'king', body: { name: 'King County Correctional Facility', timeZone: 'America/Los_Angeles', preset: 'us-wa', policy: 'calendar-48-hours', holdHours: 24, warnBeforeHours: [6, 2, 1] } },
  ];
}

const FIRST = ['Alex', 'Maria', 'José', 'Wei', 'Fatima', 'Juan', 'Ana', 'Luis', 'Nguyen', 'Olga', 'Samuel', 'Rosa', 'Ivan', 'Carmen', 'Diego', 'Leila'];
const LAST = ['Garcia', 'Hernández', 'Lopez', 'Tran', 'Kowalski', 'Okafor', 'Smith', 'Reyes', 'Chen', 'Ramírez', 'Morales', 'Silva', 'Cruz', 'Haddad'];
const CHARGES: Array<{ code: string; description: string; level: string }> = [
  { code: '720-5/12-3', description: 'Battery', level: 'misdemeanor' },
  { code: '625-5/11-501', description: 'Driving under the influence', level: 'misdemeanor' },
  { code: '625-5/6-303', description: 'Driving while licence suspended', level: 'traffic' },
  { code: '720-5/16-1', description: 'Theft', level: 'felony' },
  { code: '720-570/402', description: 'Possession of a controlled substance', level: 'felony' },
  { code: '720-5/21-3', description: 'Criminal trespass', level: 'infraction' },
];

export type DemoState = 'pending' | 'running' | 'overdue' | 'closed';

export interface DemoPicture {
  facilities: DemoFacility[];
  events: Array<Record<string, unknown>>;
  /** What each booking was made to be, for the summary and the tests. */
  bookings: Array<{ facilityId: string; bookingId: string; state: DemoState }>;
}

/**
 * `perFacility` bookings in each facility. About one in eight pending, a third running (deadlines
 * spread over the next hours and days, a few within the hour), a few overdue, the rest closed:
 * transferred, released, cancelled, some past their deadline.
 */
export function demoPicture(nowMs: number, opts: { perFacility?: number; seed?: number; tag?: string } = {}): DemoPicture {
  const perFacility = opts.perFacility ?? 80;
  const rand = seededRandom(opts.seed ?? 20261124); // the same picture every time for the same clock
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const tag = opts.tag ?? 'demo';
  const year = new Date(nowMs).getUTCFullYear();
  const facilities = demoFacilities(year);
  const events: Array<Record<string, unknown>> = [];
  const bookings: DemoPicture['bookings'] = [];
  let n = 0;
  const iso = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString();

  for (const f of facilities) {
    const rules: HoldRules = {
      timeZone: f.body.timeZone,
      policy: f.body.policy,
      holdHours: f.body.holdHours ?? 48,
      extraHolidays: f.body.extraHolidays ?? [],
      requireJudicialWarrant: false,
    };
    for (let i = 0; i < perFacility; i++) {
      const bookingId = `${tag}-${f.id}-${String(i + 1).padStart(4, '0')}`;
      const personId = `${tag}-p${++n}`;
      const base = { facilityId: f.id, bookingId };
      let seq = 0;
      const add = (type: string, at: number, extra: Record<string, unknown> = {}) => events.push({ eventId: `${bookingId}-${++seq}`, type, occurredAt: iso(at), ...base, ...extra });
      const roll = rand();
      const state: DemoState = roll < 0.12 ? 'pending' : roll < 0.45 ? 'running' : roll < 0.5 ? 'overdue' : 'closed';
      const form: DetainerForm = rand() < 0.9 ? 'I-247A' : pick(['I-247D', 'I-247X'] as const);
      const charge = pick(CHARGES);
      const person = { name: `${pick(FIRST)} ${pick(LAST)}`, dateOfBirth: `19${60 + Math.floor(rand() * 40)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}` };

      // Pick when the person became release-eligible so the hold lands in the state chosen.
      let eligibleAt: number | null = null;
      let deadline = 0;
      const deadlineFor = (at: number) => policyDeadline(at, rules, form, 'none');
      if (state !== 'pending') {
        for (let tries = 0; tries < 200; tries++) {
          const back = state === 'closed' ? (24 + rand() * 24 * 40) * HOUR : state === 'overdue' ? (rules.holdHours + rand() * 80) * HOUR : rand() * rules.holdHours * 1.6 * HOUR;
          const at = nowMs - back;
          const d = deadlineFor(at);
          const fits = state === 'running' ? d > nowMs + 5 * 60_000 : state === 'overdue' ? d < nowMs - 10 * 60_000 && d > nowMs - 3 * HOUR : d < nowMs - 2 * HOUR;
          if (fits) {
            eligibleAt = at;
            deadline = d;
            break;
          }
        }
        if (eligibleAt === null) continue; // no start fits (rare): leave this booking out
      }
      const bookedAt = (eligibleAt ?? nowMs - rand() * 72 * HOUR) - (2 + rand() * 24 * 20) * HOUR;
      const lodgedAt = bookedAt + rand() * ((eligibleAt ?? nowMs) - bookedAt) * 0.8;
      add('booking.opened', bookedAt, { personId, person, charges: [{ ...charge, disposition: state === 'closed' && rand() < 0.4 ? 'convicted' : 'pending' }] });
      // Illinois and Washington hold no one on a civil detainer: there, the held have a judicial warrant.
      const judicialOnly = f.body.preset === 'us-il' || f.body.preset === 'us-wa';
      const warrant = judicialOnly && state !== 'pending' ? 'judicial' : form === 'I-247A' ? 'administrative' : 'none';
      add('detainer.lodged', lodgedAt, { detainerId: 'd1', form, agency: 'ICE', warrant });
      if (eligibleAt !== null) add('booking.release_eligible', eligibleAt, { reason: pick(['bail_posted', 'charges_dismissed', 'sentence_completed', 'court_ordered'] as const) });
      if (state === 'closed') {
        const r = rand();
        const late = rand() < 0.08;
        // A custody end is never after now (one dated ahead is refused).
        const endAt = late ? Math.min(deadline + (0.2 + rand() * 20) * HOUR, nowMs - 60_000) : eligibleAt! + rand() * (deadline - eligibleAt!) * 0.95;
        if (r < 0.1) add('detainer.cancelled', endAt, { detainerId: 'd1' });
        else if (r < 0.65) add('booking.custody_transferred', endAt, { toAgency: 'ICE' });
        else add('booking.released', endAt);
        if (r < 0.1) add('booking.released', Math.min(endAt + HOUR, nowMs));
      }
      bookings.push({ facilityId: f.id, bookingId, state });
    }
  }
  return { facilities, events, bookings };
}
