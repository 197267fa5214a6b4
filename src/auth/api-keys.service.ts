import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { z } from 'zod';
import { AppConfig } from '../app-config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc, parseInstant } from '../common/instant.js';
import { ApiKeyEntity, ROLES, type Role } from './api-key.entity.js';
import type { Principal } from './roles.decorator.js';

/** Keys are 256-bit random secrets, so a plain SHA-256 is a sound way to store them (no salt or stretching needed). */
export const hashKey = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const createKeyBody = z
  .object({
    name: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    expiresAt: z
      .string()
      .refine((v) => parseInstant(v) !== null, { message: 'must be an ISO 8601 instant with an offset or Z' })
      .transform((v) => new Date(parseInstant(v)!))
      .optional(),
    /** An ingest key limited to these facilities: events about others are refused. */
    facilityIds: z
      .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'), { error: 'must be a list of facility ids' })
      .min(1, 'must name at least one facility')
      .max(1000)
      .optional(),
  })
  .strict()
  .refine((b) => b.facilityIds === undefined || b.role === 'ingest', { message: 'only an ingest key may be limited to facilities', path: ['facilityIds'] });

export interface ApiKeyView {
  id: string;
  /** The start of the key's id, to tell keys apart in listings (never anything of the secret). */
  shortId: string;
  name: string;
  role: Role;
  facilityIds: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly log = new Logger('auth');

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** BOOTSTRAP_ADMIN_KEY, or a first admin key printed once when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    if (this.config.bootstrapAdminKey) {
      const keyHash = hashKey(this.config.bootstrapAdminKey);
      if (!(await repo.existsBy({ keyHash }))) {
        await this.insert('bootstrap admin', 'admin', this.config.bootstrapAdminKey, null, null);
        this.log.log('created the admin key given in BOOTSTRAP_ADMIN_KEY');
      }
      return;
    }
    if ((await repo.count()) === 0) {
      const { key } = await this.create({ name: 'first admin', role: 'admin' });
      // Printed once on the console, deliberately not through the logger.
      process.stdout.write(`\nNo API key existed, so an admin key was made. It is shown only this once:\n\n  ${key}\n\nUse it as "Authorization: Bearer <key>".\n\n`);
    }
  }

  async create(body: { name: string; role: Role; expiresAt?: Date; facilityIds?: string[] }): Promise<ApiKeyView & { key: string }> {
    if (body.expiresAt && body.expiresAt.getTime() <= this.clock.now()) throw DomainError.validation([{ field: 'expiresAt', message: 'must be in the future' }]);
    const key = `dm_${randomBytes(32).toString('base64url')}`;
    const entity = await this.insert(body.name, body.role, key, body.expiresAt ?? null, body.facilityIds ? [...new Set(body.facilityIds)] : null);
    return { ...this.view(entity), key };
  }

  private async insert(name: string, role: Role, secret: string, expiresAt: Date | null, facilityIds: string[] | null): Promise<ApiKeyEntity> {
    const entity = Object.assign(new ApiKeyEntity(), {
      id: randomUUID(),
      name,
      role,
      keyHash: hashKey(secret),
      facilityIds,
      createdAt: new Date(this.clock.now()),
      expiresAt,
      revokedAt: null,
    });
    await this.ds.getRepository(ApiKeyEntity).insert(entity);
    return entity;
  }

  async list(): Promise<ApiKeyView[]> {
    const keys = await this.ds.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
    return keys.map((k) => this.view(k));
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const repo = this.ds.getRepository(ApiKeyEntity);
    const key = z.uuid().safeParse(id).success ? await repo.findOneBy({ id }) : null;
    if (!key) throw DomainError.notFound(`API key "${id}"`);
    if (!key.revokedAt) {
      await repo.update({ id, revokedAt: IsNull() }, { revokedAt: new Date(this.clock.now()) });
    }
    return this.view((await repo.findOneBy({ id }))!);
  }

  /** The principal for a presented secret, or null if it is unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Principal | null> {
    const key = await this.ds.getRepository(ApiKeyEntity).findOneBy({ keyHash: hashKey(secret) });
    if (!key || key.revokedAt) return null;
    if (key.expiresAt && key.expiresAt.getTime() <= this.clock.now()) return null;
    return { keyId: key.id, name: key.name, role: key.role, facilityIds: key.facilityIds };
  }

  private view(k: ApiKeyEntity): ApiKeyView {
    return {
      id: k.id,
      shortId: k.id.slice(0, 8),
      name: k.name,
      role: k.role,
      facilityIds: k.facilityIds,
      createdAt: isoUtc(k.createdAt)!,
      expiresAt: isoUtc(k.expiresAt),
      revokedAt: isoUtc(k.revokedAt),
    };
  }
}
