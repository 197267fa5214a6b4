import pg from 'pg';
import { DataSource } from 'typeorm';
import { Initial1764000000000 } from '../../migrations/1764000000000-Initial.js';
import { Alerts1764100000000 } from '../../migrations/1764100000000-Alerts.js';
import { Audit1764200000000 } from '../../migrations/1764200000000-Audit.js';
import { StatementChecks1764300000000 } from '../../migrations/1764300000000-StatementChecks.js';
import { ProjectionChecks1764400000000 } from '../../migrations/1764400000000-ProjectionChecks.js';
import { RetractionsByBooking1764500000000 } from '../../migrations/1764500000000-RetractionsByBooking.js';
import { IdsInByteOrder1764600000000 } from '../../migrations/1764600000000-IdsInByteOrder.js';
import { Derivations1764700000000 } from '../../migrations/1764700000000-Derivations.js';
import { FacilityChanges1764800000000 } from '../../migrations/1764800000000-FacilityChanges.js';
import { AlertsRaisedAgain1764900000000 } from '../../migrations/1764900000000-AlertsRaisedAgain.js';
import { GrantsByFacility1765000000000 } from '../../migrations/1765000000000-GrantsByFacility.js';
import { CustodyRecords1765100000000 } from '../../migrations/1765100000000-CustodyRecords.js';
import { SecurityHardening1765500000000 } from '../../migrations/1765500000000-SecurityHardening.js';
import { ImportRejects1765600000000 } from '../../migrations/1765600000000-ImportRejects.js';
import { ImportFiles1766100000000 } from '../../migrations/1766100000000-ImportFiles.js';
import { RuleSets1766200000000 } from '../../migrations/1766200000000-RuleSets.js';
import { ReviewAlerts1766210000000 } from '../../migrations/1766210000000-ReviewAlerts.js';
import { IceContacts1766220000000 } from '../../migrations/1766220000000-IceContacts.js';
import { OneLiveAlert1766300000000 } from '../../migrations/1766300000000-OneLiveAlert.js';
import { ReviewBesideLiveAlert1766310000000 } from '../../migrations/1766310000000-ReviewBesideLiveAlert.js';
import { CustodyFirstDetainer1766500000000 } from '../../migrations/1766500000000-CustodyFirstDetainer.js';
import { Oversight1766600000000 } from '../../migrations/1766600000000-Oversight.js';
import { RefusalResolutions1766700000000 } from '../../migrations/1766700000000-RefusalResolutions.js';
import { OversightAcknowledged1766800000000 } from '../../migrations/1766800000000-OversightAcknowledged.js';
import { OversightWebhooks1766900000000 } from '../../migrations/1766900000000-OversightWebhooks.js';
import { RulesTakingEffect1767000000000 } from '../../migrations/1767000000000-RulesTakingEffect.js';
import { ENTITIES } from './entities.js';
import { oneInstanceAtATime } from './locks.js';

// bigint counts and durations fit in a double; return them as numbers, not strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export const MIGRATIONS = [
  Initial1764000000000,
  Alerts1764100000000,
  Audit1764200000000,
  StatementChecks1764300000000,
  ProjectionChecks1764400000000,
  RetractionsByBooking1764500000000,
  IdsInByteOrder1764600000000,
  Derivations1764700000000,
  FacilityChanges1764800000000,
  AlertsRaisedAgain1764900000000,
  GrantsByFacility1765000000000,
  CustodyRecords1765100000000,
  SecurityHardening1765500000000,
  ImportRejects1765600000000,
  ImportFiles1766100000000,
  RuleSets1766200000000,
  ReviewAlerts1766210000000,
  IceContacts1766220000000,
  OneLiveAlert1766300000000,
  ReviewBesideLiveAlert1766310000000,
  CustodyFirstDetainer1766500000000,
  Oversight1766600000000,
  RefusalResolutions1766700000000,
  OversightAcknowledged1766800000000,
  OversightWebhooks1766900000000,
  RulesTakingEffect1767000000000,
];

export function createDataSource(url: string, opts: { embedded: boolean }): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    // Off: TypeORM would log failed queries with their parameters, which hold personal data.
    logging: false,
    // PGlite serves one connection; a real server gets a small pool. JIT off on a real server:
    // it compiles any statement the planner costs high (one over a million-row table), ~50 ms
    // for the report's, and measured no gain on these statements (docs/performance.md).
    extra: { max: opts.embedded ? 1 : 10, connectionTimeoutMillis: 10_000, ...(opts.embedded ? {} : { options: '-c jit=off' }) },
  });
}

/** Key of the advisory lock that makes concurrent starts run migrations one at a time. */
const MIGRATION_LOCK = 7_270_114_231;

/**
 * Run pending migrations, holding an advisory lock so several instances can start at once.
 * The embedded database has one connection and one process: no lock there.
 */
export async function runMigrations(ds: DataSource, opts: { embedded: boolean }): Promise<number> {
  return oneInstanceAtATime(ds, MIGRATION_LOCK, opts, async () => (await ds.runMigrations({ transaction: 'each' })).length);
}
