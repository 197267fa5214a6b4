import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { turns, yieldToEventLoop } from '../common/yield.js';
import { EntityManager } from 'typeorm';
import { rulesInForce, type DerivedHold, type HoldOutcome } from '../clock/derive-hold.js';
import { isIce } from '../rules/authority.js';
import { disclosureOf } from '../rules/disclosure.js';
import { reviewFactsOf } from '../custody/review-facts.js';
import { changeOfRecord, CustodyRepository, type CustodyChange, type CustodyRow, type CustodyRows, type Verdict } from '../custody/custody.repository.js';
import { judgeCustody, type CustodyJudgement, type DetainerVerdict } from '../custody/judge.js';
import { Clock } from '../common/clock.js';
import { FacilitiesRepository, type FacilityRules } from '../facilities/facilities.repository.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { applyEvent, emptyBooking, foldBooking, type BookingState, type FoldEvent } from './booking-projection.js';
import { custodyId, detainerKey, holdId, parseKey, type BookingKey } from './booking-key.js';
import { HoldsRepository, type HoldChange, type HoldRow, type HoldRows, type StateRows } from './holds.repository.js';

/**
 * Told, inside the projecting transaction, of holds that were written or removed, with the
 * rules of their facilities (already loaded: listeners need not read them again).
 */
export interface HoldsChangedListener<P = unknown> {
  /**
   * Optional, and no database work: what can be worked out ahead for the holds a batch creates,
   * while the batch's log is written; handed back to `changed` with the same holds among `changes`.
   */
  prepare?(created: readonly HoldChange[], facilities: ReadonlyMap<string, FacilityRules>): P;
  changed(m: EntityManager, changes: HoldChange[], facilities: ReadonlyMap<string, FacilityRules>, prepared: P | undefined): Promise<void>;
}

interface Saved {
  changes: HoldChange[];
  facilities: ReadonlyMap<string, FacilityRules>;
  /** What each listener prepared, by its position (see `HoldsChangedListener.prepare`). */
  prepared?: unknown[];
}

/** What a batch's projection reads from the database (see `load`). */
export interface Loaded {
  states: Map<string, BookingState>;
  rules: Map<string, FacilityRules>;
}

/** A batch's projection, computed and serialised, not yet stored. */
export interface Projection {
  /** When it was computed: the rows' updated_at. */
  now: Date;
  states: StateRows;
  holds: HoldRows;
  custody: CustodyRows;
  /** The custody records judged (what `custody` serialises). */
  records: CustodyRow[];
  /** The ids of those with a detainer waiting for a supervisor's decision (a review alert each). */
  review: ReadonlySet<string>;
  /** Refolded bookings: their holds and custody records not in `holds` and `custody` are deleted. */
  pruned: BookingKey[];
  rules: ReadonlyMap<string, FacilityRules>;
  /** What the listeners prepared for the holds created (see `HoldsChangedListener.prepare`). */
  prepared: unknown[];
}

export type SeqEvent = FoldEvent & { seq: number };

/** The stored verdicts of a facility's custody before it is judged again (see `verdictsOf`). */
type VerdictsBefore = Awaited<ReturnType<CustodyRepository['verdictsOf']>>;

/** What a change of rules records of the custody it re-judged (see `rejudgedOf`). */
interface Rejudged {
  flags: Array<{ id: string; rejudged: object | null }>;
  listed: Parameters<CustodyRepository['recordVerdictChanges']>[1];
}

/**
 * A rule change that alters the verdict of custody already ended: the record is flagged
 * `rejudged` with the verdict it had before (the first one, across several changes), and the
 * change is listed in verdict_changes. Adds the record's to `into`, if any.
 */
