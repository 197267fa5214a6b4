/**
 * npm run openapi: write the API's OpenAPI document to openapi.json (checked in, so changes
 * to the contract show in review; test/openapi.spec.ts fails when it is stale).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { AppConfig } from '../src/app-config.js';
import { buildOpenApi, createApp } from '../src/app.js';

const app = await createApp(new AppConfig({ dataDir: null, sweepIntervalMs: 0, deliveryIntervalMs: 0, bootstrapAdminKey: 'dm_openapi_0000000000000000000000000' }), { logger: false });
await app.init();
writeFileSync('openapi.json', `${JSON.stringify(buildOpenApi(app), null, 2)}\n`);
await app.close();
console.log('wrote openapi.json');
