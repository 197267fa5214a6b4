import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ROLES = ['admin', 'ingest', 'supervisor', 'sheriff', 'counsel'] as const;
export type Role = (typeof ROLES)[number];

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) role!: Role;
  /** SHA-256 of the secret; the secret itself is never stored. */
  @Column({ type: 'text', name: 'key_hash' }) keyHash!: string;
  /** For an ingest key, the facilities it may send events about (null: any). */
  @Column({ type: 'text', name: 'facility_ids', array: true, nullable: true, collation: 'C' }) facilityIds!: string[] | null;
  @Column({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
