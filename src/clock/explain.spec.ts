import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { duration, explainDeadline, explainHold } from './explain.js';

const ny = (s: string) => DateTime.fromISO(s, { zone: 'America/New_York' }).toMillis();
const rules = { timeZone: 'America/New_York', policy: 'federal-48-business-hours' as const, holdHours: 48, extraHolidays: [], requireJudicialWarrant: false };

describe('explainHold', () => {
  it('tells the Thanksgiving example in words, naming each day that did not count', () => {
    const e = explainHold({
      rules,
      form: 'I-247A',
      warrant: null,
      status: 'closed',
      lodgedAt: ny('2026-11-24T09:00'),
      clockStartedAt: ny('2026-11-25T10:00'),
      deadlineAt: ny('2026-11-30T10:00'),
      endedAt: ny('2026-11-30T12:30'),
      outcome: 'released',
      compliant: false,
      overageMs: 2.5 * 3_600_000,
      countedMs: 50.5 * 3_600_000,
      releaseReason: 'bail_posted',
      toAgency: null,
      cancelledAt: null,
    });
    expect(e.excludedDays).toEqual([
      { date: '2026-11-26', reason: 'Thanksgiving Day' },
      { date: '2026-11-28', reason: 'Saturday' },
      { date: '2026-11-29', reason: 'Sunday' },
    ]);
    expect(e.sentences).toEqual([
      'Detainer (form I-247A) received Tue 24 Nov 2026 09:00 EST.',
      'The clock started Wed 25 Nov 2026 10:00 EST, when the person became eligible for release (bail was posted).',
      "The person may be held at most 48 hours after the clock starts, counting only hours on weekdays in America/New_York: Saturdays, Sundays, federal holidays and the facility's holidays do not count (the federal rule, 8 CFR 287.7(d)).",
      'Days that did not count: 2026-11-26 (Thanksgiving Day), 2026-11-28 (Saturday), 2026-11-29 (Sunday).',
      'Deadline: Mon 30 Nov 2026 10:00 EST.',
      'Custody ended Mon 30 Nov 2026 12:30 EST: the person was released. Time counted under the policy: 2 days 2 hours 30 minutes.',
      'The hold ended 2 hours 30 minutes after its deadline.',
    ]);
  });

  it('names the rule version that judges the hold, when it took effect and when it was recorded', () => {
    const base = {
      rules,
      form: 'I-247A',
      warrant: null,
      status: 'running',
      lodgedAt: ny('2027-01-04T09:00'),
      clockStartedAt: ny('2027-01-05T10:00'),
      deadlineAt: ny('2027-01-07T10:00'),
      endedAt: null,
      outcome: null,
      compliant: null,
      overageMs: null,
      countedMs: 0,
      releaseReason: null,
      toAgency: null,
      cancelledAt: null,
    };
    expect(explainHold({ ...base, policyVersion: { effectiveFrom: ny('2027-01-01T00:00'), recordedAt: ny('2026-12-15T16:20') } }).sentences[3]).toBe(
      'These rules, in force when the clock started, took effect Fri 1 Jan 2027 00:00 EST, and were recorded Tue 15 Dec 2026 16:20 EST.',
    );
    expect(explainHold({ ...base, policyVersion: null }).sentences[3]).toBe('Deadline: Thu 7 Jan 2027 10:00 EST.');
  });

  it('says in the future tense what a clock that starts later will do', () => {
    const e = explainHold({
      rules,
      form: 'I-247A',
      warrant: null,
      status: 'pending',
      lodgedAt: ny('2026-11-20T09:00'),
      clockStartedAt: ny('2026-11-25T10:00'),
      deadlineAt: ny('2026-11-30T10:00'),
      endedAt: null,
      outcome: null,
      compliant: null,
      overageMs: null,
      countedMs: 0,
      releaseReason: 'sentence_completed',
      toAgency: null,
      cancelledAt: null,
      policyVersion: { effectiveFrom: null, recordedAt: ny('2026-11-01T08:00') },
    });
    expect(e.sentences.slice(1)).toEqual([
      'The person becomes eligible for release Wed 25 Nov 2026 10:00 EST (the sentence was completed): the clock starts then.',
      "The person may be held at most 48 hours after the clock starts, counting only hours on weekdays in America/New_York: Saturdays, Sundays, federal holidays and the facility's holidays do not count (the federal rule, 8 CFR 287.7(d)).",
      "These rules, in force when the clock starts, are the facility's first (they cover all time before any later version), and were recorded Sun 1 Nov 2026 08:00 EST.",
      'Days that will not count: 2026-11-26 (Thanksgiving Day), 2026-11-28 (Saturday), 2026-11-29 (Sunday).',
      'Deadline: Mon 30 Nov 2026 10:00 EST.',
      'The clock has not started yet.',
    ]);
  });

  it('says when a detainer never held anyone', () => {
    const e = explainHold({
      rules,
      form: 'I-247A',
      warrant: null,
      status: 'closed',
      lodgedAt: ny('2026-11-02T09:00'),
      clockStartedAt: null,
      deadlineAt: null,
      endedAt: ny('2026-11-03T09:00'),
      outcome: 'cancelled',
      compliant: true,
      overageMs: 0,
      countedMs: 0,
      releaseReason: null,
      toAgency: null,
      cancelledAt: ny('2026-11-03T09:00'),
    });
    expect(e.sentences[1]).toBe('The detainer was cancelled Tue 3 Nov 2026 09:00 EST, before the person became eligible for release: it never held anyone.');
  });

  it('formats durations', () => {
    expect(duration(0)).toBe('0 seconds');
    expect(duration(90_061_000)).toBe('1 day 1 hour 1 minute 1 second');
  });
});

describe('explainDeadline: a deadline worked out ahead', () => {
  const ny = { timeZone: 'America/New_York', policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false } as const;
  const at = (iso: string) => Date.parse(iso);

  it("says when the clock starts, the rule, the days that do not count and the deadline (the design note's Thanksgiving example)", () => {
    expect(explainDeadline({ rules: ny, form: 'I-247A', warrant: null, startMs: at('2026-11-25T15:00:00Z'), deadlineMs: at('2026-11-30T15:00:00Z') })).toEqual({
      sentences: [
        'If the person becomes eligible for release Wed 25 Nov 2026 10:00 EST, the clock starts then.',
        "The person may be held at most 48 hours after the clock starts, counting only hours on weekdays in America/New_York: Saturdays, Sundays, federal holidays and the facility's holidays do not count (the federal rule, 8 CFR 287.7(d)).",
        'Days that do not count: 2026-11-26 (Thanksgiving Day), 2026-11-28 (Saturday), 2026-11-29 (Sunday).',
        'Deadline: Mon 30 Nov 2026 10:00 EST, 5 days of real time after the clock starts.',
      ],
      excludedDays: [
        { date: '2026-11-26', reason: 'Thanksgiving Day' },
        { date: '2026-11-28', reason: 'Saturday' },
        { date: '2026-11-29', reason: 'Sunday' },
      ],
    });
  });

  it('says plainly when no hold is authorised', () => {
    const start = at('2026-11-25T15:00:00Z');
    expect(explainDeadline({ rules: ny, form: 'I-247N', warrant: null, startMs: start, deadlineMs: start }).sentences.slice(1)).toEqual([
      'The detainer is a request for notification (I-247N), which never authorises a hold: the deadline is the moment the clock started.',
      'Deadline: Wed 25 Nov 2026 10:00 EST, the moment the clock starts: the person may not be held at all.',
    ]);
  });
});
