/**
 * The judgement alone, in process: the bench's bookings (makeEvents) folded into their facts, then
 * judged and serialised as a batch stores them, `rounds` times; CPU time per 1,000 bookings (the
 * process's own, which a busy machine disturbs less than elapsed time; best round), and the
 * bytes of a stored record. Tells the judge's own cost from the server's (no HTTP, no database).
 */
import { foldBooking } from '../src/holds/booking-projection.js';
import { judgeCustody, type RuleVersion } from '../src/custody/judge.js';
import type { JmsEvent } from '../src/events/event.schema.js';
import { fmt } from './support.js';
import { makeEvents } from './ingest.bench.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function benchJudge(bookings = 20_000, rounds = 5): { judgeMsPer1000: number; storeMsPer1000: number; recordBytes: number } {
  const versions: RuleVersion[] = [
    { effectiveFrom: null, rules: { timeZone: 'America/Chicago', policy: 'federal-48-business-hours', holdHours: 48, extraHolidays: [], requireJudicialWarrant: false } },
  ];
  const states = makeEvents(bookings).map((list) =>
    foldBooking((list as JmsEvent[]).map((body, seq) => ({ seq, occurredAtMs: Date.parse(body.occurredAt), receivedAtMs: Date.parse(body.occurredAt), body }))),
  );
  let judgeMs = Infinity;
  let storeMs = Infinity;
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMs();
    const judged = states.map((s) => judgeCustody(s.facts, versions));
    const t1 = cpuMs();
    bytes = 0;
    for (const j of judged) bytes += JSON.stringify(j).length;
    const t2 = cpuMs();
    judgeMs = Math.min(judgeMs, t1 - t0);
    storeMs = Math.min(storeMs, t2 - t1);
  }
  const per1000 = (ms: number) => (ms / bookings) * 1000;
  console.log(`
The judgement in process (${fmt(bookings)} bookings, best of ${rounds} rounds)
  judge                 ${fmt(per1000(judgeMs), 1)} ms per 1,000 bookings
  record as JSON        ${fmt(per1000(storeMs), 1)} ms per 1,000 bookings, ${fmt(bytes / bookings)} bytes a record`);
  return { judgeMsPer1000: per1000(judgeMs), storeMsPer1000: per1000(storeMs), recordBytes: bytes / bookings };
}
