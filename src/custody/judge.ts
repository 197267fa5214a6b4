/**
 * The custody judgement (shared/design/custody-authority.md): from a booking's facts and the
 * facility's dated rules to which instants of its custody had an authority and which did not.
 * Every verdict the product shows (custody records, holds, alerts, reports, histories) is this
 * function's answer, stored; nothing downstream judges again. Pure: instants are epoch
 * milliseconds, no framework or database imports.
 */
import { DateTime } from 'luxon';
import { localIsoDate, type DetainerForm, type WarrantKind } from '../clock/hold-clock.js';
import { rulesInForce } from '../clock/derive-hold.js';
import { addCounted, countedBetween, isIce, type Authority, type AuthorityKind, type AuthorityRules } from '../rules/authority.js';
import { byTime, sortedByTime, type CustodyFacts, type DetainerFacts } from './custody-facts.js';
import { detainerAuthority, screenEnd, screeningTimeline, type AuthorityAt, type ScreeningTimeline } from './screening.js';
import type { Screen } from '../rules/criteria.js';

export interface RuleVersion {
  /** null: the first version, in force since always. */
  effectiveFrom: number | null;
  rules: AuthorityRules;
}

export type CustodyPhase = 'pending' | 'open' | 'closed';
export type CustodyStatus = 'pending' | 'running' | 'overdue' | 'closed';

export const VIOLATION_REASONS = ['no_detainer', 'not_authorized', 'limit_reached', 'cancelled', 'rules_changed', 'amended', 'criteria_not_met', 'needs_review'] as const;
export type ViolationReason = (typeof VIOLATION_REASONS)[number];
/** Why a window of authority ended: one of the violation reasons that end a window, or the period (custody, eligibility) ended first. */
export type WindowEnd = 'limit_reached' | 'cancelled' | 'rules_changed' | 'amended' | 'criteria_not_met' | 'needs_review' | 'period_ended';

export const ANOMALY_CODES = [
  'several_custody_ends',
  'lodged_again',
  'lodged_before_booking',
  'eligible_long_after_receipt',
  'form_outside_its_years',
  'transfer_without_agency',
  'eligibility_ended_outside_period',
  'eligible_after_custody_end',
  'detainer_never_lodged',
  'cancelled_before_lodged',
] as const;
export type AnomalyCode = (typeof ANOMALY_CODES)[number];

export interface EligibilityPeriod {
  from: number;
  /** null: still eligible for release (the period has not ended). */
  until: number | null;
  /** `booking.eligibility_ended`'s reason, `released` or `transferred` (the custody end), or null while open. */
  endedBy: string | null;
}

export interface AuthorityWindow {
  from: number;
  /** Where the window's cover of custody stops (at most the period's end). */
  until: number;
  endedBy: WindowEnd;
  /** When the authority itself ends (limit, cancellation, rule change, amendment), also when the period ended first. */
  authorityEnd: number;
  /** The clock start of this window's period. */
  clockStartedAt: number;
}

export interface DetainerVerdict {
  detainerId: string;
  form: DetainerForm;
  warrant: WarrantKind | null;
  agency: string;
  lodgedAt: number;
  cancelledAt: number | null;
  /** What it authorises under the rules that judge its latest period (or its lodging, before any). */
  authority: AuthorityKind;
  /** Why it authorises nothing, and why its windows ended. */
  reasons: string[];
  windows: AuthorityWindow[];
  /** The latest period's window: its start (null without one) and its authority end (without one, its clock start, as its hold's deadline). */
  authorizedFrom: number | null;
  deadlineAt: number | null;
  /** The start of the latest eligibility period it saw while live (null: none). */
  clockStartedAt: number | null;
  /** Counted time of its limit spent in earlier periods and the latest one. */
  limitUsedMs: number;
  /** The rules version (index into the versions given) that judges its latest period. */
  versionIndex: number;
  /** How the rule set screened it, on all that is known (null: the rules screen nothing). */
  screen: Screen | null;
}

export interface Stretch {
  from: number;
  /** null: still going on (custody continues without authority). */
  until: number | null;
  reason: ViolationReason;
}

export interface Anomaly {
  code: AnomalyCode;
  message: string;
  eventIds: string[];
}

