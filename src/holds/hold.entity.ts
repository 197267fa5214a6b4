import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ID_TEXT } from '../database/id-column.js';
import type { HoldOutcome, HoldPhase } from '../clock/derive-hold.js';
import type { HoldRules } from '../clock/hold-clock.js';

/** Projection of a booking, folded from its events (see booking-projection.ts). */
@Entity('bookings')
export class BookingEntity {
  @PrimaryColumn({ ...ID_TEXT, name: 'facility_id' }) facilityId!: string;
  @PrimaryColumn({ ...ID_TEXT, name: 'booking_id' }) bookingId!: string;
  @Column({ ...ID_TEXT, name: 'person_id', nullable: true }) personId!: string | null;
  @Column({ type: 'jsonb', nullable: true }) person!: Record<string, unknown> | null;
  @Column({ type: 'timestamptz', name: 'booked_at', nullable: true }) bookedAt!: Date | null;
  @Column({ type: 'jsonb' }) charges!: unknown[];
  @Column({ type: 'timestamptz', name: 'release_eligible_at', nullable: true }) releaseEligibleAt!: Date | null;
  @Column({ type: 'text', name: 'release_reason', nullable: true }) releaseReason!: string | null;
  @Column({ type: 'timestamptz', name: 'custody_ended_at', nullable: true }) custodyEndedAt!: Date | null;
  @Column({ type: 'text', name: 'custody_end_kind', nullable: true }) custodyEndKind!: string | null;
  @Column({ type: 'text', name: 'to_agency', nullable: true }) toAgency!: string | null;
}

@Entity('detainers')
export class DetainerEntity {
  @PrimaryColumn({ ...ID_TEXT, name: 'facility_id' }) facilityId!: string;
  @PrimaryColumn({ ...ID_TEXT, name: 'booking_id' }) bookingId!: string;
  @PrimaryColumn({ ...ID_TEXT, name: 'detainer_id' }) detainerId!: string;
  @Column({ type: 'text', nullable: true }) form!: string | null;
  @Column({ type: 'text', nullable: true }) agency!: string | null;
  @Column({ type: 'text', nullable: true }) warrant!: string | null;
  @Column({ type: 'timestamptz', name: 'lodged_at', nullable: true }) lodgedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'cancelled_at', nullable: true }) cancelledAt!: Date | null;
}

/** A hold: one (booking, detainer) pair with its clock, derived and stored for querying. */
@Entity('holds')
export class HoldEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ ...ID_TEXT, name: 'facility_id' }) facilityId!: string;
  @Column({ ...ID_TEXT, name: 'booking_id' }) bookingId!: string;
  @Column({ ...ID_TEXT, name: 'detainer_id' }) detainerId!: string;
  @Column({ ...ID_TEXT, name: 'person_id', nullable: true }) personId!: string | null;
  @Column({ type: 'text' }) form!: string;
  @Column({ type: 'text', nullable: true }) warrant!: string | null;
  @Column({ type: 'text' }) agency!: string;
  @Column({ type: 'text' }) policy!: string;
  @Column({ type: 'integer', name: 'hold_hours' }) holdHours!: number;
  @Column({ type: 'bigint', name: 'policy_version_id', nullable: true }) policyVersionId!: number | null;
  /** The rules of that version (with the facility's time zone), joined in when read; not a column. */
  rules!: HoldRules;
  @Column({ type: 'text' }) phase!: HoldPhase;
  @Column({ type: 'timestamptz', name: 'lodged_at' }) lodgedAt!: Date;
  @Column({ type: 'timestamptz', name: 'clock_started_at', nullable: true }) clockStartedAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'deadline_at', nullable: true }) deadlineAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) outcome!: HoldOutcome | null;
  @Column({ type: 'boolean', nullable: true }) compliant!: boolean | null;
  @Column({ type: 'bigint', name: 'overage_ms', nullable: true }) overageMs!: number | null;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  /** The booking's custody record: the hold shows its status and verdict. */
  @Column({ type: 'uuid', name: 'custody_id', nullable: true }) custodyId!: string | null;
  @Column({ type: 'timestamptz', name: 'custody_active_from', nullable: true }) custodyActiveFrom!: Date | null;
  @Column({ type: 'timestamptz', name: 'custody_due_at', nullable: true }) custodyDueAt!: Date | null;
}
