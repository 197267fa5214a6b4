/**
 * npm run demo: fill the embedded database (DATA_DIR, default ./data) with a synthetic, living
 * picture, then print the keys to sign in with. Then `npm start` and open the URL it prints.
 * Everything goes in through the public API, as a jail management system would send it.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../src/app-config.js';
import { createApp } from '../src/app.js';
import { SweepService } from '../src/alerts/sweep.service.js';
import { demoPicture } from './demo-data.js';

const env = AppConfig.fromEnv();
if (env.databaseUrl) {
  console.error('npm run demo fills the embedded database; unset DATABASE_URL (it will not write demo people into a real server).');
  process.exit(2);
}
const adminKey = `dm_${randomBytes(32).toString('base64url')}`;
const config = new AppConfig({ ...env, port: 0, bootstrapAdminKey: adminKey, sweepIntervalMs: 0, deliveryIntervalMs: 0, rateLimitPerMinute: 0 });
const app = await createApp(config, { logger: false });
await app.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
const headers = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
const call = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

try {
  const existing = await call('GET', '/api/holds?facilityId=cook&limit=1');
  if (existing.items.some((h: { bookingId: string }) => h.bookingId.startsWith('demo-'))) {
    console.log(`The demo data is already in ${config.dataDir}; its keys were printed when it was made.`);
    console.log(`To make it anew (new keys, holds due from now): rm -rf ${config.dataDir} && npm run demo`);
    process.exitCode = 0;
  } else {
    const now = Date.now();
    const picture = demoPicture(now);
    for (const f of picture.facilities) await call('PUT', `/api/facilities/${f.id}`, f.body);
    for (let i = 0; i < picture.events.length; i += 5000) {
      const r = await call('POST', '/api/events', { events: picture.events.slice(i, i + 5000) });
      if (r.rejected.length) throw new Error(`demo events rejected: ${JSON.stringify(r.rejected.slice(0, 3))}`);
    }
    const sweep = await app.get(SweepService).sweep();
    const keys: Record<string, string> = { admin: adminKey };
    for (const role of ['supervisor', 'sheriff', 'counsel'] as const) keys[role] = (await call('POST', '/api/keys', { name: `demo ${role}`, role })).key;
    const counselKey = (await call('GET', '/api/keys')).items.find((k: { name: string }) => k.name === 'demo counsel');
    const granted = picture.bookings.filter((b) => b.state !== 'pending').slice(0, 3);
    for (const b of granted) await call('POST', '/api/grants', { apiKeyId: counselKey.id, facilityId: b.facilityId, bookingId: b.bookingId });

    const tally = (s: string) => picture.bookings.filter((b) => b.state === s).length;
    console.log(`Demo data written to ${config.dataDir}:`);
    console.log(`  ${picture.facilities.length} facilities (${picture.facilities.map((f) => `${f.id}: ${f.body.timeZone}, ${f.body.preset} preset, ${f.body.policy}`).join('; ')})`);
    console.log(
      `  ${picture.bookings.length} bookings, ${picture.events.length} events: ${tally('pending')} holds pending, ${tally('running')} running, ${tally('overdue')} overdue, ${tally('closed')} closed`,
    );
    console.log(`  ${sweep.raised} alerts raised`);
    console.log('\nNow run `npm start` and open http://localhost:' + env.port + '/ , then sign in with one of these keys (shown only now):');
    for (const [role, key] of Object.entries(keys)) console.log(`  ${role.padEnd(10)} ${key}`);
    console.log(`  (counsel may read the histories of ${granted.map((b) => b.bookingId).join(', ')})`);
  }
} finally {
  await app.close();
}
