import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/api-key.entity.js';
import { aNumberDigits, eventAsSeen, mayReadNames, namesOf, NO_NAMES, type PersonNames } from '../auth/personal-data.js';
import { z } from 'zod';
import { Clock } from '../common/clock.js';
import { nextQuarter, quarterStartDate } from '../common/quarter.js';
import { DomainError } from '../common/domain-error.js';
import { decodeDueCursor, encodeDueCursor } from '../common/due-cursor.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import { EventLogRepository } from '../events/event-log.repository.js';
import { holdId } from '../holds/booking-key.js';
import { readRetractions } from '../holds/booking-projection.js';
import type { TimelineEntry } from '../holds/hold.dto.js';
import type { CustodyQuery, CustodyView, Instants } from './custody.dto.js';
import { CustodyRepository, type StoredCustody } from './custody.repository.js';
import { custodyStatusAt, type CustodyJudgement, type ViolationReason, type WindowEnd } from './judge.js';
import { localText } from '../common/local-time.js';
import { toCsv } from '../common/csv.js';
import { DISCLOSURE_ALWAYS } from '../rules/disclosure.js';
import { clause, codeWords } from '../common/words.js';

@Injectable()
export class CustodyService {
  constructor(
    private readonly repo: CustodyRepository,
    private readonly log: EventLogRepository,
    private readonly clock: Clock,
  ) {}

  async list(q: CustodyQuery, role: Role): Promise<{ items: CustodyView[]; nextCursor: string | null }> {
    const now = this.clock.now();
    const rows = await this.repo.search({ ...searchOf(q, role), after: q.cursor ? decodeDueCursor(q.cursor) : undefined, limit: q.limit + 1, nowMs: now });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > q.limit ? encodeDueCursor(last.dueKey, last.id) : null;
    return { items: page.map((c) => custodyView(c, now, namesOf(c.person, role))), nextCursor };
  }

  /**
   * Every record the filters match (from the cursor on, up to CSV_MAX_ROWS), one row per person's
   * custody in words a spreadsheet reader follows: the same records, in the same order, as the
   * JSON pages. Names and A-numbers only for roles that see them.
   */
  async csv(q: CustodyQuery, role: Role): Promise<string> {
    const { views, more } = await this.matching(q, role, CSV_MAX_ROWS);
    if (more)
      throw DomainError.validation([
        { field: 'format', message: `csv: the filters match more than ${CSV_MAX_ROWS} custody records; narrow them (facilityId, endedFrom, endedTo) and download each part` },
      ]);
    const names = mayReadNames(role);
    return toCsv([custodyCsvHeader(names), ...views.map((c) => custodyCsvRow(c, names))]);
  }

  /** The records the filters match from the cursor on, in the order of the pages, up to `max`; whether there are more. */
  async matching(q: CustodyQuery, role: Role, max: number): Promise<{ views: CustodyView[]; more: boolean }> {
    const now = this.clock.now();
    const search = searchOf(q, role);
    const views: CustodyView[] = [];
    let after = q.cursor ? decodeDueCursor(q.cursor) : undefined;
    for (;;) {
      const page = await this.repo.search({ ...search, after, limit: Math.min(CSV_PAGE, max + 1 - views.length), nowMs: now });
      for (const c of page) views.push(custodyView(c, now, namesOf(c.person, role)));
      if (views.length > max) return { views: views.slice(0, max), more: true };
      if (page.length < CSV_PAGE) return { views, more: false };
      after = { due: page[page.length - 1].dueKey, id: page[page.length - 1].id };
    }
  }

  async get(id: string, role: Role): Promise<CustodyView & { timeline: TimelineEntry[] }> {
    const c = z.uuid().safeParse(id).success ? await this.repo.find(id) : null;
    if (!c) throw DomainError.notFound(`custody record "${id}"`);
    return { ...custodyView(c, this.clock.now(), namesOf(c.person, role)), timeline: await this.timeline(c, role) };
  }

