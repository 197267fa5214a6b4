import { Injectable, type OnModuleInit } from '@nestjs/common';
import { YIELD_EVERY, yieldToEventLoop } from '../common/yield.js';
import { EntityManager } from 'typeorm';
import { deriveHold } from '../clock/derive-hold.js';
import { Clock } from '../common/clock.js';
import { FacilitiesRepository, rulesAt, type FacilityRules } from '../facilities/facilities.repository.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { anyConviction, applyEvent, emptyBooking, foldBooking, mostSeriousLevel, type BookingState, type FoldEvent } from './booking-projection.js';
import { detainerKey, holdId, parseKey, type BookingKey } from './booking-key.js';
import { HoldsRepository, type HoldChange, type HoldRow } from './holds.repository.js';

/**
 * Told, inside the projecting transaction, of holds that were written or removed, with the
 * rules of their facilities (already loaded: listeners need not read them again).
 */
export type HoldsChangedListener = (m: EntityManager, changes: HoldChange[], facilities: ReadonlyMap<string, FacilityRules>) => Promise<void>;

interface Saved {
  changes: HoldChange[];
  facilities: ReadonlyMap<string, FacilityRules>;
}

export type SeqEvent = FoldEvent & { seq: number };

/**
 * Keeps bookings, detainers and holds in step with the event log. Called inside the
 * ingesting transaction, after the bookings concerned have been locked, so a hold is
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

  onHoldsChanged(listener: HoldsChangedListener): void {
    this.listeners.push(listener);
  }

  private async tell(m: EntityManager, { changes, facilities }: Saved): Promise<void> {
    if (changes.length === 0) return;
    for (const l of this.listeners) await l(m, changes, facilities);
  }

  lock(m: EntityManager, keys: BookingKey[]): Promise<void> {
    return this.repo.lock(m, keys);
  }

  /**
   * Apply new events to the bookings they concern. Bookings in `fullLogs` are refolded from
   * their whole log instead (a retraction changed what counts).
   */
  async project(m: EntityManager, newEvents: Map<string, SeqEvent[]>, fullLogs: Map<string, SeqEvent[]>): Promise<void> {
    const keys = [...new Set([...newEvents.keys(), ...fullLogs.keys()])];
    const incremental = keys.filter((k) => !fullLogs.has(k));
    const stored = await this.repo.loadStates(m, incremental.map(parseKey));
    const states = new Map<string, BookingState>();
    // Detainer rows to write: those new events touched, and all of a refolded booking.
    const touched = new Set<string>();
    for (const k of incremental) {
      const state = stored.get(k) ?? emptyBooking();
      const events = [...newEvents.get(k)!].sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq - b.seq);
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
    const now = new Date(this.clock.now());
    const entries = [...states].map(([k, state]) => ({ key: parseKey(k), state }));
    await this.repo.saveStates(m, entries, now, { refolded: new Set(fullLogs.keys()), touched });
    await this.tell(m, await this.saveHolds(m, entries, now, [...fullLogs.keys()].map(parseKey)));
  }

  /** The facility's rules changed: judge all its holds again, and tell listeners of every one (alert thresholds may have changed too). */
  async recomputeFacility(m: EntityManager, facilityId: string): Promise<void> {
    const keys = await this.repo.bookingKeysOfFacility(m, facilityId);
    const states = await this.repo.loadStates(m, keys);
    const saved = await this.saveHolds(m, [...states].map(([k, state]) => ({ key: parseKey(k), state })), new Date(this.clock.now()), []);
    await this.tell(m, { changes: await this.repo.holdsOfFacility(m, facilityId), facilities: saved.facilities });
  }

  /** Derive and store the holds of these bookings; `pruned` bookings also lose holds whose detainer is gone. */
  private async saveHolds(m: EntityManager, entries: Array<{ key: BookingKey; state: BookingState }>, now: Date, pruned: BookingKey[]): Promise<Saved> {
    const rules = await this.facilities.rulesFor([...new Set(entries.map((e) => e.key.facilityId))], m);
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
    return { changes: await this.repo.replaceHolds(m, pruned, holds, now), facilities: rules };
  }
}
