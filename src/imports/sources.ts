/**
 * Reading an export as a stream of records: CSV through csv-parse, XML through saxes (no DTD,
 * no entity of its own: a document that declares any is refused, so nothing is ever expanded).
 * Bytes are decoded first: a byte order mark decides UTF-8 or UTF-16, else the mapping's encoding;
 * text that is not valid in it refuses the file rather than being read with replacement characters.
 */
import { TextDecoder } from 'node:util';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse';
import { SaxesParser } from 'saxes';
import type { Mapping } from './mapping.js';
import { CsvRecord, XmlRecord, type SourceRecord, type XmlElement } from './records.js';

/** The file is not what the mapping expects: nothing of it is imported. */
export class FileRefused extends Error {}

/** A record the reader could not read (a broken CSV row): kept as a reject. */
export interface UnreadRecord {
  unread: true;
  line: number;
  content: string;
  reason: string;
}

export type ReadItem = SourceRecord | UnreadRecord;

type Encoding = Mapping['csv']['encoding'];

/** Decode a byte stream to text: BOM first, then the declared encoding; invalid bytes refuse the file. */
export async function* decode(bytes: AsyncIterable<Uint8Array>, declared: Encoding): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let offset = 0;
  let label = 'utf-8';
  for await (const chunk of bytes) {
    let buf = Buffer.from(chunk);
    if (!decoder) {
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) label = 'utf-8';
      else if (buf[0] === 0xff && buf[1] === 0xfe) label = 'utf-16le';
      else if (buf[0] === 0xfe && buf[1] === 0xff) label = 'utf-16be';
      else label = declared === 'auto' ? 'utf-8' : declared === 'latin1' ? 'windows-1252' : declared;
      if (label === 'utf-8' && buf.subarray(0, 4096).includes(0)) {
        throw new FileRefused('the file holds NUL bytes: it looks like UTF-16 without a byte order mark (set csv.encoding: utf-16le)');
      }
      // fatal: bytes that are not text in this encoding stop the file; ignoreBOM false drops the mark.
      decoder = new TextDecoder(label, { fatal: true });
    }
    try {
      const text = decoder.decode(buf, { stream: true });
      if (text) yield text;
    } catch {
      throw new FileRefused(
        `the file is not valid ${label} text (in the bytes from ${offset} to ${offset + buf.length}): ` +
          (label === 'utf-8' ? 'an export in Latin-1 or Windows-1252 needs csv.encoding: latin1' : 'check csv.encoding'),
      );
    }
    offset += buf.length;
    buf = Buffer.alloc(0);
  }
  if (decoder) {
    try {
      const rest = decoder.decode();
      if (rest) yield rest;
    } catch {
      throw new FileRefused(`the file ends in the middle of a ${label} character`);
    }
  }
}

/** Keys whose bare string value is a column or path (a value or time given by `from`). */
const SPEC_KEYS = new Set([
  'id',
  'personId',
  'code',
  'description',
  'level',
  'disposition',
  'name',
  'dateOfBirth',
  'aNumber',
  'form',
  'agency',
  'warrant',
  'reason',
  'at',
  'ifNoCharges',
  'bookedAt',
  'lodgedAt',
  'releasedAt',
]);

/** Every column (CSV) or path (XML) a mapping reads, for the header check; lists are alternatives. */
export function columnsRead(mapping: Mapping): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'from' && typeof x === 'string') out.push([x]);
      else if (k === 'from' && Array.isArray(x)) out.push(x as string[]);
      else if (k === 'template' && typeof x === 'string') for (const m of x.matchAll(/\{([^{}:]+)(?::\d+)?\}/g)) out.push([m[1].trim()]);
      else if (typeof x === 'string' && SPEC_KEYS.has(k)) {
        if (!(k === 'at' && x === 'latestChargeRelease')) out.push([x]);
      } else if (Array.isArray(x) && SPEC_KEYS.has(k) && x.every((p) => typeof p === 'string')) out.push(x);
      else walk(x);
    }
  };
  walk({ booking: mapping.booking, detainers: mapping.detainers, releaseEligible: mapping.releaseEligible, custodyEnd: mapping.custodyEnd, eligibilityEnded: mapping.eligibilityEnded });
  return out;
}

/** The line a record starts on, from the line csv-parse counted at its end and its raw text. */
function startLine(endLine: number, raw: string): number {
  return endLine - ((raw.match(/\n/g) ?? []).length - (raw.endsWith('\n') ? 1 : 0));
}