  async verdictChanges(q: { limit: number; cursor?: string }) {
    const rows = await this.repo.listVerdictChanges(q.limit + 1, q.cursor ? Number(q.cursor) : null);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        id: String(r.id),
        facilityId: r.facility_id,
        bookingId: r.booking_id,
        custodyId: r.custody_id,
        changedAt: isoUtc(r.changed_at),
        cause: r.cause,
        before: r.before,
        after: r.after,
      })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
    };
  }

  /** Every event of the booking, in occurredAt order, retracted ones marked. */
  private async timeline(c: StoredCustody, role: Role): Promise<TimelineEntry[]> {
    const events = await this.log.forBookings(undefined, [{ facilityId: c.facilityId, bookingId: c.bookingId }]);
    const { retractedBy, noEffect } = readRetractions(events);
    return events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      occurredAt: isoUtc(e.occurredAtMs)!,
      occurredLocal: isoLocal(e.occurredAtMs, c.timeZone)!,
      receivedAt: isoUtc(e.receivedAt)!,
      retractedBy: retractedBy.get(e.eventId) ?? null,
      noEffect: noEffect.get(e.eventId) ?? null,
      event: eventAsSeen(e.body, role),
    }));
  }
}

/** Rows of a CSV download, and the page size it reads them in. */
const CSV_MAX_ROWS = 100_000;
const CSV_PAGE = 1000;

/** What the filters of a custody query ask the repository for (paging aside). */
function searchOf(q: CustodyQuery, role: Role) {
  return {
    facilityId: q.facilityId,
    bookingId: q.bookingId,
    personId: q.personId,
    status: q.status,
    compliant: q.compliant,
    reason: q.reason,
    endedFrom: q.endedFrom,
    endedTo: q.endedTo,
    quarter: q.quarter ? { startDate: quarterStartDate(q.quarter), endDate: quarterStartDate(nextQuarter(q.quarter)) } : undefined,
    find: q.q === undefined ? undefined : findTerms(q.q, mayReadNames(role)),
    authorizedBefore: q.authorizedBefore,
  };
}

const VERDICT_WORDS = (c: CustodyView) => (c.compliant === null ? (c.status === 'closed' ? 'not judged' : 'custody not ended') : c.compliant ? 'within the limit' : 'held past the limit');
/** Seconds as hours and minutes, h:mm:ss. */
const clockSpan = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

function custodyCsvHeader(names: boolean): string[] {
  return [
    'Facility',
    'Booking',
    'Person',
    ...(names ? ['Name', 'A-number'] : []),
    'Status',
    'Verdict',
    'Time without authority (h:mm:ss)',
    'Seconds without authority',
    'Reasons',
    'Custody ended (local)',
    'Custody ended (UTC)',
    'Outcome',
    'To agency',
    'Time zone',
    'Custody record',
  ];
}

function custodyCsvRow(c: CustodyView, names: boolean): unknown[] {
  const reasons = [...new Set(c.violations.map((v) => codeWords(v.reason)))].join('; ');
  return [
    c.facilityId,
    c.bookingId,
    c.personId ?? '',
    ...(names ? [c.personName ?? '', c.aNumber ?? ''] : []),
    c.status,
    VERDICT_WORDS(c),
    clockSpan(c.unauthorizedSeconds),
    Math.round(c.unauthorizedSeconds),
    reasons,
    c.endedAt === null ? '' : localText(Date.parse(c.endedAt), c.timeZone),
    c.endedAt ?? '',
    c.outcome ?? '',
    c.toAgency ?? '',
    c.timeZone,
    c.id,
  ];
}

/** A stretch as the API shows it at `now`: an open-ended one runs to now; one that has not begun is not shown. */
function clipped(s: { from: number; until: number | null }, now: number, zone: string): (Instants & { seconds: number }) | null {
  if (s.from >= now && s.until === null) return null;
  const end = s.until ?? now;
  return { from: isoUtc(s.from)!, fromLocal: isoLocal(s.from, zone)!, until: isoUtc(s.until), untilLocal: isoLocal(s.until, zone), seconds: Math.max(0, end - s.from) / 1000 };
}

/**
 * What a search box's text looks for (pure): the text as a booking or person id; with names, its
 * words in the person's name (each, in any order and case) and its digits as an A-number (8 or 9).
 */
export function findTerms(text: string, names: boolean): { id: string; words: string[]; aNumber: string | null } {
  const digits = aNumberDigits(text);
  return {
    id: text,
    words: names ? text.split(/[\s,]+/).filter((w) => w.length > 0) : [],
    aNumber: names && digits.length >= 8 && digits.length <= 9 && /^[Aa]?[\d\s-]+$/.test(text) ? digits.padStart(9, '0') : null,
  };
}

