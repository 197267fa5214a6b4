import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-key.entity.js';

export const ROLES_KEY = 'dm:roles';
export const PUBLIC_KEY = 'dm:public';

/** The roles allowed on a route besides admin, which is allowed everywhere. Routes without it are admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route that needs no key (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** An ingest key's facilities, when it is limited to some. */
  facilityIds?: string[] | null;
}