/** The rows of a CSV export, the header checked against the mapping before any row is read. */
export async function* readCsv(bytes: AsyncIterable<Uint8Array>, mapping: Mapping): AsyncGenerator<ReadItem> {
  const pending: UnreadRecord[] = [];
  // Set inside the parser's callbacks: declared wide, as the compiler cannot see those assignments.
  let refused = null as FileRefused | null;
  const parser = parseCsv({
    delimiter: mapping.csv.delimiter,
    quote: mapping.csv.quote,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim());
      const missing = columnsRead(mapping).filter((alts) => !alts.some((a) => names.includes(a)));
      if (missing.length) {
        refused = new FileRefused(
          `missing column${missing.length > 1 ? 's' : ''} ${missing.map((a) => a.map((c) => `"${c}"`).join(' or ')).join(', ')}; the file's columns are ${names.map((n) => `"${n}"`).join(', ')}`,
        );
        throw refused;
      }
      return names;
    },
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_skip: (err: (Error & { raw?: string; lines?: number }) | undefined, raw?: string) => {
      const text = err?.raw ?? raw ?? '';
      pending.push({ unread: true, line: startLine(err?.lines ?? 0, text), content: text.replace(/\r?\n$/, '').slice(0, 20_000), reason: `not a CSV row: ${err?.message ?? 'unreadable'}` });
      return undefined;
    },
  } as CsvOptions);
  const feed = (async () => {
    try {
      for await (const text of decode(bytes, mapping.csv.encoding)) {
        if (parser.destroyed) return;
        if (!parser.write(text)) {
          // Both listeners go once either fires: left behind, one per pause, they grew without bound.
          await new Promise<void>((resolve) => {
            const go = () => {
              parser.off('drain', go);
              parser.off('close', go);
              resolve();
            };
            parser.once('drain', go);
            parser.once('close', go);
          });
        }
      }
      parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number } }>) {
      while (pending.length) yield pending.shift()!;
      yield new CsvRecord(item.record, startLine(item.info.lines, item.raw), item.raw);
    }
  } catch (e) {
    if (refused) throw refused;
    if (e instanceof FileRefused) throw e;
    throw new FileRefused(`the CSV cannot be read: ${(e as Error).message}`);
  } finally {
    await feed;
  }
  while (pending.length) yield pending.shift()!;
}

/** Nesting deeper than this inside a record is refused (no export needs it; a hostile one would). */
const MAX_DEPTH = 100;

/** The record elements of an XML export, each with its subtree; the rest of the document is passed over. */
export async function* readXml(bytes: AsyncIterable<Uint8Array>, mapping: Mapping): AsyncGenerator<ReadItem> {
  const recordNames = new Set(mapping.xml!.records);
  const parser = new SaxesParser({ position: true });
  const done: XmlRecord[] = [];
  const stack: XmlElement[] = [];
  let root: string | null = null;
  // Set inside the parser's callbacks: declared wide, as the compiler cannot see those assignments.
  let failure = null as FileRefused | null;
  const local = (q: string) => q.slice(q.indexOf(':') + 1);
  parser.on('doctype', () => {
    failure ??= new FileRefused('the document has a DOCTYPE: DTDs and their entities are refused (no export needs them; they are how XML bombs and external entities get in)');
  });
  parser.on('error', (e) => {
    failure ??= new FileRefused(`not well-formed XML: ${e.message}`);
  });
  parser.on('opentag', (tag) => {
    root ??= tag.name;
    if (stack.length === 0 && !recordNames.has(local(tag.name))) return;
    if (stack.length >= MAX_DEPTH) {
      failure ??= new FileRefused(`elements nest more than ${MAX_DEPTH} deep in a record (line ${parser.line})`);
      return;
    }
    const el: XmlElement = { name: tag.name, attributes: { ...(tag.attributes as Record<string, string>) }, children: [], text: '', line: parser.line };
    stack.at(-1)?.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop();
    if (el && stack.length === 0) done.push(new XmlRecord(el));
  });
  let records = 0;
  for await (const text of decode(bytes, mapping.csv.encoding)) {
    parser.write(text);
    if (failure) throw failure;
    while (done.length) {
      records++;
      yield done.shift()!;
    }
  }
  parser.close();
  if (failure) throw failure;
  while (done.length) {
    records++;
    yield done.shift()!;
  }
  if (records === 0) {
    throw new FileRefused(`no ${[...recordNames].map((n) => `<${n}>`).join(' or ')} element in the file${root ? ` (its root element is <${root}>)` : ''}`);
  }
}

export function readRecords(bytes: AsyncIterable<Uint8Array>, mapping: Mapping): AsyncGenerator<ReadItem> {
  return mapping.format === 'csv' ? readCsv(bytes, mapping) : readXml(bytes, mapping);
}
