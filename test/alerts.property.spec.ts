import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SweepService } from '../src/alerts/sweep.service.js';
import { ev } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * "Nobody is held past the deadline unnoticed", as a simulation. Random bookings live their
 * days while the clock moves on in random steps; each event reaches the monitor at its instant
 * or hours late, and some are corrected: a release or a cancellation retracted as entered in
 * error; some bookings get a second detainer; some days in, the facility's rules and warning
 * thresholds change. Alerts are one live item per person's custody. After every sweep, whatever
 * happened before:
 * - no custody record has more than one live (open or acknowledged) alert;
 * - every custody past its deadline has a live overdue (or escalated) alert about that deadline;
 * - every running custody's live alert is its most urgent warning whose time has come, or a more
 *   urgent one (a warning is superseded by the next, and closed once the custody is overdue);
 * - an overdue alert left unacknowledged past the escalation delay has risen to escalated, and
 *   none rose after it was acknowledged;
 * - no alert was raised before it was due, no warning after its deadline; no alert is left live
 *   about a custody that ended or a deadline it no longer has, except an overdue one nobody has
 *   acknowledged: it stays open until acknowledged, and is never resolved at the custody's end
 *   without an acknowledgement (who and when recorded).
 */

const WARN = [12, 4, 1];
// Some days in, while many holds run, the facility's rules change: other warnings, and 36 hours for holds whose clock starts from then on.
const WARN_LATER = [24, 6];
const ESCALATE_MIN = 60;
const START = Date.parse('2026-11-16T00:00:00Z'); // Thanksgiving inside: business hours stretch over it
const H = 3_600_000;

type Kind = 'eligible' | 'released' | 'transferred' | 'cancelled';
const storySample = fc.record({
  lodgedH: fc.integer({ min: 0, max: 120 }),
  eligibleH: fc.integer({ min: -24, max: 100 }),
  form: fc.constantFrom('I-247A', 'I-247A', 'I-247A', 'I-247N'),
  // How custody ends, this long after release-eligibility (past 48 business hours often), or never.
  end: fc.option(fc.record({ kind: fc.constantFrom<Kind>('released', 'transferred'), afterH: fc.integer({ min: 1, max: 150 }) }), { nil: null, freq: 4 }),
  cancelAfterH: fc.option(fc.integer({ min: -10, max: 80 }), { nil: null, freq: 4 }),
  // Which event, if any, is retracted later as entered in error, and how long after it.
  retract: fc.option(fc.record({ which: fc.constantFrom<Kind>('released', 'transferred', 'cancelled', 'eligible'), afterH: fc.integer({ min: 1, max: 30 }) }), { nil: null, freq: 3 }),
  // Hours each event takes to reach the monitor (mostly at once).
  delays: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }) }), { minLength: 6, maxLength: 6 }),
  minutes: fc.integer({ min: 0, max: 59 }),
  // A second detainer, lodged this long after the first, sometimes.
  secondH: fc.option(fc.integer({ min: -20, max: 60 }), { nil: null, freq: 4 }),
});

interface Pending {
  sendAt: number;
  event: Record<string, unknown>;
}

function stories(F: string, seed: number): Pending[] {
  return fc.sample(storySample, { numRuns: 50, seed }).flatMap((s, i) => {
    const b = { facilityId: F, bookingId: `as-${seed}-${i}` };
    const at = (h: number) => START + h * H + s.minutes * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const out: Pending[] = [];
    const push = (ms: number, event: Record<string, unknown>, delay: number) => out.push({ sendAt: ms + delay * H, event });
    push(at(s.lodgedH - 30), ev.opened({ ...b, occurredAt: iso(at(s.lodgedH - 30)) }), 0);
    push(at(s.lodgedH), ev.lodged({ ...b, occurredAt: iso(at(s.lodgedH)), form: s.form }), s.delays[0]);
    if (s.secondH !== null) push(at(s.lodgedH + s.secondH), ev.lodged({ ...b, detainerId: 'd2', occurredAt: iso(at(s.lodgedH + s.secondH)), form: 'I-247D' }), s.delays[5]);
    const eligibleMs = at(s.lodgedH + s.eligibleH);
    const ids: Partial<Record<Kind, { id: string; at: number }>> = {};
    const add = (kind: Kind, ms: number, delay: number) => {
      const e =
        kind === 'eligible'
          ? ev.eligible({ ...b, occurredAt: iso(ms) })
          : kind === 'cancelled'
            ? ev.cancelled({ ...b, occurredAt: iso(ms) })
            : kind === 'released'
              ? ev.released({ ...b, occurredAt: iso(ms) })
              : ev.transferred({ ...b, occurredAt: iso(ms) });
      ids[kind] = { id: e.eventId, at: ms };
      push(ms, e, delay);
    };
    add('eligible', eligibleMs, s.delays[1]);
    if (s.end) add(s.end.kind, eligibleMs + s.end.afterH * H, s.delays[2]);
    if (s.cancelAfterH !== null) add('cancelled', eligibleMs + s.cancelAfterH * H, s.delays[3]);
    const target = s.retract && ids[s.retract.which];
    if (s.retract && target) {
      const ms = target.at + (s.retract.afterH + s.delays[2]) * H;
      push(ms, ev.retracted({ ...b, occurredAt: iso(ms), retractsEventId: target.id }), s.delays[4]);
    }
    return out;
  });
}

