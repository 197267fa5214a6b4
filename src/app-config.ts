/** Configuration from the environment, read once at start. See README "Configuration". */
export class AppConfig {
  /** HTTP port. */
  port = 3000;
  /** Real Postgres; when null the embedded PGlite under dataDir is used. */
  databaseUrl: string | null = null;
  /** Where the embedded database lives; null keeps it in memory (tests). */
  dataDir: string | null = './data';
  bootstrapAdminKey: string | null = null;
  /** Largest JSON request body accepted. */
  bodyLimit = '16mb';

  constructor(values: Partial<AppConfig> = {}) {
    Object.assign(this, values);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const port = Number(env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
    return new AppConfig({
      port,
      databaseUrl: env.DATABASE_URL?.trim() || null,
      dataDir: env.DATA_DIR?.trim() || './data',
      bootstrapAdminKey: env.BOOTSTRAP_ADMIN_KEY?.trim() || null,
      bodyLimit: env.BODY_LIMIT?.trim() || '16mb',
    });
  }
}
