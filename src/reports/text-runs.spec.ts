import { describe, expect, it } from '@jest/globals';
import { textRuns, type HasGlyph } from './text-runs.js';

// Font 0 has Latin, Cyrillic and Arabic (and the ASCII every font has); font 1 has CJK and ASCII.
const has: HasGlyph = (font, cp) => cp < 0x80 || (font === 0 ? cp < 0x700 || cp === 0x2014 : cp >= 0x3000 && cp <= 0x9fff);

describe('textRuns', () => {
  it('puts each stretch in the first font that has its letters; spaces and punctuation stay in the run they are in', () => {
    expect(textRuns('Жанна 李小龍, 2 Ivanova', 2, has)).toEqual([
      { text: 'Жанна ', font: 0 },
      { text: '李小龍, 2 ', font: 1 },
      { text: 'Ivanova', font: 0 },
    ]);
    expect(textRuns('plain ASCII — one run', 2, has)).toEqual([{ text: 'plain ASCII — one run', font: 0 }]);
    expect(textRuns('', 2, has)).toEqual([]);
  });

  it('draws right-to-left words in right-to-left order, each a run of its own, and leaves the letters to the font engine', () => {
    expect(textRuns('named زينب علي.', 2, has)).toEqual([
      { text: 'named ', font: 0 },
      { text: 'علي', font: 0 },
      { text: ' ', font: 0 },
      { text: 'زينب', font: 0 },
      { text: '.', font: 0 },
    ]);
    // Digits between right-to-left words stay between them; a line break ends the stretch.
    expect(textRuns('زينب 12 علي\nx', 2, has).map((r) => r.text)).toEqual(['علي', ' ', '12', ' ', 'زينب', '\nx']);
    // Neutral characters after the last right-to-left letter are left to right: the quote after the name stays after it.
    expect(textRuns('"زينب"}', 2, has).map((r) => r.text)).toEqual(['"', 'زينب', '"}']);
  });

  it('writes a character no font has as its code point, and leaves out invisible ones', () => {
    expect(textRuns('क 한 😀 a\u202Eb', 2, has)).toEqual([{ text: '[U+0915] [U+D55C] [U+1F600] ab', font: 0 }]);
  });

  it('keeps a line break in the run it ends', () => {
    expect(textRuns('李\nb', 2, has)).toEqual([
      { text: '李\n', font: 1 },
      { text: 'b', font: 0 },
    ]);
  });
});