export interface CustodyJudgement {
  phase: CustodyPhase;
  eligibility: EligibilityPeriod[];
  detainers: DetainerVerdict[];
  /** Unauthorised custody beyond the release-processing allowance. */
  violations: Stretch[];
  /** The release-processing allowance at the start of each unauthorised stretch. */
  processing: Array<{ from: number; until: number | null }>;
  /** Of the stretches that have ended (an open-ended one counts at the time of asking). */
  unauthorizedMs: number;
  processingMs: number;
  /** Within periods: authorised custody (windows' cover). */
  authorizedMs: number;
  endedAt: number | null;
  outcome: 'released' | 'transferred' | null;
  toAgency: string | null;
  /** A transfer to ICE (by name or alias); null unless transferred. */
  honoured: boolean | null;
  /** Open custody in an eligibility period without end: its start, and from when custody is unauthorised for good. */
  activeFrom: number | null;
  dueAt: number | null;
  /** dueAt when a window covered custody up to it (null if nothing ever authorised this period's custody). */
  authorizedUntil: number | null;
  /** The detainer whose window ends at dueAt. */
  dueDetainerId: string | null;
  compliant: boolean | null;
  overageMs: number | null;
  anomalies: Anomaly[];
}

const YEAR_MS = 365 * 86_400_000;
/** I-247A replaced I-247D (and I-247X was introduced) on 2 April 2017. */
const NEW_FORMS_FROM = '2017-04-02';

interface FormState {
  form: DetainerForm;
  warrant: WarrantKind | null;
}

/** A detainer's form and warrant over time: its first lodging, then later lodgings and amendments from their instants. */
function formTimeline(d: DetainerFacts, lodgings: readonly DetainerFacts['lodgings'][number][]): { at: number; state: FormState }[] {
  if (lodgings.length === 1 && d.amendments.length === 0) return [{ at: lodgings[0].at, state: { form: lodgings[0].form, warrant: lodgings[0].warrant } }];
  const first = lodgings[0];
  const changes = [
    ...lodgings.slice(1).map((l) => ({ at: l.at, eventId: l.eventId, apply: (_s: FormState): FormState => ({ form: l.form, warrant: l.warrant }) })),
    ...d.amendments.map((a) => ({ at: a.at, eventId: a.eventId, apply: (s: FormState): FormState => ({ form: a.form ?? s.form, warrant: a.warrant ?? s.warrant }) })),
  ].sort(byTime);
  const out = [{ at: first.at, state: { form: first.form, warrant: first.warrant } }];
  for (const c of changes) {
    const state = c.apply(out[out.length - 1].state);
    if (c.at < first.at) continue; // an amendment before the lodging changes nothing: the lodging states the form
    out.push({ at: c.at, state });
  }
  return out;
}

const stateAt = (timeline: { at: number; state: FormState }[], t: number): FormState => {
  let s = timeline[0].state;
  for (const c of timeline) if (c.at <= t) s = c.state;
  return s;
};

/** The custody periods: release-eligible starts one, eligibility_ended or the custody end closes it. */
function periodsOf(facts: CustodyFacts, end: number | null, endKind: string | null, anomalies: Anomaly[]): EligibilityPeriod[] {
  // At one instant an end goes before a start: the new period starts then.
  const events = [...facts.eligibility].sort((a, b) => a.at - b.at || (a.kind === b.kind ? byTime(a, b) : a.kind === 'end' ? -1 : 1));
  const periods: EligibilityPeriod[] = [];
  let open: EligibilityPeriod | null = null;
  for (const e of events) {
    if (e.kind === 'start' && e.receivedAt !== null && e.at - e.receivedAt > YEAR_MS) {
      anomalies.push({
        code: 'eligible_long_after_receipt',
        message: `release-eligible instant ${new Date(e.at).toISOString()} is more than a year after it was received (${new Date(e.receivedAt).toISOString()}): a mistyped year?`,
        eventIds: [e.eventId],
      });
    }
    // After the custody end nothing starts (eligibility at the very instant of release is a period that holds no custody).
    if (end !== null && (e.kind === 'start' ? e.at > end : e.at >= end)) {
      if (e.kind === 'start') {
        anomalies.push({ code: 'eligible_after_custody_end', message: 'release-eligible after custody had ended: it changes nothing', eventIds: [e.eventId] });
      }
      continue;
    }
    if (e.kind === 'start') {
      if (open === null) open = { from: e.at, until: null, endedBy: null };
    } else if (open !== null) {
      if (e.at > open.from) periods.push({ ...open, until: e.at, endedBy: e.reason ?? 'other' });
      open = null;
    } else {
      anomalies.push({ code: 'eligibility_ended_outside_period', message: 'eligibility ended while the person was not release-eligible: it changes nothing', eventIds: [e.eventId] });
    }
  }
  if (open !== null) periods.push(end === null ? open : { ...open, until: end, endedBy: endKind });
  // A period that ends as it starts (released at the instant of eligibility) holds no custody but is kept: it is a fact.
  return periods.filter((p) => p.until === null || p.until >= p.from);
}