function rejudgedOf(r: CustodyRow, before: VerdictsBefore, now: Date, into: Rejudged): void {
  const old = before.get(r.key.bookingId);
  const j = r.judgement;
  if (!old || old.phase !== 'closed' || j.phase !== 'closed') return;
  const after = { phase: j.phase, compliant: j.compliant, overageSeconds: (j.overageMs ?? 0) / 1000 };
  if (old.compliant === after.compliant && old.overageSeconds === after.overageSeconds) return;
  const first = (old.rejudged as { compliant: boolean | null; overageSeconds: number | null } | null) ?? { compliant: old.compliant, overageSeconds: old.overageSeconds };
  const back = first.compliant === after.compliant && first.overageSeconds === after.overageSeconds;
  into.flags.push({ id: r.id, rejudged: back ? null : { compliant: first.compliant, overageSeconds: first.overageSeconds, recordedAt: now.toISOString() } });
  into.listed.push({
    facilityId: r.key.facilityId,
    bookingId: r.key.bookingId,
    custodyId: r.id,
    cause: 'rules_changed',
    before: { phase: old.phase, compliant: old.compliant, overageSeconds: old.overageSeconds },
    after,
  });
}

/**
 * What the alert planner and the other listeners hear of a record judged again: every record but
 * those that had ended and still have (null), which have nothing ahead and no warning live (their
 * end unplanned and resolved them): most of a jail's history.
 */
function alertSubjectOf(r: CustodyRow, before: VerdictsBefore): HoldChange | null {
  if (r.judgement.phase === 'closed' && before.get(r.key.bookingId)?.phase === 'closed') return null;
  return alertSubject(changeOfRecord(r), awaitsReview(r));
}

/** Milliseconds since it was made or last asked, for a log of how long each step took. */
function stopwatch(): () => number {
  let lap = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - lap);
    lap = now;
    return ms;
  };
}

/** Custody records and holds written per statement when a facility is judged again. */
const RECOMPUTE_CHUNK = 5_000;

/**
 * Keeps bookings, detainers and holds in step with the event log. Called inside the
 * ingesting transaction, under the lock of the bookings' facilities, so a hold is
 * never seen half-computed and never lags the events it was acknowledged with.
 */
@Injectable()
export class HoldProjector implements OnModuleInit {
  private readonly log = new Logger('projector');
  /** Bookings judged again per piece of a change of rules (tests set it small, to cross pieces). */
  recomputePiece = RECOMPUTE_CHUNK;
  private readonly listeners: HoldsChangedListener[] = [];

  constructor(
    private readonly repo: HoldsRepository,
    private readonly custody: CustodyRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly facilitiesService: FacilitiesService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.facilitiesService.onRulesChanged((m, facilityId) => this.recomputeFacility(m, facilityId));
  }

  onHoldsChanged<P>(listener: HoldsChangedListener<P>): void {
    this.listeners.push(listener);
  }

  private async tell(m: EntityManager, { changes, facilities, prepared }: Saved): Promise<void> {
    if (changes.length === 0) return;
    for (const [i, l] of this.listeners.entries()) await l.changed(m, changes, facilities, prepared?.[i]);
  }

  /**
   * What projecting events of some bookings needs from the database: the stored states of the
   * `incremental` bookings (the others are refolded from their logs) and their facilities' rules.
   * Read before the batch's log write, which then has the connection while `compute` runs.
   */
  async load(m: EntityManager, incremental: BookingKey[], facilityIds: string[]): Promise<Loaded> {
    const states = await this.repo.loadStates(m, incremental);
    return { states, rules: await this.facilities.rulesFor([...new Set(facilityIds)], m) };
  }

