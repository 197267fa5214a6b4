import { describe, expect, it } from '@jest/globals';
// The board's pure helpers are plain browser modules; Jest loads them as ES modules.
import {
  boardSummary,
  countdown,
  countdownSpoken,
  defaultPeriod,
  detainerAuthority,
  detainerLine,
  holdState,
  periodAhead,
  policyLabel,
  presetNotice,
  localClock,
  overage,
  sweepWarning,
  utcClock,
  wallClock,
  words,
} from '../web/format.js';
import { localText } from '../src/common/local-time.js';

describe('time past the limit, and codes in words', () => {
  it('rounds overage up to the minute, as the countdown does past a deadline', () => {
    expect([overage(7_200), overage(7_201), overage(1), overage(0)]).toEqual(['2 h 00 min', '2 h 01 min', '0 h 01 min', '0 h 00 min']);
    expect(countdown(-7_201)).toBe(`${overage(7_201)} over`);
    expect([words('limit_reached'), words(null)]).toEqual(['limit reached', '']);
  });
});

describe('board countdown', () => {
  it.each([
    [10_800, '3 h 00 min'],
    [10_799, '2 h 59 min'], // never more time than there is
    [59, '0 h 00 min'],
    [0, '0 h 00 min'],
    [-1, '0 h 01 min over'], // never less overage than there is
    [-3_600, '1 h 00 min over'],
    [-3_601, '1 h 01 min over'],
    [200_000, '55 h 33 min'],
    [null, 'clock not started'],
  ])('%p s -> %p', (s, text) => expect(countdown(s)).toBe(text));

  it('speaks in words', () => {
    expect(countdownSpoken(3_660)).toBe('1 hour 1 minute left');
    expect(countdownSpoken(-7_200)).toBe('overdue by 2 hours 0 minutes');
  });
});

describe('board state', () => {
  it.each([
    [null, [12, 4, 1], 'pending'],
    [0, [12, 4, 1], 'overdue'],
    [-5, [12, 4, 1], 'overdue'],
    [12 * 3600, [12, 4, 1], 'approaching'],
    [12 * 3600 + 1, [12, 4, 1], 'safe'],
    [5 * 3600, [4, 1], 'safe'],
    [5 * 3600, [6], 'approaching'],
    [5 * 3600, [], 'safe'],
  ])('%p s left, warnings %p -> %p', (s, warn, state) => expect(holdState(s, warn)).toBe(state));
});