interface Evaluated {
  ok: boolean;
  /** Why not (when !ok). */
  reason: WindowEnd | 'not_authorized';
  /** When the limit counted from the period's start is spent (for ok). */
  limitEnd: number;
  authority: Authority;
}

/**
 * The windows of one detainer in one period, and the limit spent in it. The rules in force at the
 * period's start set the limit; a later version withdraws the authority from its effectiveFrom if,
 * counted from the period's start under it, the detainer would no longer authorise custody then.
 */
function windowsInPeriod(
  period: EligibilityPeriod,
  d: { lodgedAt: number; cancelledAt: number | null; timeline: { at: number; state: FormState }[]; authorityAt: AuthorityAt; screenChanges: readonly number[] },
  usedMs: number,
  versions: readonly RuleVersion[],
): { windows: AuthorityWindow[]; usedMs: number; authority: Authority; versionIndex: number; live: boolean } {
  const ps = period.from;
  const pe = period.until ?? Infinity;
  const v0 = rulesInForce(versions, ps);
  const versionIndex = versions.indexOf(v0);
  const from = Math.max(ps, d.lodgedAt);
  const initial = d.authorityAt(v0.rules, stateAt(d.timeline, from).form, stateAt(d.timeline, from).warrant, from);
  // Live in the period (its clock starts at the period's start) if received by its end and not
  // cancelled before its start, as a hold's clock always started: a release at the very instant of
  // eligibility still gives the detainer its deadline (a window that covers no time).
  const live = from <= pe && (d.cancelledAt === null || d.cancelledAt >= ps);
  if (!live) return { windows: [], usedMs, authority: initial, versionIndex, live };

  // Where the limit is spent, counted from the period's start: remembered per (rules, limit, counting), as every point asks
  // (a short list: a period meets few versions and forms).
  const limitEnds: Array<{ rules: AuthorityRules; limitMs: number; counting: Authority['counting']; end: number }> = [];
  const limitEndOf = (a: Authority, rules: AuthorityRules) => {
    for (const l of limitEnds) if (l.rules === rules && l.limitMs === a.limitMs && l.counting === a.counting) return l.end;
    const end = addCounted(ps, a.limitMs - usedMs, a.counting, rules);
    limitEnds.push({ rules, limitMs: a.limitMs, counting: a.counting, end });
    return end;
  };
  const evaluate = (t: number): Evaluated => {
    const fw = stateAt(d.timeline, t);
    const a0 = d.authorityAt(v0.rules, fw.form, fw.warrant, t);
    if (d.cancelledAt !== null && t >= d.cancelledAt) return { ok: false, reason: 'cancelled', limitEnd: t, authority: a0 };
    if (a0.kind !== 'hold') return { ok: false, reason: t > from ? (screenEnd(a0) ?? 'amended') : 'not_authorized', limitEnd: t, authority: a0 };
    const limitEnd = limitEndOf(a0, v0.rules);
    if (t >= limitEnd) return { ok: false, reason: 'limit_reached', limitEnd, authority: a0 };
    const v = rulesInForce(versions, t);
    if (v !== v0) {
      const av = d.authorityAt(v.rules, fw.form, fw.warrant, t);
      if (av.kind !== 'hold' || limitEndOf(av, v.rules) <= (v.effectiveFrom ?? -Infinity)) return { ok: false, reason: 'rules_changed', limitEnd, authority: a0 };
    }
    return { ok: true, reason: 'period_ended', limitEnd, authority: a0 };
  };

  // Where the authority can change: amendments and new versions inside the period, and the
  // cancellation even after it (a hold's deadline is the earlier of its limit and its cancellation).
  const sorted = [from];
  for (const c of d.timeline) if (c.at > from && c.at < pe) sorted.push(c.at);
  for (const at of d.screenChanges) if (at > from && at < pe) sorted.push(at);
  for (const v of versions) if (v.effectiveFrom !== null && v.effectiveFrom > from && v.effectiveFrom < pe) sorted.push(v.effectiveFrom);
  if (d.cancelledAt !== null && d.cancelledAt > from) sorted.push(d.cancelledAt);
  if (sorted.length > 1) uniqueSorted(sorted);

  const windows: AuthorityWindow[] = [];
  let openFrom: number | null = null;
  let everHeld = false;
  let lastLimitEnd = ps;
  let lastLimitMs = 0;
  let lastCounting = initial.counting;
  const close = (at: number, endedBy: WindowEnd, authorityEnd: number) => {
    if (openFrom !== null && at > openFrom) windows.push({ from: openFrom, until: Math.min(at, pe), endedBy: at >= pe ? 'period_ended' : endedBy, authorityEnd, clockStartedAt: ps });
    openFrom = null;
  };
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    const next = sorted[i + 1] ?? Infinity;
    const e = evaluate(t);
    // Only the period's own instants say whether it could hold (a cancellation is evaluated after the period too).
    if (e.authority.kind === 'hold' && t < pe) {
      everHeld = true;
      lastLimitEnd = limitEndOf(e.authority, v0.rules);
      lastLimitMs = e.authority.limitMs;
      lastCounting = e.authority.counting;
    }
    if (!e.ok) {
      close(t, e.reason === 'not_authorized' ? 'amended' : e.reason, t);
      continue;
    }
    openFrom ??= t;
    if (e.limitEnd < next) {
      close(e.limitEnd, 'limit_reached', e.limitEnd);
      continue;
    }
    if (next === Infinity) close(e.limitEnd, 'limit_reached', e.limitEnd);
  }
  // The limit spent in this period, counted from its start as its clock is: all that was left when
  // the limit ran out inside the period (no need to count), else what the period counted.
  // (An open period has spent nothing yet that anyone reads.)
  const spent = !everHeld || period.until === null ? 0 : lastLimitEnd <= pe ? Math.max(0, lastLimitMs - usedMs) : countedBetween(ps, pe, lastCounting, v0.rules);
  return { windows, usedMs: usedMs + spent, authority: initial, versionIndex, live };
}

