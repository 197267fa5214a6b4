import { describe, expect, it } from '@jest/globals';
import { AppConfig } from './app-config.js';

describe('AppConfig.fromEnv', () => {
  it('defaults', () => {
    expect({ ...AppConfig.fromEnv({}) }).toEqual({
      port: 3000,
      databaseUrl: null,
      dataDir: './data',
      bootstrapAdminKey: null,
      bodyLimit: '16mb',
      rateLimitPerMinute: 1200,
      sweepIntervalMs: 60_000,
      deliveryIntervalMs: 5_000,
      logFormat: 'text',
      webhookAllowHosts: [],
      webhookSecretKey: null,
      authFailuresPerMinute: 10,
      host: '127.0.0.1',
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      importDir: null,
      importScanIntervalMs: 60_000,
    });
  });

  it('reads each variable, trimmed', () => {
    expect({
      ...AppConfig.fromEnv({
        PORT: '8080',
        DATABASE_URL: ' postgres://db/x ',
        DATA_DIR: '/var/lib/dm',
        BOOTSTRAP_ADMIN_KEY: ` ${'k'.repeat(32)} `,
        BODY_LIMIT: '4mb',
        RATE_LIMIT_PER_MINUTE: '0',
        SWEEP_INTERVAL_MS: '30000',
        DELIVERY_INTERVAL_MS: '0',
        LOG_FORMAT: 'json',
        WEBHOOK_ALLOW_HOSTS: ' hooks.local ',
        WEBHOOK_SECRET_KEY: ` ${'s'.repeat(32)} `,
        AUTH_FAILURES_PER_MINUTE: '5',
        HOST: ' 0.0.0.0 ',
        HEADERS_TIMEOUT_MS: '5000',
        REQUEST_TIMEOUT_MS: '20000',
        IDLE_TIMEOUT_MS: '30000',
        IMPORT_DIR: ' /srv/drops ',
        IMPORT_SCAN_INTERVAL_MS: '0',
      }),
    }).toEqual({
      port: 8080,
      databaseUrl: 'postgres://db/x',
      dataDir: '/var/lib/dm',
      bootstrapAdminKey: 'k'.repeat(32),
      bodyLimit: '4mb',
      rateLimitPerMinute: 0,
      sweepIntervalMs: 30_000,
      deliveryIntervalMs: 0,
      logFormat: 'json',
      webhookAllowHosts: ['hooks.local'],
      webhookSecretKey: 's'.repeat(32),
      authFailuresPerMinute: 5,
      host: '0.0.0.0',
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      idleTimeoutMs: 30_000,
      importDir: '/srv/drops',
      importScanIntervalMs: 0,
    });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be a port number, got "70000"'],
    [{ SWEEP_INTERVAL_MS: '1.5' }, 'SWEEP_INTERVAL_MS must be a whole number of milliseconds (0 disables), got "1.5"'],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE must be a whole number of requests a minute (0: no limit), got "-1"'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT must be text or json, got "xml"'],
    [{ BOOTSTRAP_ADMIN_KEY: 'short' }, 'BOOTSTRAP_ADMIN_KEY is too short: 5 characters, at least 32 are needed'],
    [{ WEBHOOK_SECRET_KEY: 'short' }, 'WEBHOOK_SECRET_KEY is too short: 5 characters, at least 32 are needed'],
    [{ IDLE_TIMEOUT_MS: '0' }, 'IDLE_TIMEOUT_MS must be a whole number of milliseconds above 0, got "0"'],
  ])('refuses %j', (env, message) => {
    expect(() => AppConfig.fromEnv(env)).toThrow(message);
  });
});
