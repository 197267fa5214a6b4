/**
 * The events a jail management system sends (shared/design/contract.md), validated with
 * zod. Validation reports every problem with the field path that has it.
 */
import { z } from 'zod';
import { DETAINER_FORMS, WARRANT_KINDS } from '../clock/hold-clock.js';
import { canonicalUtc, INSTANT_HINT, parseInstant } from '../common/instant.js';
import { required } from '../common/zod-validation.js';
import { FLAGS, KNOWN_CLASSES } from '../rules/classes.js';

export const MAX_BATCH = 5000;

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: required(`must be one of ${values.join(', ')}`) });

const id = z
  .string({ error: required('must be a string') })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');
const instant = z.string({ error: required(`must be ${INSTANT_HINT}`) }).refine((v) => parseInstant(v) !== null, { message: `must be ${INSTANT_HINT}` });
const text = (max: number) => z.string({ error: required('must be a string') }).max(max, `must be at most ${max} characters`);

export const CHARGE_LEVELS = ['felony', 'misdemeanor', 'infraction', 'traffic', 'none'] as const;
export const DISPOSITIONS = ['pending', 'convicted', 'dismissed', 'acquitted'] as const;
export const RELEASE_REASONS = ['bail_posted', 'charges_dismissed', 'sentence_completed', 'court_ordered', 'other'] as const;
export const ELIGIBILITY_END_REASONS = ['new_charge', 'warrant', 'other_agency_hold', 'remanded', 'other'] as const;

/** A class of offence (src/rules/classes.ts): an unknown one is refused naming it, so a misspelt class cannot pass a criterion unseen. */
const className = z.string({ error: 'must be a class name' }).refine((c) => KNOWN_CLASSES.includes(c), { message: `must be a known class: ${KNOWN_CLASSES.join(', ')}` });
const classes = z.array(className, { error: 'must be an array of class names' }).max(20, 'at most 20 classes');
const isoDate = z
  .string({ error: required('must be a date YYYY-MM-DD') })
  .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && Number.isFinite(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    message: 'must be a date YYYY-MM-DD',
  });

const charge = z.strictObject({
  code: text(64).optional(),
  description: text(500).optional(),
  level: oneOf(CHARGE_LEVELS),
  disposition: oneOf(DISPOSITIONS).optional(),
  classes: classes.optional(),
});
const charges = z.array(charge).max(500, 'at most 500 charges');
/** A prior conviction (`booking.criminal_history`). */
const conviction = z.strictObject({
  code: text(64).optional(),
  description: text(500).optional(),
  classes,
  convictedAt: isoDate,
  jurisdiction: text(100).optional(),
});

const base = {
  eventId: id,
  occurredAt: instant,
  facilityId: id,
  bookingId: id,
  /** The sender's own data, kept as sent and never read: every other field must be the contract's. */
  extensions: z.record(z.string(), z.unknown(), { error: "must be an object of the sender's own fields" }).optional(),
};
const agency = text(64).min(1, 'must not be empty');
/** The API key that recorded an event the app itself writes (decisions, complaints, notices). */
const recordedBy = z.strictObject({ keyId: id, name: text(200) });

