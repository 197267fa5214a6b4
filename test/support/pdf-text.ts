/**
 * What a PDF made by pdfkit shows, read from its bytes (poppler's pdftotext may not be installed):
 * its fonts (embedded ones with their ToUnicode maps, standard ones decoded as Latin-1) and each
 * text run its content streams draw (a TJ operator), with the font and the glyph codes it uses.
 */
import { inflateSync } from 'node:zlib';

export interface PdfFont {
  /** The font's name without the subset tag: "DejaVuSans", "Helvetica". */
  name: string;
  /** Embedded (Type0, two-byte glyph codes) or one of PDF's standard fonts (one byte a character). */
  embedded: boolean;
  /** Glyph code to the text it stands for (embedded fonts). */
  toUnicode: Map<number, string>;
}

export interface PdfRun {
  font: string;
  codes: number[];
  text: string;
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s/g;
  let m: RegExpExecArray | null;
  while ((m = header.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    const streamAt = s.indexOf('stream\n', start);
    if (streamAt !== -1 && streamAt < end) {
      const dict = s.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      const raw = pdf.subarray(streamAt + 7, streamAt + 7 + length);
      out.set(Number(m[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
      header.lastIndex = s.indexOf('endobj', streamAt + 7 + length);
    } else {
      out.set(Number(m[1]), { dict: s.slice(start, end), stream: null });
      header.lastIndex = end;
    }
  }
  return out;
}

function utf16(hex: string): string {
  const units = hex
    .split(/\s+/)
    .filter(Boolean)
    .map((h) => parseInt(h, 16));
  return String.fromCharCode(...units);
}

/** A pdfkit ToUnicode CMap: `<first> <last> [<utf16> <utf16 utf16> ...]` ranges. */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const r of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})> \[([^\]]*)\]/gi)) {
    const first = parseInt(r[1], 16);
    [...r[3].matchAll(/<([^>]*)>/g)].forEach((e, i) => map.set(first + i, utf16(e[1])));
  }
  for (const b of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f ]+)>\s*$/gim)) map.set(parseInt(b[1], 16), utf16(b[2]));
  return map;
}

export function readPdf(pdf: Buffer): { fonts: Map<string, PdfFont>; runs: PdfRun[] } {
  const objs = objects(pdf);
  // Resource names (F1, F2…) to font objects, from every page's font resources.
  const fontOf = new Map<string, PdfFont>();
  for (const o of objs.values()) {
    for (const f of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const font = objs.get(Number(f[2]));
      if (!font || fontOf.has(f[1])) continue;
      const base = /\/BaseFont \/(?:[A-Z]{6}\+)?([^\s/>]+)/.exec(font.dict)?.[1] ?? '?';
      const embedded = font.dict.includes('/Type0');
      const cmapRef = /\/ToUnicode (\d+) 0 R/.exec(font.dict)?.[1];
      const cmap = cmapRef ? (objs.get(Number(cmapRef))?.stream?.toString('latin1') ?? '') : '';
      fontOf.set(f[1], { name: base, embedded, toUnicode: toUnicode(cmap) });
    }
  }
  const runs: PdfRun[] = [];
  // Each page's content stream, in the order of the pages.
  const pages = [...objs.values()].filter((o) => /\/Type \/Page\b/.test(o.dict));
  for (const page of pages) {
    const content = objs.get(Number(/\/Contents (\d+) 0 R/.exec(page.dict)?.[1]))?.stream?.toString('latin1') ?? '';
    let font: PdfFont | undefined;
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\]\s*TJ/g)) {
      if (op[1]) {
        font = fontOf.get(op[1]);
        continue;
      }
      const hex = [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]).join('');
      if (!font) throw new Error('text drawn before a font was chosen');
      if (font.embedded) {
        const codes = (hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16));
        runs.push({ font: font.name, codes, text: codes.map((c) => font!.toUnicode.get(c) ?? '\uFFFD').join('') });
      } else {
        const bytes = Buffer.from(hex, 'hex');
        runs.push({ font: font.name, codes: [...bytes], text: bytes.toString('latin1') });
      }
    }
  }
  return { fonts: new Map([...fontOf.values()].map((f) => [f.name, f])), runs };
}

/** The text of a PDF: its runs joined with spaces (wrapped lines too), spaces collapsed. */
export function pdfText(pdf: Buffer): string {
  return readPdf(pdf)
    .runs.map((r) => r.text)
    .join(' ')
    .replace(/\s+/g, ' ');
}