  /**
   * Apply new events to the bookings they concern, and derive their holds: no database work.
   * Bookings in `fullLogs` are refolded from their whole log instead (a retraction changed what counts).
   */
  async compute(loaded: Loaded, newEvents: Map<string, SeqEvent[]>, fullLogs: Map<string, SeqEvent[]>): Promise<Projection> {
    const now = new Date(this.clock.now());
    const states = new Map<string, BookingState>();
    // Detainer rows to write: those new events touched, and all of a refolded booking.
    const touched = new Set<string>();
    // Bookings with no row yet (none was loaded, and the caller holds their facility's lock): their rows are all new.
    const created = new Set<string>();
    for (const [k, list] of newEvents) {
      if (fullLogs.has(k)) continue;
      let state = loaded.states.get(k);
      if (!state) {
        state = emptyBooking();
        created.add(k);
      }
      const events = [...list].sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq - b.seq);
      for (const e of events) {
        applyEvent(state, e);
        if (e.body.type === 'detainer.lodged' || e.body.type === 'detainer.cancelled') touched.add(detainerKey(k, e.body.detainerId));
      }
      states.set(k, state);
    }
    for (const [k, log] of fullLogs) {
      const state = foldBooking(log);
      for (const d of state.detainers.keys()) touched.add(detainerKey(k, d));
      states.set(k, state);
    }
    const entries = [...states].map(([k, state]) => ({ key: parseKey(k), state }));
    const refolded = new Set(fullLogs.keys());
    const records: CustodyRow[] = [];
    const review = new Set<string>();
    // Serialised as each booking is judged, as a change of rules does (see `recomputeFacility`).
    const custodyRows = this.custody.rowsBuilder({ created, pruned: refolded, now });
    const holdRows = this.repo.holdRowsBuilder({ created, pruned: refolded, now });
    await this.derive(entries, loaded.rules, (record, holds) => {
      records.push(record);
      if (awaitsReview(record)) review.add(record.id);
      custodyRows.add(record);
      for (const h of holds) holdRows.add(h);
    });
    const holds = holdRows.finish();
    const custody = custodyRows.finish();
    return {
      now,
      states: this.repo.stateRows(entries, { refolded, touched, created, now }),
      holds,
      custody,
      records,
      review,
      pruned: [...refolded].map(parseKey),
      rules: loaded.rules,
      prepared: this.listeners.map((l) => (l.prepare && custody.created.length > 0 ? l.prepare(custody.created.map(asAlertSubject(review)), loaded.rules) : undefined)),
    };
  }

  /** Store a computed projection and tell the listeners which holds changed; how many did. */
  async save(m: EntityManager, p: Projection): Promise<number> {
    await this.repo.saveStates(m, p.states, p.now);
    // Custody records before holds: a hold names its record.
    const changes = await this.custody.replace(m, p.pruned, p.custody, p.now);
    const holdChanges = await this.repo.replaceHolds(m, p.pruned, p.holds, p.now);
    await this.tell(m, { changes: changes.map(asAlertSubject(p.review)), facilities: p.rules, prepared: p.prepared });
    return holdChanges.length;
  }

  /**
   * Derive some bookings of one facility again from their whole logs, as when the code that
   * derives them changed (see derivation.ts); the caller holds the facility's lock. Only the holds
   * whose values change are written and told to the listeners; how many did.
   */
  async rederive(m: EntityManager, facilityId: string, logs: Map<string, SeqEvent[]>): Promise<{ holdsChanged: number; verdictsChanged: number }> {
    const bookingIds = [...logs.keys()].map((k) => parseKey(k).bookingId);
    const before: Map<string, Verdict> = await this.custody.verdictsOf(m, facilityId, bookingIds);
    // Before custody records existed, the verdict was the holds'.
    const missing = bookingIds.filter((id) => !before.has(id));
    if (missing.length > 0) for (const [id, v] of await this.custody.holdVerdictsOf(m, facilityId, missing)) before.set(id, v);
    const p = await this.compute(await this.load(m, [], [facilityId]), new Map(), logs);
    const changed = await this.save(m, p);
    const listed: Parameters<CustodyRepository['recordVerdictChanges']>[1] = [];
    for (const r of p.records) {
      const old = before.get(r.key.bookingId) ?? null;
      const j = r.judgement;
      if (j.phase !== 'closed' && old?.phase !== 'closed') continue;
      const after: Verdict = { phase: j.phase, compliant: j.compliant, overageSeconds: j.overageMs === null ? null : j.overageMs / 1000 };
      if (old && old.phase === after.phase && old.compliant === after.compliant && old.overageSeconds === after.overageSeconds) continue;
      listed.push({ facilityId, bookingId: r.key.bookingId, custodyId: r.id, cause: 'upgrade', before: old, after });
    }
    await this.custody.recordVerdictChanges(m, listed, p.now);
    return { holdsChanged: changed, verdictsChanged: listed.length };
  }

  /**
   * The facility's rules changed: judge all its holds again, and tell listeners of every one that
   * has not stayed ended (alert thresholds may have changed too; see `alertSubjectsOf`). A pipeline
   * of pieces of the facility's bookings: while Postgres writes one piece's custody records and
   * holds and reads the next piece, this one is judged and serialised (the derivation yields to
   * the event loop), so the server's work and the database's overlap instead of adding up.
   */
  async recomputeFacility(m: EntityManager, facilityId: string): Promise<void> {
    const took = stopwatch();
    const rules = await this.facilities.rulesFor([facilityId], m);
    const now = new Date(this.clock.now());
    const before = await this.custody.verdictsOf(m, facilityId, null);
    // Only what the end needs is kept of each piece (the states, judgements and rows of 100,000
    // bookings held to the end made every garbage collection slower): the re-judged verdicts and
    // the alert subjects, a few fields a record.
    const rejudged: Rejudged = { flags: [], listed: [] };
    const told: HoldChange[] = [];
    let judgedCount = 0;
    let writing: Promise<void> = Promise.resolve();
    // In pieces: one statement of 100,000 records (~100 MB of JSON) cost more than its parts.
    for await (const piece of this.repo.facilityStates(m, facilityId, this.recomputePiece)) {
      // Each booking is serialised as soon as it is judged: its state and judgement die young.
      const custodyRows = this.custody.rowsBuilder({ now });
      const holdRows = this.repo.holdRowsBuilder({ now });
      await this.derive(piece, rules, (record, holds) => {
        judgedCount++;
        custodyRows.add(record);
        for (const h of holds) holdRows.add(h);
        rejudgedOf(record, before, now, rejudged);
        const subject = alertSubjectOf(record, before);
        if (subject !== null) told.push(subject);
      });
      const custody = custodyRows.finish();
      const holds = holdRows.finish();
      await writing;
      // Custody records before holds: a hold names its record.
      writing = (async () => {
        await this.custody.replace(m, [], custody, now, { changes: false });
        await this.repo.replaceHolds(m, [], holds, now, { changes: false });
      })();
      // Awaited at the next piece or below; a failure meanwhile is not an unhandled rejection.
      writing.catch(() => undefined);
    }
    await writing;
    await this.custody.setRejudged(m, rejudged.flags);
    await this.custody.recordVerdictChanges(m, rejudged.listed, now);
    const written = took();
    await this.tell(m, { changes: told, facilities: rules });
    this.log.log(`rules of ${facilityId} changed: ${judgedCount} custody records judged again in ${written} ms, the alerts of ${told.length} replanned in ${took()} ms`);
  }

  /**
   * Judge the custody of these bookings under their facilities' dated rules (judgeCustody, the one
   * place a verdict is computed), and the holds it implies: one per detainer, showing its window
   * and its booking's verdict. `each` is given every booking's as soon as it is judged (a caller
   * that serialises it there lets its objects die young).
   */
  private async derive(entries: Iterable<{ key: BookingKey; state: BookingState }>, rules: ReadonlyMap<string, FacilityRules>, each: (record: CustodyRow, holds: HoldRow[]) => void): Promise<void> {
    const turn = turns();
    for (const { key, state } of entries) {
      if (turn.due()) await yieldToEventLoop();
      const facility = rules.get(key.facilityId)!;
      const judged = judgeCustody(state.facts, facility.versions);
      if (judged.detainers.length === 0) continue; // no detainer lodged: the jail's own custody, no record
      // Whether ICE may be told a release date: the disclosure rule of the version in force at the custody's end, or now.
      const judgement = { ...judged, disclosure: disclosureOf(rulesInForce(facility.versions, judged.endedAt ?? this.clock.now()).rules, judged.detainers) };
      const id = custodyId(key.facilityId, key.bookingId);
      const review = reviewFactsOf(judgement, state.facts, state.charges);
      const { chargeLevel, anyConviction: convicted } = review;
      const holds: HoldRow[] = [];
      for (const d of judgement.detainers) {
        const version = facility.versions[d.versionIndex];
        holds.push({
          id: holdId(key.facilityId, key.bookingId, d.detainerId),
          key,
          detainerId: d.detainerId,
          personId: state.personId,
          form: d.form,
          warrant: d.warrant,
          agency: d.agency,
          lodgedAt: d.lodgedAt,
          chargeLevel,
          convicted,
          toAgency: judgement.toAgency,
          derived: holdOf(judgement, d, version.rules),
          policyVersionId: version.id,
          custodyId: id,
          custodyActiveFrom: judgement.activeFrom,
          custodyDueAt: judgement.dueAt,
          honoured: honouredBy(judgement, d, facility.versions),
        });
      }
      each({ id, key, personId: state.personId, judgement, review }, holds);
    }
  }
}

