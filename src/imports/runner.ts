/**
 * One import of one file: records read as a stream, grouped by booking, mapped, sent in batches of
 * up to 5,000 events through a sink (the HTTP API for the CLI, a collector for a dry run), with
 * corrections retracted and every record that could not be imported kept as a reject. No Nest.
 */
import { createHash } from 'node:crypto';
import { bookingIdPrefix, idCore, mapBooking, type ImportEvent } from './engine.js';
import type { Mapping } from './mapping.js';
import type { SourceRecord } from './records.js';
import { FileRefused, readRecords } from './sources.js';

export const BATCH = 5000;

export interface RejectRow {
  line: number;
  content: string;
  reason: string;
}

export interface PostResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; eventId?: string | null; errors: Array<{ field: string; message: string }> }>;
}

export interface ImportSink {
  /** Ids of the events earlier imports made for these bookings that are in force (not retractions, not retracted); null: not known (dry run). */
  knownEvents(facilityId: string, idPrefix: string, bookingIds: string[]): Promise<Array<{ bookingId: string; eventId: string }> | null>;
  postEvents(events: ImportEvent[]): Promise<PostResult>;
  keepRejects(facilityId: string, file: string, rejects: RejectRow[]): Promise<void>;
}

export interface ImportSummary {
  file: string;
  /** Set when the file was refused whole: nothing more of it was read. */
  refused: string | null;
  rowsRead: number;
  bookings: number;
  bookingsImported: number;
  /** Bookings without a detainer, which the mapping skips. */
  bookingsSkipped: number;
  detainers: number;
  events: number;
  eventsByType: Record<string, number>;
  accepted: number;
  duplicates: number;
  retracted: number;
  /** Retractions planned: the events an earlier import made that this file no longer gives. */
  retractions: Array<{ bookingId: string; eventId: string }>;
  /** Events the server refused (each also kept as a reject with its records). */
  refusedByServer: number;
  rejectedRows: number;
  /** The first rejects, with line and reason (all of them are kept through the sink). */
  rejects: RejectRow[];
  /** What a reader should know, with how many bookings each concerns. */
  notes: Record<string, number>;
}

const KEPT_IN_SUMMARY = 10_000;

export interface RunOptions {
  facilityId: string;
  /** The file's name as reported and kept with rejects. */
  file: string;
  /** Instant of the retractions this import sends (ISO 8601 with offset). */
  now: string;
  onProgress?: (s: ImportSummary) => void;
}

interface Pending {
  events: ImportEvent[];
  bookingIds: Set<string>;
  /** The records each event came from, for a server refusal. */
  recordsOf: Map<string, SourceRecord[]>;
}

