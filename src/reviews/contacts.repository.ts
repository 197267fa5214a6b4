import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ContactRow {
  id: string;
  custody_id: string;
  facility_id: string;
  booking_id: string;
  kind: string;
  at: Date;
  note: string | null;
  recorded_at: Date;
  key_name: string;
  allowed: boolean;
  basis: string;
}

/** The ICE-contact log (append-only). */
@Injectable()
export class ContactsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(c: Omit<ContactRow, 'recorded_at'> & { recordedAt: Date; apiKeyId: string }): Promise<void> {
    await this.ds.query(
      `INSERT INTO ice_contacts (id, custody_id, facility_id, booking_id, kind, at, note, recorded_at, api_key_id, key_name, allowed, basis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [c.id, c.custody_id, c.facility_id, c.booking_id, c.kind, c.at, c.note, c.recordedAt, c.apiKeyId, c.key_name, c.allowed, c.basis],
    );
  }

  ofCustody(custodyId: string): Promise<ContactRow[]> {
    return this.ds.query(`SELECT * FROM ice_contacts WHERE custody_id = $1 ORDER BY at, id`, [custodyId]);
  }
}
