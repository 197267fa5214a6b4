/**
 * The mapping core: the records of one booking (charge rows of a CSV, or one XML document) and a
 * mapping in, contract events out, or the reasons they cannot be made. Pure: no I/O, no Nest.
 *
 * A booking is imported whole or not at all: any value that does not read as the mapping says
 * makes every record of the booking a reject naming it, so no hold is left half-told.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';
import { EVENT_SCHEMAS, validateEvent } from '../events/event.schema.js';
import type { Mapping } from './mapping.js';
import type { SourceRecord } from './records.js';
import { applyMap, holds, readTime, readValue, ValueProblem, type Note, type ReadTime, type TimeContext } from './values.js';

export interface EventDraft {
  type: string;
  occurredAt: string;
  facilityId: string;
  bookingId: string;
  [field: string]: unknown;
}
export type ImportEvent = EventDraft & { eventId: string };

export interface BookingGroup {
  bookingId: string;
  records: SourceRecord[];
}

export interface MappedBooking {
  bookingId: string;
  /** Empty when the booking was rejected or skipped. */
  events: ImportEvent[];
  /** Why the booking could not be imported; empty when it was. */
  problems: string[];
  /** No detainer rule fitted and the mapping skips such bookings. */
  skipped: boolean;
  detainers: number;
  /** Defaults used, day-precision times: reported in the summary. */
  notes: Note[];
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** The part of an event id between the prefix and the content hash; hashed when it would make the id too long. */
export function idCore(idPrefix: string, bookingId: string, kind: string): string {
  const core = `${bookingId}:${kind}`;
  return idPrefix.length + core.length + 14 > 128 ? sha(core).slice(0, 40) : core;
}

/**
 * An event id from the source: the booking, what the event is, and a hash of its content. The same
 * file gives the same ids (a second import is all duplicates); a corrected value gives a new id,
 * and the old event is retracted (see corrections.ts), never overwritten.
 */
export function withEventId(idPrefix: string, kind: string, event: EventDraft): ImportEvent {
  const h = sha(canonicalJson(event)).slice(0, 12);
  return { eventId: `${idPrefix}:${idCore(idPrefix, event.bookingId, kind)}:${h}`, ...event };
}

/** The id prefix of every event an import of this mapping makes for a booking. */
export const bookingIdPrefix = (idPrefix: string) => `${idPrefix}:`;

interface ChargeRead {
  record: SourceRecord;
  charge: Record<string, string>;
  releasedAt?: ReadTime;
}

export interface MapContext {
  facilityId: string;
  /** The file's name, for extensions.source. */
  file: string;
}

export function mapBooking(mapping: Mapping, group: BookingGroup, ctx: MapContext): MappedBooking {
  const notes: Note[] = [];
  const out: MappedBooking = { bookingId: group.bookingId, events: [], problems: [], skipped: false, detainers: 0, notes };
  try {
    build(mapping, group, ctx, out);
  } catch (e) {
    if (!(e instanceof ValueProblem)) throw e;
    out.problems.push(e.message);
  }
  if (out.problems.length) {
    out.events = [];
    out.detainers = 0;
  }
  return out;
}

