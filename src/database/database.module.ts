import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app-config.js';
import { createDataSource, runMigrations } from './data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/** Owns the connection (and the embedded server when there is one) for the app's lifetime. */
export class DatabaseHandle implements OnApplicationShutdown {
  /** Whether the server carries COPY (see copy.ts): a real Postgres does, the embedded one does not. */
  readonly copies: boolean;

  constructor(
    readonly dataSource: DataSource,
    readonly embedded: EmbeddedPostgres | null,
  ) {
    this.copies = embedded === null;
  }

  static async open(config: AppConfig): Promise<DatabaseHandle> {
    const log = new Logger('database');
    const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir);
    if (embedded) log.log(config.dataDir ? `embedded Postgres (PGlite) in ${config.dataDir}` : 'embedded Postgres (PGlite) in memory');
    const ds = createDataSource(config.databaseUrl ?? embedded!.url, { embedded: embedded !== null });
    await ds.initialize();
    const ran = await runMigrations(ds, { embedded: embedded !== null });
    if (ran > 0) log.log(`applied ${ran} migration(s)`);
    return new DatabaseHandle(ds, embedded);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

@Global()
@Module({
  providers: [
    { provide: DatabaseHandle, useFactory: (config: AppConfig) => DatabaseHandle.open(config), inject: [AppConfig] },
    { provide: DataSource, useFactory: (h: DatabaseHandle) => h.dataSource, inject: [DatabaseHandle] },
  ],
  exports: [DataSource, DatabaseHandle],
})
export class DatabaseModule {}