/** A custody change as the alert planner sees its subject: alerts are raised per custody record, before dueAt. */
const alertSubject = (c: CustodyChange, review: boolean): HoldChange => ({
  holdId: c.custodyId,
  facilityId: c.facilityId,
  bookingId: c.bookingId,
  detainerId: c.detainerId,
  phase: c.phase,
  deadlineAt: c.dueAt,
  created: c.created,
  ...(review ? { review: true } : {}),
});
const asAlertSubject = (review: ReadonlySet<string>) => (c: CustodyChange) => alertSubject(c, review.has(c.custodyId));

/** Whether a detainer of this custody waits for a supervisor's decision (a review alert). */
const awaitsReview = (r: CustodyRow) => r.judgement.detainers.some((d) => d.authority === 'needs_review');

/** The per-detainer view of a custody judgement: the detainer's window, its booking's status and verdict. */
function holdOf(j: CustodyJudgement, d: DetainerVerdict, rules: DerivedHold['rules']): DerivedHold {
  const cancelled = d.cancelledAt !== null && (j.endedAt === null || d.cancelledAt <= j.endedAt);
  const outcome: HoldOutcome | null = j.phase !== 'closed' ? null : cancelled ? 'cancelled' : j.outcome;
  return {
    phase: j.phase,
    rules,
    clockStartedAt: d.clockStartedAt,
    deadlineAt: d.deadlineAt,
    endedAt: j.endedAt,
    outcome,
    compliant: j.compliant,
    overageMs: j.overageMs,
  };
}

/**
 * Whether custody went to the agency that lodged this detainer (and it was not cancelled first): ICE
 * by name or by the facility's aliases for an ICE detainer, the same name otherwise. Null unless transferred.
 */
function honouredBy(j: CustodyJudgement, d: DetainerVerdict, versions: FacilityRules['versions']): boolean | null {
  if (j.outcome !== 'transferred') return null;
  if (d.cancelledAt !== null && j.endedAt !== null && d.cancelledAt <= j.endedAt) return false;
  const aliases = rulesInForce(versions, j.endedAt ?? 0).rules.agencyAliases ?? [];
  if (isIce(d.agency, aliases)) return isIce(j.toAgency, aliases);
  return j.toAgency !== null && j.toAgency.trim().toLowerCase() === d.agency.trim().toLowerCase();
}
