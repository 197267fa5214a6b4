/** npm run demo: a living picture in the embedded database, then npm start serves it. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoPicture } from '../scripts/demo-data.js';
import { serverBuilt, startServerProcess } from '../scripts/server-process.js';

const run = promisify(execFile);
const NOW = Date.parse('2026-11-24T18:00:00.000Z');

describe('demo picture', () => {
  const p = demoPicture(NOW);

  it('has several zones and policies and holds in every state in each facility', () => {
    expect(new Set(p.facilities.map((f) => f.body.timeZone)).size).toBe(4);
    expect(new Set(p.facilities.map((f) => `${f.body.policy}/${f.body.holdHours ?? 48}`))).toEqual(new Set(['federal-48-business-hours/48', 'calendar-48-hours/48', 'calendar-48-hours/24']));
    expect(p.bookings.length).toBeGreaterThanOrEqual(300);
    for (const f of p.facilities) {
      const states = new Set(p.bookings.filter((b) => b.facilityId === f.id).map((b) => b.state));
      expect([f.id, [...states].sort()]).toEqual([f.id, ['closed', 'overdue', 'pending', 'running']]);
    }
  });

  it('is the same picture for the same clock, and nobody in it is real', () => {
    expect(demoPicture(NOW)).toEqual(p);
    expect(p.events.every((e) => String(e.bookingId).startsWith('demo-'))).toBe(true);
  });
});

(serverBuilt() ? describe : describe.skip)('npm run demo, then npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dm-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '3000' };

  it('fills the embedded database, prints the keys, and the server shows the holds', async () => {
    const { stdout } = await run(process.execPath, ['dist/scripts/demo.js'], { env });
    expect(stdout).toContain('Now run `npm start` and open http://localhost:3000/');
    const admin = /^\s+admin\s+(dm_[A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
    expect(admin).toBeDefined();
    expect(stdout).toMatch(/^\s+supervisor\s+dm_/m);

    // Run again: it does not pile a second picture on the first.
    expect((await run(process.execPath, ['dist/scripts/demo.js'], { env })).stdout).toContain('The demo data is already in');

    const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      const auth = { Authorization: `Bearer ${admin}` };
      const holds = (await (await fetch(`${server.url}/api/holds?status=active&limit=1000`, { headers: auth })).json()) as { items: Array<{ status: string }> };
      const statuses = new Set(holds.items.map((h) => h.status));
      expect([...statuses].sort()).toEqual(['overdue', 'pending', 'running']);
      const alerts = (await (await fetch(`${server.url}/api/alerts?state=open`, { headers: auth })).json()) as { items: unknown[] };
      expect(alerts.items.length).toBeGreaterThan(0);
      const page = await fetch(`${server.url}/`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<title>Detainer Monitor</title>');
    } finally {
      await server.kill('SIGTERM');
    }
  }, 120_000);
});
