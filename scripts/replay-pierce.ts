/**
 * Replays the Pierce County data through a running Detainer Monitor:
 *   API_URL=http://localhost:3000 API_KEY=dm_... npm run replay:pierce [path/to.csv]
 * Configures the facility, posts every event, and prints the verdicts.
 */
import { readFileSync } from 'node:fs';
import { bookingEvents, groupBookings, parsePierceCsv, PIERCE_FACILITY } from './pierce-county.js';

const file = process.argv[2] ?? '../shared/data/pierce-county-immigration-holds.csv';
const api = process.env.API_URL ?? 'http://localhost:3000';
const key = process.env.API_KEY;
if (!key) {
  console.error('Set API_KEY to an admin key (the server prints one at its first start).');
  process.exit(2);
}
const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };

const bookings = groupBookings(parsePierceCsv(readFileSync(file, 'utf8')));
const put = await fetch(`${api}/api/facilities/${PIERCE_FACILITY.id}`, { method: 'PUT', headers, body: JSON.stringify(PIERCE_FACILITY.body) });
if (!put.ok) throw new Error(`facility: ${put.status} ${await put.text()}`);
const events = bookings.flatMap((b) => bookingEvents(b));
const res = await fetch(`${api}/api/events`, { method: 'POST', headers, body: JSON.stringify({ events }) });
const result = (await res.json()) as { accepted: number; duplicates: number; rejected?: unknown[] };
console.log(`events: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejected?.length ?? '?'} rejected`);

const holds = (await (await fetch(`${api}/api/holds?facilityId=${PIERCE_FACILITY.id}&limit=1000`, { headers })).json()) as {
  items: Array<{ status: string; compliant: boolean | null; outcome: string | null }>;
};
const tally = new Map<string, number>();
for (const h of holds.items) {
  const k = `${h.status} ${h.compliant === true ? 'compliant' : h.compliant === false ? 'past deadline' : ''} (${h.outcome})`;
  tally.set(k, (tally.get(k) ?? 0) + 1);
}
for (const [k, n] of [...tally].sort()) console.log(`${String(n).padStart(4)}  ${k}`);
const anomalies = bookings.filter((b) => b.anomalies.length > 0);
console.log(`${anomalies.length} bookings with data anomalies (judged, not dropped):`);
for (const a of new Set(anomalies.flatMap((b) => b.anomalies))) console.log(`  ${anomalies.filter((b) => b.anomalies.includes(a)).length}  ${a}`);
