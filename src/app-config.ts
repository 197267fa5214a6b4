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
  /** What seals webhook secrets at rest (32+ characters); null: a key file in dataDir (see SecretBox). */
  webhookSecretKey: string | null = null;
  /** Failed authentications a client address may make in a minute before it is refused (429) until the minute ends; 0: no limit (tests). */
  authFailuresPerMinute = 10;
  /** The interface the HTTP server listens on. */
  host = '127.0.0.1';
  /** Longest time to receive a request's headers, and the whole request (a body trickled in is cut off: 408). */
  headersTimeoutMs = 10_000;
  requestTimeoutMs = 30_000;
  /** A connection with nothing sent either way for this long is closed. */
  idleTimeoutMs = 60_000;
  /** The watched folder for exports (IMPORT_DIR/<facility id>/<mapping name>/FILE, see docs/imports.md); null: none. */
  importDir: string | null = null;
  /** How often the watched folder is scanned; 0 disables the timer (tests scan by hand). */
  importScanIntervalMs = 60_000;
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
      bootstrapAdminKey: bootstrapKeyFrom(env.BOOTSTRAP_ADMIN_KEY),
      bodyLimit: env.BODY_LIMIT?.trim() || '16mb',
      rateLimitPerMinute: wholeFrom(env, 'RATE_LIMIT_PER_MINUTE', 1200, 'a whole number of requests a minute (0: no limit)'),
      sweepIntervalMs: wholeFrom(env, 'SWEEP_INTERVAL_MS', 60_000),
      deliveryIntervalMs: wholeFrom(env, 'DELIVERY_INTERVAL_MS', 5_000),
      logFormat: logFormatFrom(env.LOG_FORMAT),
      importDir: env.IMPORT_DIR?.trim() || null,
      importScanIntervalMs: wholeFrom(env, 'IMPORT_SCAN_INTERVAL_MS', 60_000),
      webhookAllowHosts: parseAllowHosts(env.WEBHOOK_ALLOW_HOSTS),
      webhookSecretKey: webhookSecretKeyFrom(env.WEBHOOK_SECRET_KEY),
      authFailuresPerMinute: wholeFrom(env, 'AUTH_FAILURES_PER_MINUTE', 10, 'a whole number of failed authentications a minute per address (0: no limit)'),
      host: env.HOST?.trim() || '127.0.0.1',
      headersTimeoutMs: positiveFrom(env, 'HEADERS_TIMEOUT_MS', 10_000),
      requestTimeoutMs: positiveFrom(env, 'REQUEST_TIMEOUT_MS', 30_000),
      idleTimeoutMs: positiveFrom(env, 'IDLE_TIMEOUT_MS', 60_000),
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

/** Shortest BOOTSTRAP_ADMIN_KEY accepted: an admin key anyone could guess opens everything. */
export const MIN_BOOTSTRAP_KEY_LENGTH = 32;

function bootstrapKeyFrom(raw: string | undefined): string | null {
  const key = raw?.trim() || null;
  if (key !== null && key.length < MIN_BOOTSTRAP_KEY_LENGTH) {
    throw new Error(
      `BOOTSTRAP_ADMIN_KEY is too short: ${key.length} characters, at least ${MIN_BOOTSTRAP_KEY_LENGTH} are needed (make one with: node -e "console.log('dm_' + require('crypto').randomBytes(32).toString('base64url'))")`,
    );
  }
  return key;
}

function webhookSecretKeyFrom(raw: string | undefined): string | null {
  const key = raw?.trim() || null;
  if (key !== null && key.length < 32) throw new Error(`WEBHOOK_SECRET_KEY is too short: ${key.length} characters, at least 32 are needed`);
  return key;
}

function positiveFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const n = wholeFrom(env, name, fallback, 'a whole number of milliseconds above 0');
  if (n === 0) throw new Error(`${name} must be a whole number of milliseconds above 0, got "0"`);
  return n;
}

function logFormatFrom(raw: string | undefined): AppConfig['logFormat'] {
  const v = raw?.trim() || 'text';
  if (v !== 'text' && v !== 'json') throw new Error(`LOG_FORMAT must be text or json, got "${v}"`);
  return v;
}