/** Sort instants in place and drop repeats. */
function uniqueSorted(xs: number[]): void {
  xs.sort((a, b) => a - b);
  let n = 1;
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[n - 1]) xs[n++] = xs[i];
  xs.length = n;
}

/** The instant 2 April 2017 began in a zone, remembered per zone. */
const newFormsStart = new Map<string, number>();
function newFormsFrom(timeZone: string): number {
  let at = newFormsStart.get(timeZone);
  if (at === undefined) newFormsStart.set(timeZone, (at = DateTime.fromISO(NEW_FORMS_FROM, { zone: timeZone }).toMillis()));
  return at;
}

function formAnomalies(detainerId: string, d: DetainerFacts, versions: readonly RuleVersion[], anomalies: Anomaly[]): void {
  const stated: ReadonlyArray<DetainerFacts['lodgings'][number] | DetainerFacts['amendments'][number]> =
    d.amendments.length === 0 ? sortedByTime(d.lodgings) : [...d.lodgings, ...d.amendments].sort(byTime);
  for (const l of stated) {
    if (l.form !== 'I-247A' && l.form !== 'I-247D') continue;
    const zone = rulesInForce(versions, l.at).rules.timeZone;
    const newForms = l.at >= newFormsFrom(zone);
    if (l.form === 'I-247A' ? newForms : !newForms) continue;
    const date = localIsoDate(l.at, zone);
    anomalies.push(
      l.form === 'I-247A'
        ? { code: 'form_outside_its_years', message: `detainer "${detainerId}": form I-247A dated ${date}, before it was introduced on ${NEW_FORMS_FROM}`, eventIds: [l.eventId] }
        : { code: 'form_outside_its_years', message: `detainer "${detainerId}": form I-247D dated ${date}, after it was replaced by I-247A on ${NEW_FORMS_FROM}`, eventIds: [l.eventId] },
    );
  }
}

