import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create, type Font } from 'fontkit';
import type PDFDocument from 'pdfkit';
import { textRuns } from './text-runs.js';
import { projectFolder } from '../common/project-folder.js';

/**
 * The fonts every PDF is set in, shipped in fonts/ with their licences (fonts/README.md): PDF's
 * standard fonts know Latin-1 only, so names in other scripts printed mangled.
 * - DejaVu Sans, Bold and Sans Mono 2.37 (Bitstream Vera licence; DejaVu's changes public domain):
 *   Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic, 1.8 MB for the three;
 * - Noto Sans S Chinese Regular (NotoSansHans, SIL OFL 1.1), for what DejaVu lacks: Chinese
 *   (simplified and traditional, the 20,902 unified ideographs and extension A) and Japanese kana,
 *   8 MB: the smallest of the Noto CJK fonts that holds both Chinese scripts. It has one weight, so
 *   bold headings set CJK in regular.
 * - Noto Sans Regular (Debian fonts-noto-core 20201225, SIL OFL 1.1) for the scripts of South and
 *   South-East Asia and Ethiopia: Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu,
 *   Kannada, Malayalam, Sinhala, Thai, Lao, Khmer, Myanmar, Ethiopic (3.2 MB for the fifteen),
 *   shaped by fontkit (their vowel signs are combining marks: see NEEDS_SHAPING);
 * - NanumGothic (Debian fonts-nanum 20200506, NAVER, SIL OFL 1.1) for Korean Hangul (4.7 MB).
 * Each stretch of text goes in the first font of its style's chain that has its glyphs (text-runs.ts).
 * Not covered (printed as their code points, `[U+1F600]`): emoji, and scripts no font here has.
 */
export type PdfStyle = 'regular' | 'bold' | 'mono';

/** The scripts set in a Noto Sans font of their own, by the font's name (NotoSans<Script>-Regular.ttf). */
const NOTO_SCRIPTS = ['Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Khmer', 'Myanmar', 'Ethiopic'] as const;

const FILES = {
  sans: 'DejaVuSans.ttf',
  sansBold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  cjk: 'NotoSansHans-Regular.otf',
  hangul: 'NanumGothic.ttf',
  ...(Object.fromEntries(NOTO_SCRIPTS.map((s) => [s.toLowerCase(), `NotoSans${s}-Regular.ttf`])) as Record<Lowercase<(typeof NOTO_SCRIPTS)[number]>, string>),
};
type FontKey = keyof typeof FILES;

/** The fonts every style falls back to, after its own, for what DejaVu lacks. */
const OTHER_SCRIPTS: FontKey[] = ['cjk', 'hangul', ...NOTO_SCRIPTS.map((s) => s.toLowerCase() as Lowercase<typeof s>)];

/** Each style's fallback chain, first preferred. */
const CHAINS: Record<PdfStyle, FontKey[]> = {
  regular: ['sans', ...OTHER_SCRIPTS],
  bold: ['sansBold', 'sans', ...OTHER_SCRIPTS],
  mono: ['mono', 'sans', ...OTHER_SCRIPTS],
};

/** fonts/ at the project root, found from here whether running from src/ (tests) or dist/src/ (npm start). */
export function fontDir(): string {
  const dir = projectFolder('fonts', FILES.sans);
  if (dir !== null) return dir;
  throw new Error(`the PDF fonts (fonts/${FILES.sans}) are missing: they ship with the project`);
}

/** Text that needs OpenType shaping: joining scripts written right to left, combining marks, joiners. */
const NEEDS_SHAPING = /[\p{M}\u200C\u200D\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Mandaic}\p{Script=Adlam}]/u;

/**
 * The font, with pdfkit's layout of a word (asked per word and per document) done glyph by glyph
 * with the font's advances where the word needs no shaping: fontkit's full OpenType layout made a
 * history PDF three times slower. Kerning and Latin ligatures are left out; Arabic is shaped.
 */
function quickLayout(font: Font): Font {
  const f = font as Font & { glyphsForString(text: string): Array<{ advanceWidth: number }> };
  const layout = (text: string, ...rest: unknown[]) => {
    if (rest.some((x) => x !== undefined) || NEEDS_SHAPING.test(text)) return (font.layout as (...a: unknown[]) => unknown).call(font, text, ...rest);
    const glyphs = f.glyphsForString(text);
    const positions = glyphs.map((g) => ({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    return {
      glyphs,
      positions,
      get advanceWidth() {
        return positions.reduce((w, p) => w + p.xAdvance, 0);
      },
    };
  };
  return new Proxy(font, { get: (target, prop) => (prop === 'layout' ? layout : Reflect.get(target, prop, target)) });
}

interface Loaded {
  /** The fonts as pdfkit is given them. */
  font: Font;
  /** Whether the font has a glyph for a code point, remembered. */
  has(codePoint: number): boolean;
}

// Each font read and parsed once, the first time a PDF needs it (most need DejaVu alone), and
// shared: pdfkit makes each document's own subset.
const loaded = new Map<FontKey, Loaded>();
function font(key: FontKey): Loaded {
  let l = loaded.get(key);
  if (!l) {
    const f = create(readFileSync(join(fontDir(), FILES[key])));
    const known = new Map<number, boolean>();
    l = {
      font: quickLayout(f),
      has(cp) {
        let yes = known.get(cp);
        if (yes === undefined) known.set(cp, (yes = f.hasGlyphForCodePoint(cp)));
        return yes;
      },
    };
    loaded.set(key, l);
  }
  return l;
}

/** A shipped font as pdfkit is given it. */
export function pdfFont(key: FontKey): Font {
  return font(key).font;
}

/** The fonts each document has been given, by key. */
const registered = new WeakMap<PDFKit.PDFDocument, Set<FontKey>>();
function use(doc: PDFKit.PDFDocument, key: FontKey): PDFKit.PDFDocument {
  let keys = registered.get(doc);
  if (!keys) registered.set(doc, (keys = new Set()));
  if (!keys.has(key)) {
    doc.registerFont(key, font(key).font as unknown as Uint8Array);
    keys.add(key);
  }
  return doc;
}

/** Register the first font of each style with a document (the others are given to it when a text needs them). */
export function registerPdfFonts(doc: PDFKit.PDFDocument): void {
  for (const chain of Object.values(CHAINS)) use(doc, chain[0]);
}

/**
 * Write `text` at the cursor in a style, each stretch in the first font of the style's chain that
 * has it, as one paragraph (pdfkit's `continued` text) that wraps as usual.
 */
export function writeText(doc: typeof PDFDocument.prototype, text: string, style: PdfStyle, options: PDFKit.Mixins.TextOptions = {}): void {
  const chain = CHAINS[style];
  const runs = textRuns(text, chain.length, (f, cp) => font(chain[f]).has(cp));
  if (runs.length === 0) runs.push({ text: '', font: 0 });
  runs.forEach((run, i) =>
    use(doc, chain[run.font])
      .font(chain[run.font])
      .text(run.text, { ...options, continued: i < runs.length - 1 }),
  );
}