function build(m: Mapping, group: BookingGroup, ctx: MapContext, out: MappedBooking): void {
  const notes = out.notes;
  const first = group.records[0];
  const time: TimeContext = { timeZone: m.timeZone, dateOnly: m.dateOnly };
  const bookedAt = readTime(m.booking.bookedAt, first, 'booking.bookedAt', time, notes);
  if (!bookedAt) throw new ValueProblem(`booking.bookedAt: not in the source`);
  time.bookedAt = bookedAt;
  const personId = readValue(m.booking.personId, first, 'booking.personId', notes);
  if (!personId) throw new ValueProblem('booking.personId: not in the source');
  const lines = (records: SourceRecord[]) => [...new Set(records.map((r) => r.line))];
  const common = (type: string, at: ReadTime, records: SourceRecord[]) => {
    const extensions: Record<string, unknown> = {};
    if (m.extensions.source) extensions.source = { file: ctx.file, lines: lines(records) };
    if (m.extensions.precision && at.precision === 'day') extensions.precision = 'day';
    return { type, occurredAt: at.iso, facilityId: ctx.facilityId, bookingId: group.bookingId, ...(Object.keys(extensions).length ? { extensions } : {}) };
  };
  const eachOf = (each: string | undefined) => (m.format === 'csv' ? group.records : group.records.flatMap((r) => (each ? r.each(each) : [r])));

  // Detainers, rule by rule; in a charge-line export the hold's own row is no local charge.
  const detainerLines = new Set<SourceRecord>();
  const detainerEvents: ImportEvent[] = [];
  const detainerIds = new Map<string, number>();
  for (const [i, rule] of m.detainers.entries()) {
    if (rule.onlyIfNoneFound && detainerIds.size > 0) continue;
    for (const r of eachOf(rule.each).filter((r) => holds(rule.when, r))) {
      if (rule.chargeLine) detainerLines.add(r);
      const field = `detainers.${i}`;
      const detainerId = readValue(rule.id, r, `${field}.id`, notes);
      if (!detainerId) throw new ValueProblem(`${field}.id: not in the source (line ${r.line})`);
      if (detainerIds.has(detainerId)) throw new ValueProblem(`${field}.id: two detainers of the booking have the id "${detainerId}" (lines ${detainerIds.get(detainerId)} and ${r.line})`);
      detainerIds.set(detainerId, r.line);
      const lodgedAt = readTime(rule.lodgedAt, r, `${field}.lodgedAt`, time, notes);
      if (!lodgedAt) throw new ValueProblem(`${field}.lodgedAt: not in the source (line ${r.line})`);
      const form = readValue(rule.form, r, `${field}.form`, notes);
      const agency = readValue(rule.agency, r, `${field}.agency`, notes);
      const warrant = readValue(rule.warrant, r, `${field}.warrant`, notes);
      const kind = `detainer.${detainerId}`;
      detainerEvents.push(withEventId(m.idPrefix, kind, { ...common('detainer.lodged', lodgedAt, [r]), detainerId, form, ...(agency ? { agency } : {}), ...(warrant ? { warrant } : {}) }));
      if (rule.cancelled && holds(rule.cancelled.when, r)) {
        const at = readTime(rule.cancelled.at, r, `${field}.cancelled.at`, time, notes);
        if (!at) throw new ValueProblem(`${field}.cancelled.at: not in the source (line ${r.line})`);
        detainerEvents.push(withEventId(m.idPrefix, `cancelled.${detainerId}`, { ...common('detainer.cancelled', at, [r]), detainerId }));
      }
      if (rule.amended && holds(rule.amended.when, r)) {
        const at = readTime(rule.amended.at, r, `${field}.amended.at`, time, notes);
        if (!at) throw new ValueProblem(`${field}.amended.at: not in the source (line ${r.line})`);
        const newForm = readValue(rule.amended.form, r, `${field}.amended.form`, notes);
        const newWarrant = readValue(rule.amended.warrant, r, `${field}.amended.warrant`, notes);
        detainerEvents.push(
          withEventId(m.idPrefix, `amended.${detainerId}`, {
            ...common('detainer.amended', at, [r]),
            detainerId,
            ...(newForm ? { form: newForm } : {}),
            ...(newWarrant ? { warrant: newWarrant } : {}),
          }),
        );
      }
    }
  }
  out.detainers = detainerIds.size;
  if (detainerIds.size === 0 && m.withoutDetainer === 'skip') {
    out.skipped = true;
    return;
  }

  // Local charges.
  const charges: ChargeRead[] = [];
  const cs = m.booking.charges && (!m.booking.charges.records || m.booking.charges.records.includes(first.kind)) ? m.booking.charges : undefined;
  if (cs) {
    for (const [j, r] of eachOf(cs.each)
      .filter((r) => !detainerLines.has(r) && holds(cs.when, r))
      .entries()) {
      const field = `booking.charges`;
      const charge: Record<string, string> = {};
      for (const key of ['code', 'description', 'level', 'disposition'] as const) {
        const v = readValue(cs[key], r, `${field}.${key}`, notes);
        if (v !== undefined) charge[key] = v;
      }
      if (charge.level === undefined) throw new ValueProblem(`${field}.level: not in the source (charge ${j + 1}, line ${r.line})`);
      charges.push({ record: r, charge, releasedAt: readTime(cs.releasedAt, r, `${field}.releasedAt`, time, notes) });
    }
  }

  const person: Record<string, string> = {};
  for (const key of ['name', 'dateOfBirth', 'aNumber'] as const) {
    const v = readValue(m.booking.person?.[key], first, `booking.person.${key}`, notes);
    if (v !== undefined) person[key] = v;
  }
  const events: ImportEvent[] = [
    withEventId(m.idPrefix, 'opened', {
      ...common('booking.opened', bookedAt, group.records),
      personId,
      ...(Object.keys(person).length ? { person } : {}),
      ...(cs ? { charges: charges.map((c) => c.charge) } : {}),
    }),
    ...detainerEvents,
  ];

  // Release eligibility: a time of its own, or the latest release of the local charges.
  const re = m.releaseEligible;
  if (re && holds(re.when, first)) {
    let at: ReadTime | undefined;
    let reason: string | undefined;
    let records = [first];
    if (re.at === 'latestChargeRelease') {
      if (charges.length === 0) {
        at = readTime(re.ifNoCharges, first, 'releaseEligible.ifNoCharges', time, notes);
        reason = re.ifNoChargesReason;
      } else if (charges.every((c) => c.releasedAt)) {
        // Every local charge has let go: from the last of them only the detainer held the person.
        const last = charges.reduce((a, c) => (c.releasedAt!.ms > a.releasedAt!.ms ? c : a));
        at = last.releasedAt;
        records = [last.record];
        reason = readValue(re.reason, last.record, 'releaseEligible.reason', notes);
      }
    } else {
      at = readTime(re.at, first, 'releaseEligible.at', time, notes);
      reason = readValue(re.reason, first, 'releaseEligible.reason', notes);
    }
    if (at) events.push(withEventId(m.idPrefix, 'eligible', { ...common('booking.release_eligible', at, records), ...(reason ? { reason } : {}) }));
  }

  for (const [i, rule] of (m.eligibilityEnded ?? []).entries()) {
    for (const r of eachOf(rule.each).filter((r) => holds(rule.when, r))) {
      const at = readTime(rule.at, r, `eligibilityEnded.${i}.at`, time, notes);
      if (!at) throw new ValueProblem(`eligibilityEnded.${i}.at: not in the source (line ${r.line})`);
      const reason = readValue(rule.reason, r, `eligibilityEnded.${i}.reason`, notes);
      const agency = readValue(rule.agency, r, `eligibilityEnded.${i}.agency`, notes);
      events.push(withEventId(m.idPrefix, `eligibility-ended.${at.ms}`, { ...common('booking.eligibility_ended', at, [r]), reason, ...(agency ? { agency } : {}) }));
    }
  }

  // Custody end: transferred when a rule names the agency custody went to, else released.
  const ce = m.custodyEnd;
  if (ce && holds(ce.when, first)) {
    const at = readTime(ce.at, first, 'custodyEnd.at', time, notes);
    if (at) {
      const disposition = readValue(ce.disposition, first, 'custodyEnd.disposition', notes);
      const toAgency = disposition === undefined ? undefined : applyMap(ce.transferredTo, disposition);
      events.push(
        toAgency ? withEventId(m.idPrefix, 'left', { ...common('booking.custody_transferred', at, [first]), toAgency }) : withEventId(m.idPrefix, 'left', common('booking.released', at, [first])),
      );
    }
  }

  // The contract, checked here so a bad value is a reject naming the mapping's field, not a server refusal.
  for (const e of events) {
    if (!(e.type in EVENT_SCHEMAS)) continue; // a type this server does not know yet: it decides
    const { extensions: _, ...contract } = e;
    const v = validateEvent(contract);
    if (!v.ok) out.problems.push(...v.errors.map((err) => `${e.type} ${err.field}: ${err.message}${valueOf(contract, err.field)}`));
  }
  out.events = events;
}

function valueOf(event: Record<string, unknown>, field: string): string {
  let v: unknown = event;
  for (const part of field.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' ? ` (the mapping gave "${v}")` : '';
}
