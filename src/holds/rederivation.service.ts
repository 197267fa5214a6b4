import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DatabaseHandle } from '../database/database.module.js';
import { lockFacilities, oneInstanceAtATime } from '../database/locks.js';
import { EventLogRepository } from '../events/event-log.repository.js';
import { FacilitiesRepository } from '../facilities/facilities.repository.js';
import { derivationFingerprint } from './derivation.js';
import { HoldProjector } from './hold-projector.service.js';
import { HoldsRepository } from './holds.repository.js';

/** Bookings derived again per transaction (each holds its facility's lock, so batches of that facility wait that long). */
const CHUNK = 1_000;
/** A line in the log every so many bookings (~20 s of work on a 2-core machine). */
const PROGRESS_EVERY = 100 * CHUNK;
/** Key of the advisory lock that makes instances starting at once derive one at a time. */
const DERIVATION_LOCK = 7_270_114_232;

export interface DerivationState {
  state: 'ok' | 'other';
  thisProcess: string;
  database: string | null;
}

export interface Rederived {
  from: string | null;
  to: string;
  facilities: number;
  bookings: number;
  holdsChanged: number;
  /** Custody verdicts that changed (listed in verdict_changes). */
  verdictsChanged: number;
}

/**
 * At start, before the alert sweep and before the server listens: when the stored bookings and
 * holds were derived by other code or other time zone data (see derivation.ts), derive every
 * booking again from its log, writing only the holds whose values change, re-planning their
 * alerts, and then record this process's fingerprint.
 */
@Injectable()
export class Rederivation implements OnApplicationBootstrap {
  private readonly log = new Logger('derivation');
  private started?: Promise<Rederived | null>;
  /** This process's code and time zone data: fixed for its life. */
  private readonly fingerprint = derivationFingerprint();

  constructor(
    private readonly ds: DataSource,
    private readonly db: DatabaseHandle,
    private readonly holds: HoldsRepository,
    private readonly events: EventLogRepository,
    private readonly facilities: FacilitiesRepository,
    private readonly projector: HoldProjector,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure();
  }

  /** Once per process; whoever needs derived values current (the alert sweep) waits for it. */
  ensure(): Promise<Rederived | null> {
    return (this.started ??= this.run(this.fingerprint));
  }

  /**
   * Whether the stored bookings and holds were derived by this process's code: `other` when
   * another build started on the database since (instances of different builds), or before
   * this process has derived them.
   */
  async state(): Promise<DerivationState> {
    const database = await this.holds.derivedBy(this.ds.manager);
    return { state: database === this.fingerprint ? 'ok' : 'other', thisProcess: this.fingerprint, database };
  }

  /** Derive everything again unless it was derived by `fingerprint`: what was done, or null. */
  async run(fingerprint: string): Promise<Rederived | null> {
    return oneInstanceAtATime(this.ds, DERIVATION_LOCK, { embedded: this.db.embedded !== null }, async () => {
      const from = await this.holds.derivedBy(this.ds.manager);
      if (from === fingerprint) return null;
      const began = performance.now();
      const facilities = await this.facilities.list();
      if (facilities.length > 0) {
        this.log.log(`bookings and holds were derived by ${from ?? 'an earlier release'}; deriving them again from the event log (${fingerprint})`);
      }
      const done: Rederived = { from, to: fingerprint, facilities: facilities.length, bookings: 0, holdsChanged: 0, verdictsChanged: 0 };
      let reportAt = PROGRESS_EVERY;
      for (const { id } of facilities) {
        const all = await this.events.bookingIdsOf(this.ds.manager, id);
        for (let i = 0; i < all.length; i += CHUNK) {
          const ids = all.slice(i, i + CHUNK);
          await this.ds.transaction(async (m) => {
            await lockFacilities(m, [id]);
            const logs = await this.events.logsOf(
              m,
              ids.map((bookingId) => ({ facilityId: id, bookingId })),
            );
            const changed = await this.projector.rederive(m, id, logs);
            done.holdsChanged += changed.holdsChanged;
            done.verdictsChanged += changed.verdictsChanged;
          });
          done.bookings += ids.length;
          if (done.bookings >= reportAt) {
            this.log.log(`… ${done.bookings} bookings derived again so far`);
            reportAt += PROGRESS_EVERY;
          }
        }
      }
      await this.holds.recordDerivation(this.ds.manager, fingerprint, new Date(this.clock.now()));
      if (facilities.length > 0) {
        this.log.log(
          `derived ${done.bookings} bookings of ${done.facilities} facilities again in ${((performance.now() - began) / 1000).toFixed(1)} s: ${done.holdsChanged} holds changed, ${done.verdictsChanged} custody verdicts changed${done.verdictsChanged > 0 ? ' (listed at GET /api/custody/verdict-changes)' : ''}`,
        );
      }
      return done;
    });
  }
}