export async function runImport(bytes: AsyncIterable<Uint8Array>, mapping: Mapping, sink: ImportSink, opts: RunOptions): Promise<ImportSummary> {
  const s: ImportSummary = {
    file: opts.file,
    refused: null,
    rowsRead: 0,
    bookings: 0,
    bookingsImported: 0,
    bookingsSkipped: 0,
    detainers: 0,
    events: 0,
    eventsByType: {},
    accepted: 0,
    duplicates: 0,
    retracted: 0,
    retractions: [],
    refusedByServer: 0,
    rejectedRows: 0,
    rejects: [],
    notes: {},
  };
  let rejectBuffer: RejectRow[] = [];
  const reject = async (rows: RejectRow[]) => {
    s.rejectedRows += rows.length;
    for (const r of rows) if (s.rejects.length < KEPT_IN_SUMMARY) s.rejects.push(r);
    rejectBuffer.push(...rows);
    if (rejectBuffer.length >= 1000) await flushRejects();
  };
  const flushRejects = async () => {
    if (rejectBuffer.length === 0) return;
    const rows = rejectBuffer;
    rejectBuffer = [];
    await sink.keepRejects(opts.facilityId, opts.file, rows);
  };

  let pending: Pending = { events: [], bookingIds: new Set(), recordsOf: new Map() };
  // One batch in flight: the next is read and mapped while the server stores this one, in order.
  let inflight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = pending;
    pending = { events: [], bookingIds: new Set(), recordsOf: new Map() };
    await inflight;
    inflight = send(batch);
    inflight.catch(() => {}); // handled where it is awaited: at the next flush or at the end
  };
  const send = async (batch: Pending) => {
    let events = batch.events;
    if (mapping.corrections === 'retract' && batch.bookingIds.size > 0) {
      const known = await sink.knownEvents(opts.facilityId, bookingIdPrefix(mapping.idPrefix), [...batch.bookingIds]);
      const now = new Set(events.map((e) => e.eventId));
      const gone = (known ?? []).filter((k) => !now.has(k.eventId));
      s.retractions.push(...gone.slice(0, Math.max(0, KEPT_IN_SUMMARY - s.retractions.length)));
      events = [...events, ...gone.map((k) => retraction(mapping, opts, k))];
      s.retracted += gone.length;
    }
    for (let from = 0; from < events.length; from += BATCH) {
      const chunk = events.slice(from, from + BATCH);
      const r = await sink.postEvents(chunk);
      s.accepted += r.accepted;
      s.duplicates += r.duplicates;
      s.refusedByServer += r.rejected.length;
      for (const refusal of r.rejected) {
        const e = chunk[refusal.index];
        const records = batch.recordsOf.get(e?.eventId) ?? [];
        const reason = `${e?.type ?? 'event'} refused by the server: ${refusal.errors.map((x) => `${x.field}: ${x.message}`).join('; ')}`;
        await reject(records.length ? records.map((rec) => ({ line: rec.line, content: rec.content(), reason })) : [{ line: 0, content: JSON.stringify(e), reason }]);
      }
    }
  };

  const emit = async (bookingId: string, records: SourceRecord[]) => {
    s.bookings++;
    const mapped = mapBooking(mapping, { bookingId, records }, { facilityId: opts.facilityId, file: opts.file });
    for (const n of new Set(mapped.notes)) s.notes[n] = (s.notes[n] ?? 0) + 1;
    if (mapped.problems.length) {
      const reason = mapped.problems.join('; ');
      await reject(records.map((r) => ({ line: r.line, content: r.content(), reason: `booking ${bookingId}: ${reason}` })));
      return;
    }
    if (pending.events.length + mapped.events.length > BATCH) await flush();
    // A skipped booking is still asked about, so a detainer that disappeared is retracted.
    pending.bookingIds.add(bookingId);
    if (mapped.skipped) {
      s.bookingsSkipped++;
      return;
    }
    s.bookingsImported++;
    s.detainers += mapped.detainers;
    for (const e of mapped.events) {
      s.events++;
      s.eventsByType[e.type] = (s.eventsByType[e.type] ?? 0) + 1;
      pending.events.push(e);
      pending.recordsOf.set(e.eventId, records);
    }
  };

  // CSV rows of one booking come together; XML records are one booking each.
  let current: { bookingId: string; records: SourceRecord[] } | null = null;
  const finished = new Map<string, number>();
  const retract = mapping.corrections === 'retract';
  try {
    for await (const item of readRecords(bytes, mapping)) {
      s.rowsRead++;
      if ('unread' in item) {
        await reject([{ line: item.line, content: item.content, reason: item.reason }]);
        continue;
      }
      const bookingId = bookingIdOf(mapping, item);
      if (!bookingId) {
        await reject([{ line: item.line, content: item.content(), reason: `booking.id: not in the source (${describe(mapping.booking.id)} empty)` }]);
        continue;
      }
      if (mapping.format === 'xml') {
        await emit(bookingId, [item]);
      } else if (current && current.bookingId === bookingId) {
        current.records.push(item);
      } else {
        if (current) {
          await emit(current.bookingId, current.records);
          if (retract) finished.set(current.bookingId, current.records[0].line);
        }
        const earlier = retract ? finished.get(bookingId) : undefined;
        if (earlier !== undefined) {
          // Its picture would be split in two, and the second half would retract the first.
          await reject([
            { line: item.line, content: item.content(), reason: `booking ${bookingId}: its rows are not together in the file (it also starts at line ${earlier}); sort the export by booking` },
          ]);
          current = null;
          continue;
        }
        current = { bookingId, records: [item] };
      }
      if (s.rowsRead % 1000 === 0) opts.onProgress?.(s);
    }
    if (current) await emit(current.bookingId, current.records);
    await flush();
    await inflight;
  } catch (e) {
    if (!(e instanceof FileRefused)) throw e;
    s.refused = e.message;
    // What was read before the refusal is still sent: each booking's events are whole.
    await flush();
    await inflight;
  }
  await flushRejects();
  opts.onProgress?.(s);
  return s;
}

function describe(spec: Mapping['booking']['id']): string {
  if (typeof spec === 'string') return spec;
  if (Array.isArray(spec)) return spec.join(' | ');
  return spec.from ? (Array.isArray(spec.from) ? spec.from.join(' | ') : spec.from) : (spec.template ?? 'the value');
}

function bookingIdOf(mapping: Mapping, record: SourceRecord): string | undefined {
  const spec = mapping.booking.id;
  const s = typeof spec === 'string' || Array.isArray(spec) ? { from: spec } : spec;
  if (s.value !== undefined) return s.value;
  if (s.template !== undefined)
    return s.template.replace(/\{([^{}:]+)(?::(\d+))?\}/g, (_, p: string, n?: string) => (record.values(p.trim())[0] ?? '').slice(0, n ? Number(n) : undefined)) || undefined;
  for (const p of Array.isArray(s.from) ? s.from : [s.from!]) {
    const v = record.values(p)[0];
    if (v) return v;
  }
  return undefined;
}

function retraction(mapping: Mapping, opts: RunOptions, k: { bookingId: string; eventId: string }): ImportEvent {
  const h = createHash('sha256').update(k.eventId).digest('hex').slice(0, 16);
  return {
    eventId: `${mapping.idPrefix}:${idCore(mapping.idPrefix, k.bookingId, 'retract')}:${h}`,
    type: 'event.retracted',
    occurredAt: opts.now,
    facilityId: opts.facilityId,
    bookingId: k.bookingId,
    retractsEventId: k.eventId,
    reason: `corrected export ${opts.file}: the import no longer gives this event`,
  };
}

/** The summary's last line: what a script or a person reads first. */
export function summaryLine(all: ImportSummary[]): string {
  const sum = (f: (s: ImportSummary) => number) => all.reduce((n, s) => n + f(s), 0);
  const refused = all.filter((s) => s.refused).length;
  return (
    `import: ${all.length} file${all.length === 1 ? '' : 's'}${refused ? ` (${refused} refused)` : ''}, ${sum((s) => s.rowsRead)} rows read, ` +
    `${sum((s) => s.bookingsImported)} bookings imported, ${sum((s) => s.bookingsSkipped)} without a detainer skipped, ${sum((s) => s.detainers)} detainers, ` +
    `${sum((s) => s.events)} events (${sum((s) => s.accepted)} accepted, ${sum((s) => s.duplicates)} duplicates), ${sum((s) => s.retracted)} retracted, ` +
    `${sum((s) => s.rejectedRows)} rows kept as rejects`
  );
}
