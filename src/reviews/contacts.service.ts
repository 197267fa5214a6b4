import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { CustodyRepository } from '../custody/custody.repository.js';
import { NoticePlanner } from '../notices/notice-planner.service.js';
import { contactAllowed, DISCLOSURE_ALWAYS } from '../rules/disclosure.js';
import type { ContactRow } from './contacts.repository.js';
import { ContactsRepository } from './contacts.repository.js';

export const contactBody = z
  .object({
    kind: z.enum(['release_date_shared', 'notification_sent', 'interview_requested', 'interview_held', 'records_request', 'other'], {
      error: 'must be one of release_date_shared, notification_sent, interview_requested, interview_held, records_request, other',
    }),
    at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with an offset or Z' }),
    note: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
  })
  .strict();

/** A logged contact as the API and the histories show it. */
export const contactView = (r: ContactRow) => ({
  id: r.id,
  custodyId: r.custody_id,
  facilityId: r.facility_id,
  bookingId: r.booking_id,
  kind: r.kind,
  at: isoUtc(r.at)!,
  note: r.note,
  recordedAt: isoUtc(r.recorded_at)!,
  recordedBy: r.key_name,
  allowed: r.allowed,
  flagged: !r.allowed,
  basis: r.basis,
});

/** The ICE-contact log: every contact, who recorded it, and whether the disclosure rule allowed it when recorded. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly custody: CustodyRepository,
    private readonly contacts: ContactsRepository,
    private readonly clock: Clock,
    private readonly notices: NoticePlanner,
  ) {}

  private async record(id: string) {
    const c = z.uuid().safeParse(id).success ? await this.custody.find(id) : null;
    if (!c) throw DomainError.notFound(`custody record "${id}"`);
    return c;
  }

  async add(custodyId: string, body: z.infer<typeof contactBody>, by: Principal) {
    const c = await this.record(custodyId);
    const verdict = contactAllowed(body.kind, c.record.disclosure ?? DISCLOSURE_ALWAYS);
    const row = {
      id: randomUUID(),
      custody_id: c.id,
      facility_id: c.facilityId,
      booking_id: c.bookingId,
      kind: body.kind,
      at: new Date(body.at),
      note: body.note ?? null,
      key_name: by.name,
      allowed: verdict.allowed,
      basis: verdict.basis,
    };
    const recordedAt = new Date(this.clock.now());
    await this.contacts.insert({ ...row, recordedAt, apiKeyId: by.keyId });
    // An interview requested or a release date shared may make notices to the person due (rules.notices).
    await this.notices.contactLogged({ id: row.id, facilityId: row.facility_id, bookingId: row.booking_id, kind: row.kind, at: row.at });
    return contactView({ ...row, recorded_at: recordedAt });
  }

  async list(custodyId: string) {
    const c = await this.record(custodyId);
    return { items: (await this.contacts.ofCustody(c.id)).map(contactView) };
  }
}