/** One detainer over every period of the booking, its limit spent cumulatively. */
function judgeDetainer(
  detainerId: string,
  d: DetainerFacts,
  periods: EligibilityPeriod[],
  versions: readonly RuleVersion[],
  bookedAt: number | null,
  anomalies: Anomaly[],
  screening: ScreeningTimeline,
): DetainerVerdict | null {
  const lodgings = sortedByTime(d.lodgings);
  if (lodgings.length === 0) {
    const ids = [...d.amendments, ...d.cancellations].sort(byTime).map((x) => x.eventId);
    anomalies.push({ code: 'detainer_never_lodged', message: `detainer "${detainerId}" was amended or cancelled but its lodging has not been received`, eventIds: ids });
    return null;
  }
  const first = lodgings[0];
  if (lodgings.length > 1) {
    anomalies.push({
      code: 'lodged_again',
      message: `detainer "${detainerId}" was lodged ${lodgings.length} times: the first counts as received, each later one amends its form and warrant from its instant`,
      eventIds: lodgings.map((l) => l.eventId),
    });
  }
  if (bookedAt !== null && first.at < bookedAt) {
    anomalies.push({
      code: 'lodged_before_booking',
      message: `detainer "${detainerId}" is dated before the booking opened: it can authorise nothing before the person is release-eligible`,
      eventIds: [first.eventId],
    });
  }
  formAnomalies(detainerId, d, versions, anomalies);
  const cancellations = sortedByTime(d.cancellations);
  const cancelledAt = cancellations[0]?.at ?? null;
  if (cancelledAt !== null && cancelledAt < first.at) {
    anomalies.push({
      code: 'cancelled_before_lodged',
      message: `detainer "${detainerId}" is cancelled before it was lodged: it authorises nothing`,
      eventIds: [cancellations[0].eventId, first.eventId],
    });
  }
  const timeline = formTimeline(d, lodgings);
  const latest = timeline[timeline.length - 1].state;
  // Rule sets (src/rules/criteria.ts): what the detainer authorises given what is known of the person at each instant.
  const { authorityAt, screenChanges } = detainerAuthority(screening, detainerId, bookedAt ?? first.at);
  let usedMs = 0;
  const windows: AuthorityWindow[] = [];
  let versionIndex = versions.indexOf(rulesInForce(versions, first.at));
  let clockStartedAt: number | null = null;
  for (const p of periods) {
    const r = windowsInPeriod(p, { lodgedAt: first.at, cancelledAt, timeline, authorityAt, screenChanges }, usedMs, versions);
    usedMs = r.usedMs;
    windows.push(...r.windows);
    if (r.live) {
      clockStartedAt = p.from;
      versionIndex = r.versionIndex;
    }
  }
  const authority = authorityAt(versions[versionIndex].rules, latest.form, latest.warrant, Infinity);
  const last = windows[windows.length - 1];
  const lastOfLatest = last !== undefined && last.clockStartedAt === clockStartedAt ? last : undefined;
  const reasons = new Set<string>(authority.reasons);
  for (const w of windows) if (w.endedBy !== 'period_ended') reasons.add(w.endedBy);
  if (cancelledAt !== null) reasons.add('cancelled');
  return {
    detainerId,
    form: latest.form,
    warrant: latest.warrant,
    agency: first.agency ?? 'ICE',
    lodgedAt: first.at,
    cancelledAt,
    authority: authority.kind,
    reasons: [...reasons],
    windows,
    authorizedFrom: lastOfLatest?.from ?? null,
    deadlineAt: lastOfLatest?.authorityEnd ?? clockStartedAt,
    clockStartedAt,
    limitUsedMs: usedMs,
    versionIndex,
    screen: authority.screen ?? null,
  };
}

/** The union of windows inside a period, as sorted disjoint stretches. */
function cover(windows: AuthorityWindow[]): Array<{ from: number; until: number }> {
  const sorted = windows.length <= 1 ? windows : [...windows].sort((a, b) => a.from - b.from);
  const out: Array<{ from: number; until: number }> = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.from <= last.until) last.until = Math.max(last.until, w.until);
    else out.push({ from: w.from, until: w.until });
  }
  return out;
}

