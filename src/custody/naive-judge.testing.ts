/**
 * A deliberately naive second judge of custody, for tests only (shared/design/custody-authority.md):
 * it walks a closed custody one minute at a time and asks, of each minute, whether the person was
 * in custody, in an eligibility period, and which detainers authorised it, counting each
 * detainer's limit minute by minute. Slow and obvious on purpose; it shares with the judge only the
 * day rule (`excludedDayReason` of `localIsoDate`) and `rulesInForce`. Stories must be on whole
 * minutes and use the policies' own per-form settings (no `forms` overrides).
 */
import { excludedDayReason, localIsoDate, type DetainerForm, type WarrantKind } from '../clock/hold-clock.js';
import { rulesInForce } from '../clock/derive-hold.js';
import type { AuthorityRules } from '../rules/authority.js';
import type { CustodyFacts } from './custody-facts.js';
import type { RuleVersion, ViolationReason } from './judge.js';

const MINUTE = 60_000;

export interface NaiveStretch {
  from: number;
  until: number;
  reason: ViolationReason;
}

export interface NaiveJudgement {
  /** Custody inside eligibility periods, minute by minute. */
  inPeriodsMs: number;
  authorizedMs: number;
  processingMs: number;
  unauthorizedMs: number;
  compliant: boolean;
  /** Adjacent minutes of the same reason merged. */
  violations: NaiveStretch[];
}

/** What a form and warrant may do under a version's rules: hold minutes and how they are counted, or null (nothing). */
function holdOf(rules: AuthorityRules, form: DetainerForm, warrant: WarrantKind | null): { minutes: number; business: boolean } | null {
  if (rules.forms) throw new Error("the naive judge knows only the policies' own per-form settings");
  if (form === 'I-247N' || rules.policy === 'no-hold') return null;
  if (rules.requireJudicialWarrant && warrant !== 'judicial') return null;
  return { minutes: rules.holdHours * 60, business: rules.policy === 'federal-48-business-hours' };
}

const QUARTER = 15 * MINUTE;
const countable = new WeakMap<AuthorityRules, Map<number, boolean>>();

/**
 * Does this minute count under business counting: its local day is not excluded. Remembered per
 * UTC quarter hour, in which the local date cannot change in zones with whole-quarter offsets (all US zones).
 */
function countsAsBusiness(t: number, rules: AuthorityRules): boolean {
  let byQuarter = countable.get(rules);
  if (!byQuarter) countable.set(rules, (byQuarter = new Map()));
  const key = Math.floor(t / QUARTER);
  let counts = byQuarter.get(key);
  if (counts === undefined) byQuarter.set(key, (counts = excludedDayReason(localIsoDate(t, rules.timeZone), rules.extraHolidays) === null));
  return counts;
}

/** Minutes counted from `from` (inclusive) to `to` (exclusive), one at a time. */
function countedMinutes(from: number, to: number, business: boolean, rules: AuthorityRules): number {
  let n = 0;
  for (let t = from; t < to; t += MINUTE) if (!business || countsAsBusiness(t, rules)) n++;
  return n;
}

const byAtThenId = (a: { at: number; eventId: string }, b: { at: number; eventId: string }) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

interface NaiveDetainer {
  id: string;
  lodgedAt: number;
  cancelledAt: number;
  /** The first lodging's form, then each later lodging or amendment, in time order. */
  changes: Array<{ at: number; form: DetainerForm | null; warrant: WarrantKind | null; replaces: boolean }>;
  /** Limit minutes used in earlier periods. */
  usedMinutes: number;
}

function formAt(d: NaiveDetainer, t: number): { form: DetainerForm; warrant: WarrantKind | null } {
  let form = d.changes[0].form as DetainerForm;
  let warrant = d.changes[0].warrant;
  for (const c of d.changes) {
    if (c.at > t) break;
    if (c.replaces) {
      form = c.form as DetainerForm;
      warrant = c.warrant;
    } else {
      form = c.form ?? form;
      warrant = c.warrant ?? warrant;
    }
  }
  return { form, warrant };
}

