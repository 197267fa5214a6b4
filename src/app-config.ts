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
  /** Requests a minute each API key may make; 0 turns the limit off (tests). */
  rateLimitPerMinute = 1200;
  /** How often the alert sweep runs; 0 disables the timer (tests run sweeps by hand). */
  sweepIntervalMs = 60_000;
  /** How often due webhook deliveries are attempted; 0 disables the timer. */
  deliveryIntervalMs = 5_000;

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
      rateLimitPerMinute: msFrom(env, 'RATE_LIMIT_PER_MINUTE', 1200),
      sweepIntervalMs: msFrom(env, 'SWEEP_INTERVAL_MS', 60_000),
      deliveryIntervalMs: msFrom(env, 'DELIVERY_INTERVAL_MS', 5_000),
    });
  }
}

function msFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of milliseconds (0 disables), got "${raw}"`);
  return n;
}
