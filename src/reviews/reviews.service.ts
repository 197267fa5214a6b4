import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { CustodyRepository } from '../custody/custody.repository.js';
import { custodyView } from '../custody/custody.service.js';
import { custodyStatusAt } from '../custody/judge.js';
import { IngestionService } from '../events/ingestion.service.js';
import type { DecisionBody, ReviewItem, ReviewsQuery } from './reviews.dto.js';

/**
 * The review queue (detainers whose authority is `needs_review`) and supervisors' decisions on
 * them. A decision is an event in the tamper-evident log (`detainer.decided`), ingested like any
 * other, so it reaches the custody record, holds, alerts, reports and histories the one way.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly custody: CustodyRepository,
    private readonly ingestion: IngestionService,
    private readonly clock: Clock,
  ) {}

  async list(q: ReviewsQuery): Promise<{ items: ReviewItem[] }> {
    const now = this.clock.now();
    const items: ReviewItem[] = [];
    for (const c of await this.custody.awaitingReview(q.facilityId ?? null, q.limit)) {
      const status = custodyStatusAt(c.phase, c.activeFrom?.getTime() ?? null, c.dueAt?.getTime() ?? null, now);
      for (const d of c.record.detainers) {
        if (d.authority !== 'needs_review') continue;
        items.push({
          custodyId: c.id,
          facilityId: c.facilityId,
          bookingId: c.bookingId,
          personId: c.personId,
          detainerId: d.detainerId,
          form: d.form,
          warrant: d.warrant,
          lodgedAt: isoUtc(d.lodgedAt)!,
          status,
          unknown: d.screen?.unknown ?? [],
          review: d.screen?.review ?? [],
          met: d.screen?.met ?? [],
          notMet: d.screen?.notMet ?? [],
        });
      }
    }
    return { items };
  }

  /** Record a decision on a detainer that needs one (409 naming detainerId otherwise); the custody record as judged with it. */
  async decide(custodyId: string, body: DecisionBody, by: Principal) {
    const c = z.uuid().safeParse(custodyId).success ? await this.custody.find(custodyId) : null;
    if (!c) throw DomainError.notFound(`custody record "${custodyId}"`);
    const d = c.record.detainers.find((x) => x.detainerId === body.detainerId);
    if (!d) throw DomainError.validation([{ field: 'detainerId', message: `custody record "${custodyId}" has no detainer "${body.detainerId}"` }]);
    if (d.authority !== 'needs_review' || c.phase === 'closed') {
      const why = c.phase === 'closed' ? 'custody has ended' : `its authority is ${d.authority}`;
      throw DomainError.conflict('detainerId', `detainer "${d.detainerId}" needs no decision: ${why}`);
    }
    const occurredAt = new Date(this.clock.now()).toISOString();
    const event = {
      eventId: `decision-${randomUUID()}`,
      type: 'detainer.decided',
      occurredAt,
      facilityId: c.facilityId,
      bookingId: c.bookingId,
      detainerId: d.detainerId,
      decision: body.decision,
      basis: body.basis,
      decidedBy: { keyId: by.keyId, name: by.name },
    };
    await this.ingestion.recordByApp(event, by.keyId);
    const after = (await this.custody.find(c.id))!;
    return {
      decision: { eventId: event.eventId, detainerId: d.detainerId, decision: body.decision, basis: body.basis, decidedBy: event.decidedBy, decidedAt: occurredAt },
      custody: custodyView(after, this.clock.now()),
    };
  }
}