/** Why a stretch starting at `at` has no authority (see the design note, "Unauthorised custody"). */
function reasonAt(at: number, windows: AuthorityWindow[], detainers: DetainerVerdict[]): ViolationReason {
  const ended = windows.filter((w) => w.until === at && w.endedBy !== 'period_ended').map((w) => w.endedBy as ViolationReason);
  if (ended.length > 0) return ended.sort()[0];
  const lodged = detainers.filter((d) => d.lodgedAt <= at);
  // Awaiting a supervisor then (still, or decided only later): custody is unauthorised until decided.
  if (lodged.some((d) => d.authority === 'needs_review' || (d.screen?.decision && d.screen.decision.at > at && d.screen.review.length + d.screen.unknown.length > 0))) return 'needs_review';
  return lodged.length > 0 ? 'not_authorized' : 'no_detainer';
}

/**
 * The judgement, as a pipeline of named steps: when custody ended, the eligibility periods, each
 * detainer's windows in them, the unauthorised stretches between the windows, and the verdict.
 */
export function judgeCustody(facts: CustodyFacts, versions: readonly RuleVersion[]): CustodyJudgement {
  if (versions.length === 0) throw new Error('a facility has no rules');
  const anomalies: Anomaly[] = [];
  const bookedAt = facts.openings.length === 0 ? null : Math.min(...facts.openings.map((o) => o.at));
  const end = custodyEnd(facts, anomalies);
  const periods = periodsOf(facts, end?.at ?? null, end?.kind ?? null, anomalies);
  const detainers = judgeDetainers(facts, periods, versions, bookedAt, anomalies);
  const stretches = unauthorisedStretches(periods, detainers, versions);
  return verdict(end, periods, detainers, stretches, versions, anomalies);
}

/** The latest custody end counts: the person may have been back. */
function custodyEnd(facts: CustodyFacts, anomalies: Anomaly[]): CustodyFacts['ends'][number] | null {
  const ends = sortedByTime(facts.ends);
  const end = ends[ends.length - 1] ?? null;
  if (ends.length > 1) {
    anomalies.push({
      code: 'several_custody_ends',
      message: `${ends.length} custody ends were received; the latest (${new Date(end.at).toISOString()}) counts, as the person may have been back in custody`,
      eventIds: ends.map((e) => e.eventId),
    });
  }
  if (end?.kind === 'transferred' && end.toAgency === null) {
    anomalies.push({ code: 'transfer_without_agency', message: 'custody was transferred without naming the agency: counted as an unknown agency, not ICE', eventIds: [end.eventId] });
  }
  return end;
}

/** Every detainer lodged, by id, over every period. */
function judgeDetainers(facts: CustodyFacts, periods: EligibilityPeriod[], versions: readonly RuleVersion[], bookedAt: number | null, anomalies: Anomaly[]): DetainerVerdict[] {
  const detainers: DetainerVerdict[] = [];
  const screening = screeningTimeline(facts.screening);
  for (const id of Object.keys(facts.detainers).sort()) {
    const v = judgeDetainer(id, facts.detainers[id], periods, versions, bookedAt, anomalies, screening);
    if (v) detainers.push(v);
  }
  return detainers;
}

interface Stretches {
  violations: Stretch[];
  processing: Array<{ from: number; until: number | null }>;
  unauthorizedMs: number;
  processingMs: number;
  authorizedMs: number;
  /** The final open-ended stretch of an open period: from when, and the window (and detainer) that ended there. */
  dueAt: number | null;
  authorizedUntil: number | null;
  dueDetainerId: string | null;
}

/**
 * Custody inside the periods that no window covers: each gap's release-processing allowance (the
 * version in force at its start), then violations with their reasons.
 */