describe('board rows per person', () => {
  const d = (over: Record<string, unknown> = {}) => ({ form: 'I-247A', warrant: null, authority: 'hold', cancelledAt: null, reasons: [] as string[], ...over });

  it('says what each detainer authorises now: hold, notify only, or nothing and why', () => {
    expect(detainerAuthority(d({ reasons: ['limit_reached'] }), 'running')).toBe('hold'); // its limit is spent later
    expect(detainerAuthority(d(), 'pending')).toBe('hold');
    expect(detainerAuthority(d({ authority: 'notify_only', reasons: ['notify_only_form'] }), 'running')).toBe('notify only');
    expect(detainerAuthority(d({ authority: 'none', reasons: ['judicial_warrant_required'] }), 'overdue')).toBe('nothing (no judicial warrant)');
    expect(detainerAuthority(d({ authority: 'none', reasons: ['no_hold_policy', 'limit_reached'] }), 'overdue')).toBe('nothing (no-hold facility)');
    expect(detainerAuthority(d({ authority: 'none', reasons: ['some_new_reason'] }), 'overdue')).toBe('nothing (some new reason)');
    expect(detainerAuthority(d({ authority: 'none' }), 'overdue')).toBe('nothing');
    // Cancelled: nothing, whatever its form could have done.
    expect(detainerAuthority(d({ cancelledAt: '2026-11-23T22:00:00.000Z', reasons: ['cancelled'] }), 'overdue')).toBe('nothing (cancelled)');
    // While the person is overdue no hold holds: the reason its authority ended.
    expect(detainerAuthority(d({ reasons: ['limit_reached'] }), 'overdue')).toBe('nothing (limit spent)');
    expect(detainerAuthority(d({ reasons: ['rules_changed'] }), 'overdue')).toBe('nothing (rules changed)');
  });

  it('writes a detainer in one line', () => {
    expect(detainerLine(d({ warrant: 'administrative' }), 'running')).toBe('I-247A, administrative warrant: hold');
    expect(detainerLine(d({ warrant: 'none' }), 'running')).toBe('I-247A: hold');
    expect(detainerLine(d({ form: 'I-247N', authority: 'notify_only', reasons: ['notify_only_form'] }), 'running')).toBe('I-247N: notify only');
  });

  it('finds the eligibility period a record not yet in one will start', () => {
    const now = Date.parse('2026-11-24T18:00:00.000Z');
    const period = (from: string, until: string | null) => ({ from, fromLocal: from, until, untilLocal: until, endedBy: until ? 'released' : null });
    const ahead = period('2026-11-24T23:00:00.000Z', null);
    expect(periodAhead({ status: 'pending', eligibility: [] }, now)).toBeNull();
    expect(periodAhead({ status: 'pending', eligibility: [ahead] }, now)).toBe(ahead);
    // A period that ended (bail, then a new warrant) is behind; the next one is ahead.
    const past = period('2026-11-20T10:00:00.000Z', '2026-11-21T10:00:00.000Z');
    expect(periodAhead({ status: 'pending', eligibility: [past] }, now)).toBeNull();
    expect(periodAhead({ status: 'pending', eligibility: [past, ahead] }, now)).toBe(ahead);
    // Running or overdue: the person is in a period now, none is ahead.
    expect(periodAhead({ status: 'running', eligibility: [period('2026-11-24T08:00:00.000Z', null)] }, now)).toBeNull();
  });

  it('counts people in the summary', () => {
    expect(boardSummary(6, { overdue: 2, approaching: 1, safe: 1, pending: 2 })).toBe('6 people: 2 overdue, 1 approaching, 1 safe, 2 not started.');
    expect(boardSummary(1, { overdue: 0, approaching: 0, safe: 1, pending: 0 })).toBe('1 person: 0 overdue, 0 approaching, 1 safe, 0 not started.');
    expect(boardSummary(0, { overdue: 0, approaching: 0, safe: 0, pending: 0 })).toBe('0 people: 0 overdue, 0 approaching, 0 safe, 0 not started.');
  });
});

describe('one time format: 24-hour local time with the zone named', () => {
  it("shows the jail's local time with its zone, as the API's sentences do", () => {
    expect(wallClock('2026-11-09T15:00:00.000-06:00', 'America/Chicago')).toBe('Mon 9 Nov 2026 15:00 CST');
    expect(wallClock('2027-01-01T00:05:00.000+10:00', 'Australia/Brisbane')).toBe('Fri 1 Jan 2027 00:05 GMT+10');
    expect(wallClock('2026-07-04T09:30:00.000Z', 'UTC')).toBe('Sat 4 Jul 2026 09:30 UTC');
    expect(wallClock('2026-03-08T00:00:00.000-05:00', 'America/New_York')).toBe('Sun 8 Mar 2026 00:00 EST');
    // Without the zone, the string's own offset names it.
    expect(wallClock('2026-11-09T15:00:00.000-06:00')).toBe('Mon 9 Nov 2026 15:00 UTC-06:00');
    expect(wallClock(null)).toBe('—');
    expect([utcClock('2026-11-24T18:00:00.000Z'), utcClock(null)]).toEqual(['Tue 24 Nov 2026 18:00 UTC', '—']);
  });
  it("is the server's format exactly (src/common/local-time.ts), midnight and noon included", () => {
    for (const zone of ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu', 'UTC', 'Europe/Berlin']) {
      for (const iso of ['2026-11-24T06:00:00.000Z', '2026-11-24T18:00:00.000Z', '2026-07-01T05:00:00.000Z', '2027-03-14T07:59:00.000Z']) {
        expect([zone, iso, localClock(iso, zone)]).toEqual([zone, iso, localText(Date.parse(iso), zone)]);
      }
    }
    expect(localClock(Date.parse('2026-11-24T06:00:00.000Z'), 'America/Chicago')).toBe('Tue 24 Nov 2026 00:00 CST');
  });
});