let t: TestApp;
let supervisor: string;
beforeAll(async () => {
  t = await startTestApp({ now: new Date(START - 40 * H).toISOString() });
  supervisor = await t.keyFor('supervisor');
});
afterAll(() => t.close());

interface HoldRow {
  id: string;
  booking_id: string;
  phase: string;
  deadline_at: Date | null;
}
interface AlertRow {
  id: string;
  hold_id: string;
  level: string;
  threshold_hours: string;
  deadline_at: Date;
  due_at: Date;
  raised_at: Date;
  state: string;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  escalated_at: Date | null;
  resolution: string | null;
}

/** What is wrong at `now`, in words (empty when every promise holds). */
async function broken(F: string, now: number, warn: number[]): Promise<string[]> {
  // Alerts are raised per custody record (one per booking with a detainer), before and after the instant its authority ends (due_at).
  const holds: HoldRow[] = await t.ds.query(`SELECT id, booking_id, phase, due_at AS deadline_at FROM custody_records WHERE facility_id = $1`, [F]);
  const alerts: AlertRow[] = await t.ds.query(
    `SELECT id, hold_id, level, threshold_hours::text, deadline_at, due_at, raised_at, state, acknowledged_at, acknowledged_by, escalated_at, resolution FROM alerts WHERE facility_id = $1`,
    [F],
  );
  const byHold = new Map<string, AlertRow[]>();
  for (const a of alerts) byHold.set(a.hold_id, [...(byHold.get(a.hold_id) ?? []), a]);
  const out: string[] = [];
  const isLive = (a: AlertRow) => a.state !== 'resolved';
  for (const h of holds) {
    const mine = byHold.get(h.id) ?? [];
    const deadline = h.deadline_at?.getTime() ?? null;
    const about = (a: AlertRow) => a.deadline_at.getTime() === deadline;
    const live = mine.filter(isLive);
    if (live.length > 1) out.push(`${h.booking_id}: ${live.length} live alerts (${live.map((a) => `${a.level} ${a.threshold_hours} ${a.state}`).join(', ')})`);
    const l = live[0];
    if (h.phase === 'open' && deadline !== null && now > deadline) {
      if (!l || l.level === 'approaching' || !about(l))
        out.push(`${h.booking_id}: past its deadline ${new Date(deadline).toISOString()} with no live overdue alert (${mine.map((a) => `${a.level} ${a.state}`).join(', ') || 'none'})`);
      else if (l.level === 'overdue' && l.state === 'open' && l.raised_at.getTime() + ESCALATE_MIN * 60_000 <= now) {
        out.push(`${h.booking_id}: overdue alert unacknowledged since ${l.raised_at.toISOString()}, not escalated`);
      }
    }
    if (h.phase === 'open' && deadline !== null && now <= deadline) {
      const due = warn.filter((w) => deadline - w * H <= now);
      if (due.length > 0) {
        const most = Math.min(...due);
        if (!l || l.level !== 'approaching' || !about(l) || Number(l.threshold_hours) > most) {
          out.push(`${h.booking_id}: running, its ${most} h warning due, but the live alert is ${l ? `${l.level} ${l.threshold_hours} h` : 'none'}`);
        }
      }
    }
    for (const a of mine) {
      if (a.raised_at.getTime() < a.due_at.getTime()) out.push(`${h.booking_id}: ${a.level} raised before it was due`);
      if (a.level === 'approaching' && a.raised_at.getTime() > a.deadline_at.getTime()) out.push(`${h.booking_id}: warning raised after its deadline`);
      const awaitingAck = h.phase === 'closed' && a.level !== 'approaching' && a.state === 'open';
      if (isLive(a) && !(h.phase === 'open' && about(a)) && !awaitingAck)
        out.push(`${h.booking_id}: ${a.level} alert left ${a.state} though the custody is ${h.phase} with deadline ${h.deadline_at?.toISOString()}`);
      if (a.level === 'escalated' && (a.escalated_at === null || (a.acknowledged_at !== null && a.acknowledged_at < a.escalated_at))) out.push(`${h.booking_id}: escalated though acknowledged`);
      if ((a.acknowledged_at === null) !== (a.acknowledged_by === null) || (a.state === 'acknowledged' && a.acknowledged_at === null)) out.push(`${h.booking_id}: acknowledged without who and when`);
      if (a.level !== 'approaching' && a.state === 'resolved' && ['hold closed', 'acknowledged after the custody ended'].includes(a.resolution ?? '') && a.acknowledged_at === null) {
        out.push(`${h.booking_id}: ${a.level} alert resolved at the custody's end though nobody acknowledged it`);
      }
    }
  }
  return out;
}