function unauthorisedStretches(periods: EligibilityPeriod[], detainers: DetainerVerdict[], versions: readonly RuleVersion[]): Stretches {
  const allWindows: Array<AuthorityWindow & { detainerId: string }> = [];
  for (const d of detainers) {
    for (const w of d.windows) allWindows.push({ from: w.from, until: w.until, endedBy: w.endedBy, authorityEnd: w.authorityEnd, clockStartedAt: w.clockStartedAt, detainerId: d.detainerId });
  }
  const out: Stretches = { violations: [], processing: [], unauthorizedMs: 0, processingMs: 0, authorizedMs: 0, dueAt: null, authorizedUntil: null, dueDetainerId: null };
  for (const p of periods) {
    const pe = p.until ?? Infinity;
    const inPeriod = allWindows.filter((w) => w.from >= p.from && w.from < pe);
    const covered = cover(inPeriod);
    for (const c of covered) out.authorizedMs += c.until - c.from;
    // The gaps between the cover, each an unauthorised stretch.
    let at = p.from;
    const gaps: Array<{ from: number; until: number }> = [];
    for (const c of covered) {
      if (c.from > at) gaps.push({ from: at, until: c.from });
      at = Math.max(at, c.until);
    }
    if (at < pe) gaps.push({ from: at, until: pe });
    for (const g of gaps) {
      const allowanceMs = (rulesInForce(versions, g.from).rules.releaseProcessingMinutes ?? 0) * 60_000;
      const processedUntil = Math.min(g.until, g.from + allowanceMs);
      if (processedUntil > g.from) {
        out.processing.push({ from: g.from, until: processedUntil === Infinity ? null : processedUntil });
        if (processedUntil !== Infinity) out.processingMs += processedUntil - g.from;
      }
      // A stretch that began with no detainer received becomes not_authorized when one arrives that cannot hold.
      const reason = reasonAt(g.from, inPeriod, detainers);
      const cuts: Array<{ at: number; reason: ViolationReason }> = [{ at: g.from, reason }];
      if (reason === 'no_detainer') {
        const arrival = detainers
          .map((d) => d.lodgedAt)
          .filter((t) => t > g.from && t < g.until)
          .sort((a, b) => a - b)[0];
        if (arrival !== undefined) cuts.push({ at: arrival, reason: 'not_authorized' });
      }
      for (let i = 0; i < cuts.length; i++) {
        const from = Math.max(cuts[i].at, processedUntil);
        const until = i + 1 < cuts.length ? cuts[i + 1].at : g.until;
        if (until <= from) continue;
        out.violations.push({ from, until: until === Infinity ? null : until, reason: cuts[i].reason });
        if (until !== Infinity) out.unauthorizedMs += until - from;
      }
      if (g.until === Infinity) {
        out.dueAt = g.from;
        const ending = inPeriod.filter((w) => w.until === g.from).sort((a, b) => (a.detainerId < b.detainerId ? -1 : 1))[0];
        out.authorizedUntil = ending ? g.from : null;
        out.dueDetainerId = ending?.detainerId ?? null;
      }
    }
  }
  return out;
}

/** The record: phase, the custody's end and where it went, and compliant when it ended with no unauthorised time. */
function verdict(
  end: CustodyFacts['ends'][number] | null,
  periods: EligibilityPeriod[],
  detainers: DetainerVerdict[],
  s: Stretches,
  versions: readonly RuleVersion[],
  anomalies: Anomaly[],
): CustodyJudgement {
  const endedAt = end?.at ?? null;
  const lastPeriod = periods[periods.length - 1];
  const phase: CustodyPhase = endedAt !== null ? 'closed' : lastPeriod && lastPeriod.until === null ? 'open' : 'pending';
  const outcome = end?.kind ?? null;
  const toAgency = end?.kind === 'transferred' ? end.toAgency : null;
  const aliases = rulesInForce(versions, endedAt ?? 0).rules.agencyAliases ?? [];
  const open = phase === 'open';
  return {
    phase,
    eligibility: periods,
    detainers,
    violations: s.violations,
    processing: s.processing,
    unauthorizedMs: s.unauthorizedMs,
    processingMs: s.processingMs,
    authorizedMs: s.authorizedMs,
    endedAt,
    outcome,
    toAgency,
    honoured: outcome === 'transferred' ? isIce(toAgency, aliases) : null,
    activeFrom: open ? lastPeriod.from : null,
    dueAt: open ? s.dueAt : null,
    authorizedUntil: open ? s.authorizedUntil : null,
    dueDetainerId: open ? s.dueDetainerId : null,
    compliant: phase === 'closed' ? s.unauthorizedMs === 0 : null,
    overageMs: phase === 'closed' ? s.unauthorizedMs : null,
    anomalies,
  };
}

/** The status at `nowMs` of a stored custody record: unauthorised from `dueAt` on (release at it is on time). */
export function custodyStatusAt(phase: CustodyPhase, activeFrom: number | null, dueAt: number | null, nowMs: number): CustodyStatus {
  if (phase !== 'open') return phase;
  if (activeFrom !== null && nowMs < activeFrom) return 'pending';
  return dueAt !== null && nowMs > dueAt ? 'overdue' : 'running';
}
