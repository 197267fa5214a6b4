/**
 * The hold clock explained in plain words for a court: when the clock started and why,
 * which days did not count and why, the deadline, how much time was counted, how it ended.
 * Pure: plain data in, sentences out.
 */
import { localText } from '../common/local-time.js';
import { excludedDaysBetween, type HoldRules } from './hold-clock.js';

export interface ExplainInput {
  rules: HoldRules;
  form: string;
  warrant: string | null;
  status: string;
  clockStartedAt: number | null;
  deadlineAt: number | null;
  endedAt: number | null;
  outcome: string | null;
  compliant: boolean | null;
  overageMs: number | null;
  countedMs: number;
  lodgedAt: number;
  releaseReason: string | null;
  toAgency: string | null;
  cancelledAt: number | null;
  /** The facility's policy version that judges the hold: when it took effect (null: its first) and when it was recorded. */
  policyVersion?: { effectiveFrom: number | null; recordedAt: number } | null;
}

export interface Explanation {
  sentences: string[];
  excludedDays: Array<{ date: string; reason: string }>;
}

const REASONS: Record<string, string> = {
  bail_posted: 'bail was posted',
  charges_dismissed: 'the charges were dismissed',
  sentence_completed: 'the sentence was completed',
  court_ordered: 'a court ordered release',
  other: 'the jail recorded release eligibility',
};

/** An instant as every sentence shows it: 24-hour local time with the zone named, "Thu 5 Nov 2026 15:00 EST". */
export const when = (ms: number, zone: string): string => localText(ms, zone);

/** "2 days 3 hours 15 minutes" */
export function duration(ms: number): string {
  const total = Math.round(ms / 1000);
  const parts: string[] = [];
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d) parts.push(`${d} day${d === 1 ? '' : 's'}`);
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || parts.length === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

function policySentence(r: HoldRules, form: string, warrant: string | null): string {
  if (r.policy === 'no-hold') return 'The facility does not hold anyone on a detainer: any custody after the person becomes eligible for release is past the deadline.';
  if (form === 'I-247N') return 'The detainer is a request for notification (I-247N), which never authorises a hold: the deadline is the moment the clock started.';
  if (r.requireJudicialWarrant && warrant !== 'judicial') return 'The facility honours only detainers with a judicial warrant, and this one had none: the deadline is the moment the clock started.';
  if (r.policy === 'calendar-48-hours') return `The person may be held at most ${r.holdHours} hours after the clock starts, counted straight through: nights, weekends and holidays count.`;
  return `The person may be held at most ${r.holdHours} hours after the clock starts, counting only hours on weekdays in ${r.timeZone}: Saturdays, Sundays, federal holidays and the facility's holidays do not count (the federal rule, 8 CFR 287.7(d)).`;
}

/** Which of the facility's dated rule versions applies, so a reader can match it to the facility's change log. */
function versionSentence(v: { effectiveFrom: number | null; recordedAt: number }, zone: string, ahead = false): string {
  const which = v.effectiveFrom === null ? "are the facility's first (they cover all time before any later version)" : `took effect ${when(v.effectiveFrom, zone)}`;
  return `These rules, in force when the clock ${ahead ? 'starts' : 'started'}, ${which}, and were recorded ${when(v.recordedAt, zone)}.`;
}

export function explainHold(h: ExplainInput): Explanation {
  const zone = h.rules.timeZone;
  const s: string[] = [`Detainer (form ${h.form}) received ${when(h.lodgedAt, zone)}.`];
  if (h.clockStartedAt === null) {
    if (h.status === 'pending') s.push('The person has not become eligible for release, so the clock has not started.');
    else if (h.outcome === 'cancelled') s.push(`The detainer was cancelled ${when(h.endedAt!, zone)}, before the person became eligible for release: it never held anyone.`);
    else s.push(`The person left custody ${when(h.endedAt!, zone)}, before becoming eligible for release: the detainer never held anyone.`);
    return { sentences: s, excludedDays: [] };
  }
  const reason = REASONS[h.releaseReason ?? 'other'] ?? h.releaseReason;
  // A release-eligible instant sent ahead: the clock has not started yet.
  const ahead = h.status === 'pending';
  s.push(
    ahead
      ? `The person becomes eligible for release ${when(h.clockStartedAt, zone)} (${reason}): the clock starts then.`
      : `The clock started ${when(h.clockStartedAt, zone)}, when the person became eligible for release (${reason}).`,
  );
  s.push(policySentence(h.rules, h.form, h.warrant));
  if (h.policyVersion) s.push(versionSentence(h.policyVersion, zone, ahead));
  const excludedDays =
    h.rules.policy === 'federal-48-business-hours' && h.deadlineAt !== null ? excludedDaysBetween(h.clockStartedAt, Math.max(h.deadlineAt, h.endedAt ?? 0), zone, h.rules.extraHolidays) : [];
  if (excludedDays.length > 0) s.push(`Days that ${ahead ? 'will not count' : 'did not count'}: ${excludedDays.map((d) => `${d.date} (${d.reason})`).join(', ')}.`);
  if (h.cancelledAt !== null && h.deadlineAt === h.cancelledAt) s.push(`The detainer was cancelled ${when(h.cancelledAt, zone)}, which ended its authority: that is the deadline.`);
  s.push(`Deadline: ${when(h.deadlineAt!, zone)}.`);
  if (h.endedAt === null) {
    s.push(ahead ? 'The clock has not started yet.' : `The person is still in custody; ${duration(h.countedMs)} counted so far.`);
    return { sentences: s, excludedDays };
  }
  const how =
    h.outcome === 'transferred'
      ? `custody was transferred${h.toAgency ? ` to ${h.toAgency}` : ''}`
      : h.outcome === 'cancelled'
        ? 'the person left custody after the detainer was cancelled'
        : 'the person was released';
  s.push(`Custody ended ${when(h.endedAt, zone)}: ${how}. Time counted under the policy: ${duration(h.countedMs)}.`);
  s.push(h.compliant ? 'The hold ended at or before its deadline.' : `The hold ended ${duration(h.overageMs ?? 0)} after its deadline.`);
  return { sentences: s, excludedDays };
}

/**
 * A deadline worked out ahead ("if the person becomes eligible for release then, when must they
 * be released?"), in the present tense; the same counting as a hold's.
 */
export function explainDeadline(p: { rules: HoldRules; form: string; warrant: string | null; startMs: number; deadlineMs: number }): Explanation {
  const zone = p.rules.timeZone;
  const s = [`If the person becomes eligible for release ${when(p.startMs, zone)}, the clock starts then.`, policySentence(p.rules, p.form, p.warrant)];
  const excludedDays = p.rules.policy === 'federal-48-business-hours' && p.deadlineMs > p.startMs ? excludedDaysBetween(p.startMs, p.deadlineMs, zone, p.rules.extraHolidays) : [];
  if (excludedDays.length > 0) s.push(`Days that do not count: ${excludedDays.map((d) => `${d.date} (${d.reason})`).join(', ')}.`);
  s.push(
    p.deadlineMs === p.startMs
      ? `Deadline: ${when(p.deadlineMs, zone)}, the moment the clock starts: the person may not be held at all.`
      : `Deadline: ${when(p.deadlineMs, zone)}, ${duration(p.deadlineMs - p.startMs)} of real time after the clock starts.`,
  );
  return { sentences: s, excludedDays };
}