export function naiveJudge(facts: CustodyFacts, versions: readonly RuleVersion[]): NaiveJudgement {
  const allInstants = [...facts.eligibility, ...facts.ends, ...Object.values(facts.detainers).flatMap((d) => [...d.lodgings, ...d.amendments, ...d.cancellations])];
  if (allInstants.some((f) => f.at % MINUTE !== 0)) throw new Error('the naive judge walks whole minutes');
  if (facts.ends.length === 0) throw new Error('the naive judge judges closed custody only');
  const custodyEnd = Math.max(...facts.ends.map((e) => e.at));

  const detainers: NaiveDetainer[] = [];
  for (const id of Object.keys(facts.detainers).sort()) {
    const f = facts.detainers[id];
    const lodgings = [...f.lodgings].sort(byAtThenId);
    if (lodgings.length === 0) continue; // never lodged: it authorises nothing and was never received
    const first = lodgings[0];
    const later = [
      ...lodgings.slice(1).map((l) => ({ at: l.at, eventId: l.eventId, form: l.form, warrant: l.warrant, replaces: true })),
      ...f.amendments.filter((a) => a.at >= first.at).map((a) => ({ at: a.at, eventId: a.eventId, form: a.form, warrant: a.warrant, replaces: false })),
    ].sort(byAtThenId);
    detainers.push({
      id,
      lodgedAt: first.at,
      cancelledAt: Math.min(Infinity, ...f.cancellations.map((c) => c.at)),
      changes: [{ at: first.at, form: first.form, warrant: first.warrant, replaces: true }, ...later],
      usedMinutes: 0,
    });
  }

  const startsAt = new Set(facts.eligibility.filter((e) => e.kind === 'start').map((e) => e.at));
  const endsAt = new Set(facts.eligibility.filter((e) => e.kind === 'end').map((e) => e.at));
  const firstStart = Math.min(Infinity, ...startsAt);

  let inPeriods = 0;
  let authorized = 0;
  let processing = 0;
  const violationMinutes: Array<{ at: number; reason: ViolationReason }> = [];

  interface Period {
    start: number;
    v0: RuleVersion;
    business: number;
    calendar: number;
    /** Detainers that could hold (lodged, not cancelled, a hold form under v0) at some minute of it, with their limit. */
    hadHold: Map<string, { minutes: number; business: boolean }>;
    /** Detainers authorising the previous minute. */
    previous: Set<string>;
    /** Counted minutes from the period's start to a later version's effectiveFrom, by version. */
    toVersion: Map<RuleVersion, number>;
    gap: { reason: ViolationReason; allowance: number; minutes: number } | null;
  }
  let period: Period | null = null;

  const closePeriod = (p: Period) => {
    for (const d of detainers) {
      const limit = p.hadHold.get(d.id);
      if (!limit) continue;
      const counted = limit.business ? p.business : p.calendar;
      d.usedMinutes += Math.min(counted, Math.max(0, limit.minutes - d.usedMinutes));
    }
  };

  for (let t = firstStart; t < custodyEnd; t += MINUTE) {
    // At one instant an eligibility end goes first, then a start.
    if (endsAt.has(t) && period) {
      closePeriod(period);
      period = null;
    }
    if (startsAt.has(t) && !period) {
      period = { start: t, v0: rulesInForce(versions, t), business: 0, calendar: 0, hadHold: new Map(), previous: new Set(), toVersion: new Map(), gap: null };
    }
    if (!period) continue;
    const p: Period = period;
    inPeriods++;

    const now = new Set<string>();
    const endReasons: ViolationReason[] = [];
    for (const d of detainers) {
      if (d.lodgedAt > t) continue;
      const { form, warrant } = formAt(d, t);
      const cancelled = d.cancelledAt <= t;
      const hold = holdOf(p.v0.rules, form, warrant);
      if (hold && !cancelled) p.hadHold.set(d.id, hold);
      let why: ViolationReason | null = null;
      if (cancelled) why = 'cancelled';
      else if (!hold) why = 'amended';
      else if ((hold.business ? p.business : p.calendar) >= hold.minutes - d.usedMinutes) why = 'limit_reached';
      else {
        const v = rulesInForce(versions, t);
        if (v !== p.v0) {
          const later = holdOf(v.rules, form, warrant);
          if (!later) why = 'rules_changed';
          else {
            let counted = p.toVersion.get(v);
            if (counted === undefined) p.toVersion.set(v, (counted = countedMinutes(p.start, v.effectiveFrom!, later.business, v.rules)));
            if (counted >= later.minutes - d.usedMinutes) why = 'rules_changed';
          }
        }
      }
      if (why === null) now.add(d.id);
      else if (p.previous.has(d.id)) endReasons.push(why);
    }

    if (now.size > 0) {
      authorized++;
      p.gap = null;
    } else {
      if (p.gap === null) {
        const lodgedBy = detainers.some((d) => d.lodgedAt <= t);
        const reason = endReasons.length > 0 ? endReasons.sort()[0] : lodgedBy ? 'not_authorized' : 'no_detainer';
        p.gap = { reason, allowance: rulesInForce(versions, t).rules.releaseProcessingMinutes ?? 0, minutes: 0 };
      }
      p.gap.minutes++;
      if (p.gap.minutes <= p.gap.allowance) processing++;
      else {
        const reason = p.gap.reason === 'no_detainer' && detainers.some((d) => d.lodgedAt <= t) ? 'not_authorized' : p.gap.reason;
        violationMinutes.push({ at: t, reason });
      }
    }
    p.previous = now;
    // This minute is now counted from the period's start.
    p.calendar++;
    if (countsAsBusiness(t, p.v0.rules)) p.business++;
  }

  const violations: NaiveStretch[] = [];
  for (const m of violationMinutes) {
    const last = violations[violations.length - 1];
    if (last && last.until === m.at && last.reason === m.reason) last.until += MINUTE;
    else violations.push({ from: m.at, until: m.at + MINUTE, reason: m.reason });
  }
  return {
    inPeriodsMs: inPeriods * MINUTE,
    authorizedMs: authorized * MINUTE,
    processingMs: processing * MINUTE,
    unauthorizedMs: violationMinutes.length * MINUTE,
    compliant: violationMinutes.length === 0,
    violations,
  };
}
