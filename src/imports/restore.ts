/**
 * Restoring an export of the event log (NDJSON, see src/events/event-archive.ts): the file read as
 * a stream, sent in parts of up to 5,000 lines to POST /api/events/restore through a sink. No Nest.
 */
import { readArchiveLine } from '../events/event-archive.js';
import { MAX_BATCH } from '../events/event.schema.js';
import { decode } from './sources.js';

/** At most this many bytes a request, well under the server's body limit (16 MB by default). */
const MAX_BYTES = 8 * 1024 * 1024;

export interface RestoreAnswer {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: Array<{ line: number; eventId: string | null; errors: Array<{ field: string; message: string }> }>;
}

export interface RestoreSink {
  /** Send some lines of the export (NDJSON text); refused lines are numbered from 1 in what was sent. */
  restore(ndjson: string): Promise<RestoreAnswer>;
}

export interface RestoreSummary {
  file: string;
  lines: number;
  accepted: number;
  duplicates: number;
  eventsByType: Record<string, number>;
  /** Every refused line (of the file), with its reasons; the server keeps them with the refused events. */
  refused: Array<{ line: number; eventId: string | null; reason: string }>;
}

/** Reads the file; a dry run (`sink` null) checks each line's form and sends nothing. */
export async function runRestore(bytes: AsyncIterable<Uint8Array>, sink: RestoreSink | null, opts: { file: string; now: number; onProgress?: (s: RestoreSummary) => void }): Promise<RestoreSummary> {
  const s: RestoreSummary = { file: opts.file, lines: 0, accepted: 0, duplicates: 0, eventsByType: {}, refused: [] };
  let part: string[] = [];
  let partLines: number[] = [];
  let partBytes = 0;
  const send = async () => {
    if (part.length === 0) return;
    const lines = partLines;
    if (sink) {
      const a = await sink.restore(part.join('\n') + '\n');
      s.accepted += a.accepted;
      s.duplicates += a.duplicates;
      for (const r of a.rejected) s.refused.push({ line: lines[r.line - 1], eventId: r.eventId, reason: r.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
    }
    part = [];
    partLines = [];
    partBytes = 0;
    opts.onProgress?.(s);
  };
  const take = async (text: string, n: number) => {
    const line = text.replace(/\r$/, '');
    if (line.trim() === '') return;
    s.lines++;
    const read = readArchiveLine(line, opts.now);
    if (read.ok) {
      const type = String(read.event.type);
      s.eventsByType[type] = (s.eventsByType[type] ?? 0) + 1;
    } else if (!sink) s.refused.push({ line: n, eventId: read.eventId, reason: read.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
    if (part.length >= MAX_BATCH || partBytes + line.length > MAX_BYTES) await send();
    part.push(line);
    partLines.push(n);
    partBytes += line.length + 1;
  };
  let rest = '';
  let n = 0;
  for await (const text of decode(bytes, 'utf-8')) {
    const pieces = (rest + text).split('\n');
    rest = pieces.pop()!;
    for (const p of pieces) await take(p, ++n);
  }
  if (rest !== '') await take(rest, ++n);
  await send();
  return s;
}
