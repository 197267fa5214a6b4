import { Injectable, type OnModuleInit } from '@nestjs/common';
import { YIELD_EVERY, yieldToEventLoop } from '../common/yield.js';
import { EntityManager } from 'typeorm';
import { deriveHold } from '../clock/derive-hold.js';
import { Clock } from '../common/clock.js';
import { FacilitiesRepository, rulesAt, type FacilityRules } from '../facilities/facilities.repository.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { anyConviction, applyEvent, emptyBooking, foldBooking, mostSeriousLevel, type BookingState, type FoldEvent } from './booking-projection.js';
import { detainerKey, holdId, parseKey, type BookingKey } from './booking-key.js';
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
  /** Refolded bookings: their holds not in `holds` are deleted. */
  pruned: BookingKey[];
  rules: ReadonlyMap<string, FacilityRules>;
  /** What the listeners prepared for the holds created (see `HoldsChangedListener.prepare`). */
  prepared: unknown[];
}

export type SeqEvent = FoldEvent & { seq: number };

/**
 * Keeps bookings, detainers and holds in step with the event log. Called inside the
 * ingesting transaction, under the lock of the bookings' facilities, so a hold is
 * never seen half-computed and never lags the events it was acknowledged with.
 */
@Injectable()
export class HoldProjector implements OnModuleInit {
  private readonly listeners: HoldsChangedListener[] = [];

  constructor(
    private readonly repo: HoldsRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly facilitiesService: FacilitiesService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.facilitiesService.onRulesChanged((m, facilityId) => this.recomputeFacility(m, facilityId));
  }

  onHoldsChanged<P>(listener: HoldsChangedListener<P>): void {
    this.listeners.push(listener as HoldsChangedListener);
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
    const holds = this.repo.holdRows(await this.derive(entries, loaded.rules), { created, pruned: refolded, now });
    return {
      now,
      states: this.repo.stateRows(entries, { refolded, touched, created, now }),
      holds,
      pruned: [...refolded].map(parseKey),
      rules: loaded.rules,
      prepared: this.listeners.map((l) => (l.prepare && holds.created.length > 0 ? l.prepare(holds.created, loaded.rules) : undefined)),
    };
  }

  /** Store a computed projection and tell the listeners which holds changed; how many did. */
  async save(m: EntityManager, p: Projection): Promise<number> {
    await this.repo.saveStates(m, p.states, p.now);
    const changes = await this.repo.replaceHolds(m, p.pruned, p.holds, p.now);
    await this.tell(m, { changes, facilities: p.rules, prepared: p.prepared });
    return changes.length;
  }

  /**
   * Derive some bookings of one facility again from their whole logs, as when the code that
   * derives them changed (see derivation.ts); the caller holds the facility's lock. Only the holds
   * whose values change are written and told to the listeners; how many did.
   */
  async rederive(m: EntityManager, facilityId: string, logs: Map<string, SeqEvent[]>): Promise<number> {
    return this.save(m, await this.compute(await this.load(m, [], [facilityId]), new Map(), logs));
  }

  /** The facility's rules changed: judge all its holds again, and tell listeners of every one (alert thresholds may have changed too). */
  async recomputeFacility(m: EntityManager, facilityId: string): Promise<void> {
    const keys = await this.repo.bookingKeysOfFacility(m, facilityId);
    const { states, rules } = await this.load(m, keys, [facilityId]);
    const holds = await this.derive([...states].map(([k, state]) => ({ key: parseKey(k), state })), rules);
    const now = new Date(this.clock.now());
    await this.repo.replaceHolds(m, [], this.repo.holdRows(holds, { now }), now);
    await this.tell(m, { changes: await this.repo.holdsOfFacility(m, facilityId), facilities: rules });
  }

  /** The holds of these bookings under their facilities' rules. */
  private async derive(entries: Array<{ key: BookingKey; state: BookingState }>, rules: ReadonlyMap<string, FacilityRules>): Promise<HoldRow[]> {
    const holds: HoldRow[] = [];
    let n = 0;
    for (const { key, state } of entries) {
      if (++n % YIELD_EVERY === 0) await yieldToEventLoop();
      const facility = rules.get(key.facilityId)!;
      const chargeLevel = mostSeriousLevel(state.charges);
      const convicted = anyConviction(state.charges);
      for (const [detainerId, d] of state.detainers) {
        if (d.lodgedAt === null || d.form === null) continue; // a cancellation that arrived before its detainer
        const derived = deriveHold(state, { lodgedAt: d.lodgedAt, cancelledAt: d.cancelledAt, form: d.form, warrant: d.warrant }, (t) => rulesAt(facility, t));
        holds.push({
          id: holdId(key.facilityId, key.bookingId, detainerId),
          key, detainerId, personId: state.personId, form: d.form, warrant: d.warrant, agency: d.agency ?? 'ICE', lodgedAt: d.lodgedAt,
          chargeLevel, convicted, toAgency: state.toAgency,
          derived,
          // The version whose rules judged it (rulesAt hands out the version's own rules object).
          policyVersionId: facility.versions.find((v) => v.rules === derived.rules)!.id,
        });
      }
    }
    return holds;
  }
}
