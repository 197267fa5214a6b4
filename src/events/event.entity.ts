import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ID_TEXT } from '../database/id-column.js';

/** One event of the append-only log, as the sender sent it. */
@Entity('events')
export class EventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) seq!: number;
  @Column({ ...ID_TEXT, name: 'event_id' }) eventId!: string;
  @Column({ ...ID_TEXT, name: 'facility_id' }) facilityId!: string;
  @Column({ ...ID_TEXT, name: 'booking_id' }) bookingId!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt!: Date;
  @Column({ type: 'timestamptz', name: 'received_at' }) receivedAt!: Date;
  @Column({ ...ID_TEXT, name: 'retracts_event_id', nullable: true }) retractsEventId!: string | null;
  @Column({ type: 'jsonb' }) body!: Record<string, unknown>;
  @Column({ type: 'text', name: 'content_hash' }) contentHash!: string;
  @Column({ type: 'uuid', name: 'api_key_id', nullable: true }) apiKeyId!: string | null;
}

/** What was sent and refused, with the reasons: nothing a jail sent is lost. */
@Entity('rejected_events')
export class RejectedEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: number;
  @Column({ type: 'timestamptz', name: 'received_at' }) receivedAt!: Date;
  @Column({ type: 'integer', name: 'batch_index', nullable: true }) batchIndex!: number | null;
  @Column({ ...ID_TEXT, name: 'event_id', nullable: true }) eventId!: string | null;
  @Column({ type: 'jsonb', nullable: true }) body!: unknown;
  @Column({ type: 'jsonb' }) errors!: Array<{ field: string; message: string }>;
  @Column({ type: 'uuid', name: 'api_key_id', nullable: true }) apiKeyId!: string | null;
}
