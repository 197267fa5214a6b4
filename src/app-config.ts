import { parseAllowHosts } from './alerts/webhook-target.js';

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
  /** Hosts webhooks may reach although they are or resolve to loopback, private or other non-public addresses. */
  webhookAllowHosts: string[] = [];
  /** Log lines as coloured text for a console, or one JSON object a line for a log collector. */
  logFormat: 'text' | 'json' = 'text';

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
      rateLimitPerMinute: wholeFrom(env, 'RATE_LIMIT_PER_MINUTE', 1200, 'a whole number of requests a minute (0: no limit)'),
      sweepIntervalMs: wholeFrom(env, 'SWEEP_INTERVAL_MS', 60_000),
      deliveryIntervalMs: wholeFrom(env, 'DELIVERY_INTERVAL_MS', 5_000),
      logFormat: logFormatFrom(env.LOG_FORMAT),
      webhookAllowHosts: parseAllowHosts(env.WEBHOOK_ALLOW_HOSTS),
    });
  }
}

function wholeFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, what = 'a whole number of milliseconds (0 disables)'): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return n;
}

function logFormatFrom(raw: string | undefined): AppConfig['logFormat'] {
  const v = raw?.trim() || 'text';
  if (v !== 'text' && v !== 'json') throw new Error(`LOG_FORMAT must be text or json, got "${v}"`);
  return v;
}
