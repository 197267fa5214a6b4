import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Role } from '../auth/api-key.entity.js';
import { namesOf } from '../auth/personal-data.js';
import type { Principal } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { AlertQuery, AlertView } from './alert.dto.js';
import { toAlertView } from './alert-view.js';
import { AlertsRepository } from './alerts.repository.js';

const cursorShape = z.object({ r: z.iso.datetime(), i: z.uuid() });

@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
  ) {}

  async list(q: AlertQuery, role: Role): Promise<{ items: AlertView[]; nextCursor: string | null }> {
    let after: { raisedAt: string; id: string } | undefined;
    if (q.cursor) {
      try {
        const c = cursorShape.parse(JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')));
        after = { raisedAt: c.r, id: c.i };
      } catch {
        throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor this API gave out; pass nextCursor from the previous page' }]);
      }
    }
    const rows = await this.alerts.list({ ...q, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit).map((a) => toAlertView(a, namesOf(a.person, role)));
    const last = page[page.length - 1];
    const nextCursor = rows.length > q.limit ? Buffer.from(JSON.stringify({ r: last.raisedAt, i: last.id })).toString('base64url') : null;
    return { items: page, nextCursor };
  }

  async acknowledge(id: string, by: Principal, note: string | null): Promise<AlertView> {
    const alert = z.uuid().safeParse(id).success ? await this.alerts.find(id) : null;
    if (!alert) throw DomainError.notFound(`alert "${id}"`);
    if (!(await this.alerts.acknowledge(id, { name: by.name, keyId: by.keyId }, note, new Date(this.clock.now())))) {
      throw new DomainError('conflict', `alert "${id}" is ${alert.state}, not open`);
    }
    const now = (await this.alerts.find(id))!;
    return toAlertView(now, namesOf(now.person, by.role));
  }
}