describe('labels and defaults', () => {
  it('names policies', () => {
    expect(policyLabel('federal-48-business-hours', 48)).toBe('48 business hours (8 CFR 287.7)');
    expect(policyLabel('federal-48-business-hours', 24)).toBe('24 business hours');
    expect(policyLabel('calendar-48-hours', 24)).toBe('24 calendar hours');
    expect(policyLabel('no-hold', 48)).toBe('no holds');
  });

  it('defaults the report to the last twelve months and this one', () => {
    expect(defaultPeriod('2026-11-24')).toEqual({ from: '2025-11-01', to: '2026-12-01' });
    expect(defaultPeriod('2026-12-31')).toEqual({ from: '2025-12-01', to: '2027-01-01' });
  });
});

describe('sweep warning', () => {
  const at = (iso: string) => iso.slice(11, 19); // the page passes the desk's own rendering
  it('says nothing while the sweep is on time or off here', () => {
    expect(sweepWarning({ status: 'ok', alertSweep: { state: 'ok', lastSucceededAt: '2026-11-24T12:00:00.000Z' } }, at)).toBeNull();
    expect(sweepWarning({ status: 'ok', alertSweep: { state: 'off', lastSucceededAt: null } }, at)).toBeNull();
    expect(sweepWarning({ status: 'unavailable', database: 'down' }, at)).toBeNull();
    expect(sweepWarning(null, at)).toBeNull();
  });
  it('says since when alerts may be missing once it is late', () => {
    expect(sweepWarning({ status: 'degraded', alertSweep: { state: 'late', lastSucceededAt: '2026-11-24T12:00:00.000Z' } }, at)).toBe(
      "Alerts may be missing: the server's alert sweep has not run since 12:00:00. Deadlines on the board are still right; watch them here and tell whoever runs the server.",
    );
    expect(sweepWarning({ status: 'degraded', alertSweep: { state: 'late', lastSucceededAt: null } }, at)).toMatch(/has not run since the server started\./);
  });
  it("by default names the time in the page's one format, in the desk's zone", () => {
    const desk = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(sweepWarning({ status: 'degraded', alertSweep: { state: 'late', lastSucceededAt: '2026-11-24T12:00:00.000Z' } })).toBe(
      `Alerts may be missing: the server's alert sweep has not run since ${localText(Date.parse('2026-11-24T12:00:00.000Z'), desk)}. Deadlines on the board are still right; watch them here and tell whoever runs the server.`,
    );
  });
  it('says since when a due alert waits unraised, whichever instance should have raised it', () => {
    const health = { status: 'degraded', alertSweep: { state: 'ok' }, alertsDue: { state: 'late', oldestDueAt: '2026-11-24T13:00:00.000Z' } };
    expect(sweepWarning(health, at)).toBe(
      'Alerts may be missing: an alert due since 13:00:00 has not been raised. Deadlines on the board are still right; watch them here and tell whoever runs the server.',
    );
    expect(sweepWarning({ ...health, alertsDue: { state: 'ok', oldestDueAt: '2026-11-24T13:00:00.000Z' } }, at)).toBeNull();
  });
});

describe('a preset on the board', () => {
  it('names the unverified rules plainly, with their reasons; nothing when every rule was checked or there is no preset', () => {
    const preset = { id: 'us-wa', name: 'Keep Washington Working Act', verified: false, unverified: ["RCW 10.93.160: The section's own text was not read."] };
    expect(presetNotice(preset)).toEqual({ label: 'Unverified rules (us-wa): RCW 10.93.160', reasons: ["RCW 10.93.160: The section's own text was not read."] });
    expect([presetNotice({ ...preset, verified: true, unverified: [] }), presetNotice(null), presetNotice(undefined)]).toEqual([null, null, null]);
  });
});