describe('alerts in a simulated fortnight', () => {
  for (const seed of [11, 29]) {
    it(`after every sweep, one live alert per custody: overdue ones live until acknowledged and ended, the warning due live, none early, none stale (seed ${seed})`, async () => {
      // A facility of its own for each round: the clock starts over.
      const F = `al-sim-${seed}`;
      const facility = { name: 'Simulated County Jail', timeZone: 'America/New_York', policy: 'federal-48-business-hours', warnBeforeHours: WARN, escalateAfterMinutes: ESCALATE_MIN };
      await t.http.put(`/api/facilities/${F}`).set('Authorization', t.admin).send(facility).expect(200);
      const pending = stories(F, seed).sort((a, b) => a.sendAt - b.sendAt);
      const steps = fc.sample(fc.record({ minutes: fc.integer({ min: 5, max: 240 }), ackOne: fc.nat(3) }), { numRuns: 400, seed });
      const sweep = t.app.get(SweepService);
      let now = START - 36 * H;
      let sent = 0;
      let checks = 0;
      const seen = new Set<string>();
      let warn = WARN;
      for (const [n, s] of steps.entries()) {
        now += s.minutes * 60_000;
        if (n === 60) {
          t.clock.set(now);
          await t.http
            .put(`/api/facilities/${F}`)
            .set('Authorization', t.admin)
            .send({ ...facility, holdHours: 36, warnBeforeHours: WARN_LATER, effectiveFrom: new Date(now).toISOString() })
            .expect(200);
          warn = WARN_LATER;
        }
        t.clock.set(now);
        const batch: Array<Record<string, unknown>> = [];
        while (sent < pending.length && pending[sent].sendAt <= now) batch.push(pending[sent++].event);
        if (batch.length > 0) await t.http.post('/api/events').set('Authorization', t.admin).send({ events: batch }).expect(200);
        await sweep.sweep();
        // A supervisor acknowledges one open overdue (or escalated) alert now and then: an overdue one must not escalate then.
        if (s.ackOne === 0 || s.ackOne === 1) {
          const [open] = (
            await t.http
              .get(`/api/alerts?facilityId=${F}&level=${s.ackOne === 0 ? 'overdue' : 'escalated'}&state=open&limit=1`)
              .set('Authorization', supervisor)
              .expect(200)
          ).body.items;
          if (open) await t.http.post(`/api/alerts/${open.id}/acknowledge`).set('Authorization', supervisor).send({ note: 'on it' }).expect(200);
        }
        expect({ at: new Date(now).toISOString(), broken: await broken(F, now, warn) }).toEqual({ at: new Date(now).toISOString(), broken: [] });
        checks++;
        for (const r of await t.ds.query(`SELECT DISTINCT level || ' ' || state AS k FROM alerts WHERE facility_id = $1`, [F])) seen.add(r.k);
      }
      expect(sent).toBe(pending.length);
      // Both versions of the rules judged some of the holds.
      expect(
        (await t.ds.query(`SELECT DISTINCT hold_hours FROM holds WHERE facility_id = $1 AND clock_started_at IS NOT NULL ORDER BY 1`, [F])).map((r: { hold_hours: number }) => r.hold_hours),
      ).toEqual([36, 48]);
      expect(checks).toBe(400);
      // The simulation reached every level and state.
      expect([...seen].sort()).toEqual(
        expect.arrayContaining([
          'approaching open',
          'approaching resolved',
          'escalated acknowledged',
          'escalated open',
          'escalated resolved',
          'overdue acknowledged',
          'overdue open',
          'overdue resolved',
        ]),
      );
      // Warnings were superseded by the next, and overdue alerts outlived custody until acknowledged.
      const resolutions = (await t.ds.query(`SELECT DISTINCT resolution FROM alerts WHERE facility_id = $1 AND state = 'resolved'`, [F])).map((r: { resolution: string }) => r.resolution);
      expect(resolutions).toEqual(expect.arrayContaining(['superseded by the 4 h warning', 'superseded: the custody is overdue', 'acknowledged after the custody ended', 'hold closed']));
    });
  }
});
