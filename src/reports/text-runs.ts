/**
 * How a line of text is set in a chain of fonts: which stretches go in which font, and in which
 * order they are drawn. Pure (the fonts are asked only through `has`); `pdf-fonts.ts` gives it
 * the fonts shipped in fonts/.
 */

/** A stretch of text set in one font of the chain (its index), in the order it is drawn, left to right. */
export interface TextRun {
  text: string;
  font: number;
}

/** Whether font `font` of the chain has a glyph for the code point. */
export type HasGlyph = (font: number, codePoint: number) => boolean;

/** Letters of the scripts written right to left. */
const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const LETTER = /\p{L}/u;
/** Format characters (joiners, direction marks and overrides): invisible, dropped where no font draws them. */
const FORMAT = /\p{Cf}/u;

const hex = (cp: number) => cp.toString(16).toUpperCase().padStart(4, '0');
// The tests for each character, quick for the ASCII most lines are made of.
const isRtl = (ch: string) => ch.charCodeAt(0) >= 0x590 && RTL.test(ch);
const isLetter = (ch: string) => {
  const c = ch.charCodeAt(0);
  return c < 0x80 ? (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) : LETTER.test(ch);
};

/**
 * The runs of `text` in a chain of `fonts` fonts, the first preferred:
 * - a letter goes in the first font that has it; a space, digit, punctuation or mark stays in the
 *   font of the run it is in when that font has it (so "李小龍, 2" is one run), else the first that has it;
 * - a character no font has is written as its code point, `[U+0915]` (an invisible format
 *   character, such as a direction override, is left out), so nothing prints as an empty box;
 * - a stretch of right-to-left text (Arabic, Hebrew…: from its first such letter to its last, with
 *   the spaces, digits and punctuation between) has its words put in right-to-left order; each word's
 *   letters are shaped and reversed by the font engine (fontkit, which detects the script per word).
 *   This is not the whole Unicode bidirectional algorithm (UAX #9): brackets are not mirrored, and
 *   digits after the last right-to-left letter stay after it.
 */
export function textRuns(text: string, fonts: number, has: HasGlyph): TextRun[] {
  const anyHas = (cp: number) => {
    for (let f = 0; f < fonts; f++) if (has(f, cp)) return true;
    return false;
  };
  // Characters no font draws: their code points instead, or nothing for invisible ones.
  let drawable = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || anyHas(cp)) drawable += ch;
    else if (!FORMAT.test(ch)) drawable += `[U+${hex(cp)}]`;
  }

  const runs: TextRun[] = [];
  for (const stretch of directionStretches(drawable)) {
    // Runs never span two stretches, nor a right-to-left word and a space: the font engine reverses
    // all it is given with a right-to-left word, a space after it too (pdfkit gives it words with their spaces).
    const pieces = stretch.rtl ? stretch.text.split(/(\s+)/).filter(Boolean).reverse() : [stretch.text];
    for (const piece of pieces) runs.push(...fontRuns(piece, fonts, has));
  }
  return runs;
}

/** One stretch of text split by font. */
function fontRuns(text: string, fonts: number, has: HasGlyph): TextRun[] {
  const runs: TextRun[] = [];
  let current: TextRun | null = null;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let font: number;
    if (ch === '\n') font = current?.font ?? 0;
    else if (current && !isLetter(ch) && has(current.font, cp)) font = current.font;
    else {
      font = 0;
      while (font < fonts - 1 && !has(font, cp)) font++;
    }
    if (current && current.font === font) current.text += ch;
    else runs.push((current = { text: ch, font }));
  }
  return runs;
}

/** The text cut where it turns from left-to-right to right-to-left and back; line breaks end a right-to-left stretch. */
function directionStretches(text: string): Array<{ text: string; rtl: boolean }> {
  const chars = [...text];
  const out: Array<{ text: string; rtl: boolean }> = [];
  let i = 0;
  while (i < chars.length) {
    if (!isRtl(chars[i])) {
      let j = i;
      while (j < chars.length && !isRtl(chars[j])) j++;
      out.push({ text: chars.slice(i, j).join(''), rtl: false });
      i = j;
      continue;
    }
    // From this right-to-left letter to the last one reached without a line break or a letter of another script.
    let last = i;
    for (let j = i + 1; j < chars.length && chars[j] !== '\n'; j++) {
      if (isRtl(chars[j])) last = j;
      else if (isLetter(chars[j])) break;
    }
    out.push({ text: chars.slice(i, last + 1).join(''), rtl: true });
    i = last + 1;
  }
  return out;
}