/** The API view of a stored custody record at the instant `now`; `names` as the reader may see them. */
export function custodyView(c: StoredCustody, now: number, names: PersonNames = NO_NAMES): CustodyView {
  const j = c.record;
  const zone = c.timeZone;
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  const status = custodyStatusAt(c.phase, ms(c.activeFrom), ms(c.dueAt), now);
  const violations = j.violations.flatMap((v) => {
    const c = clipped(v, now, zone);
    return c === null ? [] : [{ ...c, reason: v.reason }];
  });
  const processing = j.processing.map((p) => clipped(p, now, zone)).filter((p) => p !== null);
  const unauthorizedSeconds = violations.reduce((s, v) => s + v.seconds, 0);
  const authorizedUntil = c.phase === 'open' ? ms(c.authorizedUntil) : null;
  const dueAt = ms(c.dueAt);
  return {
    id: c.id,
    facilityId: c.facilityId,
    bookingId: c.bookingId,
    personId: c.personId,
    personName: names.personName,
    aNumber: names.aNumber,
    status,
    timeZone: zone,
    eligibility: j.eligibility.map((p) => ({ from: isoUtc(p.from)!, fromLocal: isoLocal(p.from, zone)!, until: isoUtc(p.until), untilLocal: isoLocal(p.until, zone), endedBy: p.endedBy })),
    authorizedUntil: isoUtc(authorizedUntil),
    authorizedUntilLocal: isoLocal(authorizedUntil, zone),
    secondsLeft: (status === 'running' || status === 'overdue') && dueAt !== null ? (dueAt - now) / 1000 : null,
    detainers: j.detainers.map((d) => ({
      detainerId: d.detainerId,
      form: d.form,
      warrant: d.warrant,
      agency: d.agency,
      lodgedAt: isoUtc(d.lodgedAt)!,
      cancelledAt: isoUtc(d.cancelledAt),
      authority: d.authority,
      authorizedFrom: isoUtc(d.authorizedFrom),
      deadlineAt: isoUtc(d.deadlineAt),
      deadlineLocal: isoLocal(d.deadlineAt, zone),
      reasons: d.reasons,
      windows: d.windows.map((w) => ({
        from: isoUtc(w.from)!,
        fromLocal: isoLocal(w.from, zone)!,
        until: isoUtc(w.until),
        untilLocal: isoLocal(w.until, zone),
        endedBy: w.endedBy,
        authorityEnd: isoUtc(w.authorityEnd)!,
      })),
      screen: d.screen ? { ...d.screen, decision: d.screen.decision ? { ...d.screen.decision, at: isoUtc(d.screen.decision.at)! } : null } : null,
      holdId: holdId(c.facilityId, c.bookingId, d.detainerId),
    })),
    violations,
    processing,
    unauthorizedSeconds,
    processingSeconds: processing.reduce((s, p) => s + p.seconds, 0),
    compliant: c.compliant,
    overageSeconds: c.overageMs === null ? null : c.overageMs / 1000,
    anomalies: j.anomalies,
    rejudged: c.rejudged,
    endedAt: isoUtc(c.endedAt),
    endedLocal: isoLocal(c.endedAt, zone),
    outcome: j.outcome,
    toAgency: j.toAgency,
    honoured: j.honoured,
    disclosure: j.disclosure ?? DISCLOSURE_ALWAYS,
    explanation: explainCustody(j, zone, now),
  };
}