export const EVENT_SCHEMAS = {
  'booking.opened': z.strictObject({
    ...base,
    type: z.literal('booking.opened'),
    personId: id,
    person: z.strictObject({ name: text(300).optional(), dateOfBirth: text(10).optional(), aNumber: text(20).optional() }).optional(),
    charges: charges.optional(),
  }),
  'booking.charges_updated': z.strictObject({ ...base, type: z.literal('booking.charges_updated'), charges }),
  'detainer.lodged': z.strictObject({
    ...base,
    type: z.literal('detainer.lodged'),
    detainerId: id,
    form: oneOf(DETAINER_FORMS),
    agency: agency.optional(),
    warrant: oneOf(WARRANT_KINDS).optional(),
    /** ICE's own data, where the jail has it, so an export joins ICE's released detainer tables (issue 29). */
    icePreparedDate: isoDate.optional(),
    iceFacilityCode: text(32).min(1, 'must not be empty').optional(),
    iceLiftReason: text(200).min(1, 'must not be empty').optional(),
  }),
  'detainer.amended': z.strictObject({
    ...base,
    type: z.literal('detainer.amended'),
    detainerId: id,
    form: oneOf(DETAINER_FORMS).optional(),
    warrant: oneOf(WARRANT_KINDS).optional(),
  }),
  'detainer.cancelled': z.strictObject({ ...base, type: z.literal('detainer.cancelled'), detainerId: id }),
  'booking.release_eligible': z.strictObject({ ...base, type: z.literal('booking.release_eligible'), reason: oneOf(RELEASE_REASONS).optional() }),
  'booking.eligibility_ended': z.strictObject({
    ...base,
    type: z.literal('booking.eligibility_ended'),
    reason: oneOf(ELIGIBILITY_END_REASONS),
    agency: agency.optional(),
  }),
  'booking.custody_transferred': z.strictObject({
    ...base,
    type: z.literal('booking.custody_transferred'),
    /** Absent: an unknown agency (never taken for ICE). */
    toAgency: agency.optional(),
  }),
  'booking.released': z.strictObject({ ...base, type: z.literal('booking.released') }),
  /** What the jail knows of the person's prior convictions; replaces what was known. An empty list: checked, none. */
  'booking.criminal_history': z.strictObject({
    ...base,
    type: z.literal('booking.criminal_history'),
    convictions: z.array(conviction, { error: 'must be an array of convictions (empty: checked, none)' }).max(500, 'at most 500 convictions'),
  }),
  'booking.flagged': z.strictObject({ ...base, type: z.literal('booking.flagged'), flag: oneOf(FLAGS) }),
  'booking.unflagged': z.strictObject({ ...base, type: z.literal('booking.unflagged'), flag: oneOf(FLAGS) }),
  /** A supervisor's decision on a detainer that needed review; recorded through POST /api/custody/{id}/decisions only. */
  'detainer.decided': z.strictObject({
    ...base,
    type: z.literal('detainer.decided'),
    detainerId: id,
    decision: oneOf(['honour', 'decline'] as const),
    basis: text(2000).trim().min(1, 'must say, in words, why'),
    decidedBy: z.strictObject({ keyId: id, name: text(200) }),
  }),
  /** A complaint filed, and each step of its workflow; recorded through /api/complaints only (bookingId: the booking it is about, or `complaint:<id>`). */
  'complaint.filed': z.strictObject({
    ...base,
    type: z.literal('complaint.filed'),
    complaintId: id,
    category: text(64),
    receivedVia: text(64),
    personId: id.optional(),
    narrative: text(10000).min(1, 'must not be empty'),
    filedBy: recordedBy,
  }),
  'complaint.transitioned': z.strictObject({
    ...base,
    type: z.literal('complaint.transitioned'),
    complaintId: id,
    from: text(32),
    to: text(32),
    finding: text(32).optional(),
    response: text(10000).optional(),
    by: recordedBy,
  }),
  /** A notice to the person served, or found late by the sweep; recorded through /api/notices only. */
  'notice.served': z.strictObject({
    ...base,
    type: z.literal('notice.served'),
    noticeId: id,
    kind: text(64),
    servedAt: instant,
    servedBy: text(200),
    language: text(64),
    method: text(64),
    recordedBy,
  }),
  'notice.late': z.strictObject({ ...base, type: z.literal('notice.late'), noticeId: id, kind: text(64), dueAt: instant }),
  'event.retracted': z.strictObject({ ...base, type: z.literal('event.retracted'), retractsEventId: id, reason: text(1000).min(1, 'must not be empty') }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
/** Events the app records itself, through their own routes: never sent by a JMS. */
export const RECORDED_BY_APP: ReadonlySet<string> = new Set(['detainer.decided', 'complaint.filed', 'complaint.transitioned', 'notice.served', 'notice.late']);
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type JmsEvent = { [K in EventType]: z.infer<(typeof EVENT_SCHEMAS)[K]> }[EventType];

export interface FieldError {
  field: string;
  message: string;
}

/**
 * `event`: the object as sent, once valid: zod's copy (which leaves out fields the contract does
 * not name) is not kept, so the projection reads what the log holds whether a booking is advanced
 * by new events or refolded from its stored log, and a batch keeps one copy of its events, not two.
 * `occurredAtIso`: the instant in UTC, as `Date.toISOString` writes it.
 */
export type Validated = { ok: true; event: JmsEvent; occurredAtMs: number; occurredAtIso: string } | { ok: false; errors: FieldError[] };

function fieldErrors(error: z.ZodError): FieldError[] {
  const at = (path: PropertyKey[]) => (path.length ? path.join('.') : '(event)');
  // An unknown field is named itself (a misspelt `toAgncy` must not pass unseen); the sender's own data goes in `extensions`.
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: at([...i.path, k]), message: 'is not a known field; put the sender\'s own data in "extensions"' }))
      : [{ field: at(i.path), message: i.message }],
  );
}

/** How far a custody end may be dated after its receipt: the sender's and the server's clocks may differ this much. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A custody end (`booking.released`, `booking.custody_transferred`) says the person has left.
 * Dated ahead of its receipt (a release planned for later, a mistyped year), it would close the
 * hold, and silence its alerts, while the person is still held: refused, naming occurredAt.
 * Other events may be dated ahead: a release-eligible instant known in advance keeps the hold
 * pending until it comes, and a cancellation can only bring the deadline forward.
 */
export function custodyEndAhead(event: JmsEvent, occurredAtMs: number, receivedAtMs: number): FieldError | null {
  if (event.type !== 'booking.released' && event.type !== 'booking.custody_transferred') return null;
  if (occurredAtMs <= receivedAtMs + CLOCK_SKEW_MS) return null;
  return {
    field: 'occurredAt',
    message: `is after the time received (${new Date(receivedAtMs).toISOString()}): a custody end is sent once the person has left (up to ${CLOCK_SKEW_MS / 60_000} minutes of clock difference allowed)`,
  };
}

export function validateEvent(raw: unknown): Validated {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '(event)', message: 'must be a JSON object' }] };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !(type in EVENT_SCHEMAS)) {
    const message = `must be one of ${EVENT_TYPES.join(', ')}`;
    // Still report the common fields, so one answer names every problem.
    const common = z.object(base).safeParse(raw);
    return { ok: false, errors: [{ field: 'type', message }, ...(common.success ? [] : fieldErrors(common.error))] };
  }
  const parsed = EVENT_SCHEMAS[type as EventType].safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const occurredAtMs = parseInstant(parsed.data.occurredAt)!;
  return { ok: true, event: raw as JmsEvent, occurredAtMs, occurredAtIso: canonicalUtc(parsed.data.occurredAt, occurredAtMs) };
}
