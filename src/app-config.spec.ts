import { describe, expect, it } from '@jest/globals';
import { AppConfig } from './app-config.js';

describe('AppConfig.fromEnv', () => {
  it('defaults', () => {
    expect({ ...AppConfig.fromEnv({}) }).toEqual({
      port: 3000, databaseUrl: null, dataDir: './data', bootstrapAdminKey: null, bodyLimit: '16mb',
      rateLimitPerMinute: 1200, sweepIntervalMs: 60_000, deliveryIntervalMs: 5_000, logFormat: 'text',
    });
  });

  it('reads each variable, trimmed', () => {
    expect({ ...AppConfig.fromEnv({
      PORT: '8080', DATABASE_URL: ' postgres://db/x ', DATA_DIR: '/var/lib/dm', BOOTSTRAP_ADMIN_KEY: 'k', BODY_LIMIT: '4mb',
      RATE_LIMIT_PER_MINUTE: '0', SWEEP_INTERVAL_MS: '30000', DELIVERY_INTERVAL_MS: '0', LOG_FORMAT: 'json',
    }) }).toEqual({
      port: 8080, databaseUrl: 'postgres://db/x', dataDir: '/var/lib/dm', bootstrapAdminKey: 'k', bodyLimit: '4mb',
      rateLimitPerMinute: 0, sweepIntervalMs: 30_000, deliveryIntervalMs: 0, logFormat: 'json',
    });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be a port number, got "70000"'],
    [{ SWEEP_INTERVAL_MS: '1.5' }, 'SWEEP_INTERVAL_MS must be a whole number of milliseconds (0 disables), got "1.5"'],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE must be a whole number of requests a minute (0: no limit), got "-1"'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be text or json, got "xml"'],
  ])('refuses %j', (env, message) => {
    expect(() => AppConfig.fromEnv(env)).toThrow(message);
  });
});