const span = (msValue: number) => {
  const minutes = Math.round(msValue / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

const WINDOW_END: Record<WindowEnd, string> = {
  limit_reached: 'its limit was spent',
  cancelled: 'it was cancelled',
  rules_changed: "the facility's rules in force from then no longer let it hold the person",
  amended: 'it was amended into one that cannot hold the person',
  criteria_not_met: "what became known of the person no longer met the facility's criteria for holding on it",
  needs_review: "what became known of the person made it wait for a supervisor's decision",
  period_ended: 'the person was no longer release-eligible or left custody',
};
const VIOLATION: Record<ViolationReason, string> = {
  no_detainer: 'no detainer had been received',
  not_authorized: 'the detainers received could not authorise holding the person',
  limit_reached: "the detainer's limit was spent",
  cancelled: 'the detainer was cancelled',
  rules_changed: "the facility's rules changed and no longer let the detainer hold the person",
  amended: 'the detainer was amended into one that cannot hold the person',
  criteria_not_met: "the detainer did not meet the facility's criteria for holding the person",
  needs_review: "the detainer awaited a supervisor's decision, and custody is not authorised until one is made",
};
const AUTHORITY_REASON: Record<string, string> = {
  notify_only_form: 'it asks for notification only (I-247N) and never authorises a hold',
  no_hold_policy: 'the facility does not hold people on detainers (no-hold)',
  form_not_authorized: "the facility's rules do not let this form hold anyone",
  judicial_warrant_required: 'the facility requires a judicial warrant, and it has none',
  criteria_not_met: "the facility's criteria for holding on it are not met",
  needs_review: "it needs a supervisor's decision before it can hold the person",
  review_declined: 'a supervisor declined to honour it',
};

/** What the rule set made of a detainer, in one sentence. */
function screenSentence(detainerId: string, s: NonNullable<CustodyJudgement['detainers'][number]['screen']>, zone: string): string {
  const parts: string[] = [];
  if (s.met.length) parts.push(`met: ${s.met.join(', ')}`);
  if (s.notMet.length) parts.push(`not met: ${s.notMet.join(', ')}`);
  if (s.unknown.length) parts.push(`not known (no criminal history on file): ${s.unknown.join(', ')}`);
  if (s.review.length) parts.push(`needs review: ${s.review.join(', ')}`);
  const decision = s.decision
    ? ` A supervisor${s.decision.by ? ` (${s.decision.by})` : ''} decided to ${s.decision.decision} it on ${localText(s.decision.at, zone)}: ${clause(s.decision.basis)}.`
    : '';
  return `Rule set for detainer ${detainerId}: ${parts.join('; ') || 'no criterion applies'}.${decision}`;
}

/** The custody record in sentences, as counsel and a court read it. */
export function explainCustody(j: CustodyJudgement, zone: string, now: number): string[] {
  const t = (x: number) => localText(x, zone);
  const out: string[] = [];
  if (j.eligibility.length === 0) out.push("The person has not been release-eligible: all custody so far is the jail's own and needs no detainer.");
  for (const p of j.eligibility) {
    const end =
      p.until === null ? 'and still is' : `until ${t(p.until)} (${p.endedBy === 'released' ? 'released' : p.endedBy === 'transferred' ? 'custody transferred' : `eligibility ended: ${p.endedBy}`})`;
    out.push(`Release-eligible from ${t(p.from)} ${end}; every instant of custody in this period needs an authority.`);
  }
  for (const d of j.detainers) {
    const head = `Detainer ${d.detainerId} (${d.form}${d.warrant ? `, ${d.warrant} warrant` : ''}, ${d.agency}) was received ${t(d.lodgedAt)}`;
    if (d.screen) out.push(screenSentence(d.detainerId, d.screen, zone));
    if (d.windows.length === 0) {
      const why = d.reasons.map((r) => AUTHORITY_REASON[r]).filter(Boolean);
      out.push(`${head}; it authorised no custody${why.length ? `: ${why.join('; ')}` : d.clockStartedAt === null ? ': the person was never release-eligible while it stood' : ''}.`);
      continue;
    }
    const windows = d.windows.map((w) => `from ${t(w.from)} until ${t(w.until)} (${WINDOW_END[w.endedBy]})`);
    out.push(`${head}; it authorised custody ${windows.join(', and ')}.`);
  }
  for (const p of j.processing) {
    if (p.from >= now) continue;
    out.push(`From ${t(p.from)}${p.until !== null ? ` to ${t(p.until)}` : ''}: release processing allowed by the facility, not a violation.`);
  }
  for (const v of j.violations) {
    if (v.from >= now) continue;
    const until = v.until ?? now;
    out.push(`Custody without authority from ${t(v.from)} ${v.until === null ? 'and still going on' : `to ${t(v.until)}`} (${span(until - v.from)}): ${VIOLATION[v.reason]}.`);
  }
  for (const a of j.anomalies) out.push(`Note (${a.code}): ${a.message}.`);
  if (j.phase === 'closed') {
    out.push(j.compliant ? 'Verdict: compliant, no custody without authority.' : `Verdict: not compliant, ${span(j.unauthorizedMs)} of custody without authority.`);
  }
  return out;
}
