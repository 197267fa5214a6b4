import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createScratchDatabase } from '../scripts/scratch-database.js';
import type { HoldRules } from '../src/clock/hold-clock.js';
import { ev, facilityBody } from './support/factories.js';
import { holdsNotMatchingLog } from './support/refold-check.js';
import { serverBuilt, startServerProcess } from '../scripts/server-process.js';

const server = process.env.TEST_DATABASE_URL;
const ready = Boolean(server) && serverBuilt();
if (!ready) console.warn(`SKIPPED: the crash test needs a real Postgres (TEST_DATABASE_URL) and the built server (npm run build); ${server ? 'no dist/src/main.js' : 'no TEST_DATABASE_URL'}.`);

const KEY = 'dm_crash_test_admin_key_00000000000000000';
const headers = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };

/** 60 batches of 500 events: 100 bookings each with five events. */
function batches(): object[][] {
  return Array.from({ length: 60 }, (_, b) =>
    Array.from({ length: 100 }, (_, i) => {
      const bookingId = `c${b}-${i}`;
      const t = Date.parse('2026-11-02T14:00:00Z') + (b * 100 + i) * 60_000;
      const at = (h: number) => new Date(t + h * 3_600_000).toISOString();
      return [
        ev.opened({ facilityId: 'crash', bookingId, occurredAt: at(0), eventId: `${bookingId}-o` }),
        ev.lodged({ facilityId: 'crash', bookingId, occurredAt: at(1), eventId: `${bookingId}-l` }),
        ev.eligible({ facilityId: 'crash', bookingId, occurredAt: at(30), eventId: `${bookingId}-e` }),
        ...(i % 2 ? [ev.transferred({ facilityId: 'crash', bookingId, occurredAt: at(70), eventId: `${bookingId}-t` })] : []),
        ...(i % 5 === 0 ? [ev.retracted({ facilityId: 'crash', bookingId, occurredAt: at(31), eventId: `${bookingId}-r`, retractsEventId: `${bookingId}-e` })] : []),
      ];
    }).flat(),
  );
}

(ready ? describe : describe.skip)('kill -9 during batch ingestion (real Postgres, the built server as a child process)', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createScratchDatabase(server!, 'dm_crash');
  });
  afterAll(() => db?.drop());

  it('keeps every acknowledged event once, and every hold whole', async () => {
    const env = { DATABASE_URL: db.url, BOOTSTRAP_ADMIN_KEY: KEY, SWEEP_INTERVAL_MS: '0', DELIVERY_INTERVAL_MS: '0' };
    let srv = await startServerProcess(env);
    expect((await fetch(`${srv.url}/api/facilities/crash`, { method: 'PUT', headers, body: JSON.stringify(facilityBody({ timeZone: 'America/Chicago' })) })).status).toBe(200);
    const all = batches();
    const acknowledged = new Set<string>();
    // Four senders at once; the server is killed while batches are in flight.
    let next = 0;
    const send = async () => {
      while (next < all.length) {
        const batch = all[next++];
        try {
          const res = await fetch(`${srv.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events: batch }) });
          if (res.ok) for (const e of batch as Array<{ eventId: string }>) acknowledged.add(e.eventId);
        } catch {
          return; // connection reset: the server is gone
        }
      }
    };
    const senders = Promise.all([send(), send(), send(), send()]);
    while (acknowledged.size < 2000) await new Promise((r) => setTimeout(r, 5));
    await srv.kill('SIGKILL');
    await senders;
    expect(acknowledged.size).toBeLessThan(all.flat().length);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const stored = new Set((await c.query('SELECT event_id FROM events')).rows.map((r: { event_id: string }) => r.event_id));
      expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);

      // Restart and re-send everything, as a JMS retries: nothing twice, nothing lost.
      srv = await startServerProcess(env);
      for (const batch of all) {
        const res = await fetch(`${srv.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events: batch }) });
        const r = (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
        expect(res.status).toBe(200);
        expect(r.rejected).toEqual([]);
        expect(r.accepted + r.duplicates).toBe(batch.length);
      }
      await srv.kill('SIGTERM');
      const [{ n, distinct }] = (await c.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM events')).rows;
      expect([n, distinct]).toEqual([all.flat().length, all.flat().length]);

      // Every stored hold is exactly what a full refold of its booking's log gives.
      const rules: HoldRules = { timeZone: 'America/Chicago', policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false };
      const check = await holdsNotMatchingLog(async (sql) => (await c.query(sql)).rows, 'crash', rules);
      expect(check).toEqual({ bookings: 6000, wrong: [] });
    } finally {
      await c.end();
    }
  }, 300_000);
});
