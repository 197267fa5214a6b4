#!/usr/bin/env node
/**
 * Check a hold history offline, with nothing but Node: `node scripts/verify-history.mjs history.json`
 * (the JSON of GET /api/bookings/:bookingId/history or GET /api/people/:personId/history).
 *
 * Written from the recipe in docs/api.md ("Tamper evidence"), not from the server's code, so
 * that counsel, or an expert they retain, can check what the server says without trusting it:
 * - each event's contentHash is the SHA-256 (hex) of the event as sent, written as canonical
 *   JSON: object keys sorted (by UTF-16 code units) at every depth, no spaces;
 * - its chainHash is the SHA-256 of: the previous event's chainHash in the same facility, a
 *   newline, and the canonical JSON of { bookingId, contentHash, eventId, facilityId,
 *   occurredAt, receivedAt, type } (instants in UTC with milliseconds, as the history gives them);
 * - where two events of the history are next to each other in the facility's log (their `seq`
 *   differ by one), the second's prevHash is the first's chainHash.
 * A history holds one booking's events; the links to other bookings' events are checked on the
 * server by GET /api/audit/verify, whose headHash can be recorded elsewhere.
 *
 * Prints one line per event and exits 0 when every check holds, 1 when one does not.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const canonical = (v) => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
};
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/verify-history.mjs history.json');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file, 'utf8'));
const histories = Array.isArray(doc.bookings) ? doc.bookings : [doc];
let failed = 0;
let checked = 0;
for (const h of histories) {
  const facilityId = h.facility.id;
  const bookingId = h.booking.bookingId;
  const events = [...h.events].sort((a, b) => a.seq - b.seq);
  let before = null;
  for (const e of events) {
    checked++;
    const problems = [];
    if (sha256(canonical(e.event)) !== e.contentHash) problems.push('the event differs from what was received (content hash)');
    for (const [field, value] of [
      ['eventId', e.eventId],
      ['facilityId', facilityId],
      ['bookingId', bookingId],
      ['type', e.type],
    ]) {
      if (e.event[field] !== value) problems.push(`${field} is "${value}" but the event as sent says "${e.event[field]}"`);
    }
    const sent = Date.parse(e.event.occurredAt); // NaN for a form Node's Date does not read (the server reads more): not compared then
    if (!Number.isNaN(sent) && new Date(sent).toISOString() !== e.occurredAt) problems.push(`occurredAt is ${e.occurredAt} but the event as sent says ${e.event.occurredAt}`);
    const chained = { bookingId, contentHash: e.contentHash, eventId: e.eventId, facilityId, occurredAt: e.occurredAt, receivedAt: e.receivedAt, type: e.type };
    if (e.prevHash === null || sha256(`${e.prevHash}\n${canonical(chained)}`) !== e.chainHash) problems.push('the chain hash does not match the event and the hash before it');
    if (before && e.seq === before.seq + 1 && e.prevHash !== before.chainHash) problems.push(`it does not link to event ${before.eventId}, just before it in the log`);
    console.log(`${problems.length ? 'FAILED' : 'ok    '} ${facilityId} ${bookingId} #${e.seq} ${e.eventId}${problems.length ? `: ${problems.join('; ')}` : ''}`);
    if (problems.length) failed++;
    before = e;
  }
}
console.log(failed ? `${failed} of ${checked} events failed` : `all ${checked} events check out`);
process.exit(failed ? 1 : 0);
