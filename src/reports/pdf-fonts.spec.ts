import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fontDir, pdfFont } from './pdf-fonts.js';

type Run = { glyphs: Array<{ name: string; codePoints: number[]; advanceWidth: number }>; advanceWidth: number };
const layout = (key: Parameters<typeof pdfFont>[0], text: string) => pdfFont(key).layout(text) as Run;

describe('the shipped fonts', () => {
  it('shape Arabic: joined forms, in visual order', () => {
    expect(layout('sans', 'زينب').glyphs.map((g) => g.name)).toEqual(['uniFE90', 'uniFEE8', 'uniFEF3', 'uni0632']);
  });

  it("lay out other text glyph by glyph with the font's advances", () => {
    const run = layout('sans', 'Жанна');
    expect(run.glyphs.map((g) => g.codePoints)).toEqual([[0x416], [0x430], [0x43d], [0x43d], [0x430]]);
    expect(run.advanceWidth).toBe(run.glyphs.reduce((w, g) => w + g.advanceWidth, 0));
  });

  it('cover Chinese, simplified and traditional, in the CJK font; Hangul in the Korean font only', () => {
    expect(['李', '小', '龍', '龙', '县'].map((c) => pdfFont('cjk').hasGlyphForCodePoint(c.codePointAt(0)!))).toEqual([true, true, true, true, true]);
    expect((['sans', 'cjk', 'hangul'] as const).map((k) => pdfFont(k).hasGlyphForCodePoint(0xd55c))).toEqual([false, false, true]);
  });

  it('shape Devanagari: a conjunct, and the i-sign drawn before its consonant', () => {
    // क्ष (ka, virama, ssa) is one glyph; in कि the i-sign (U+093F) comes first.
    expect(layout('devanagari', 'क्ष').glyphs).toHaveLength(1);
    expect(layout('devanagari', 'कि').glyphs.map((g) => g.codePoints)).toEqual([[0x93f], [0x915]]);
  });
});

describe('the image', () => {
  it('copies fonts/ beside dist/, where the server looks for it', () => {
    const dockerfile = readFileSync(join(fontDir(), '..', 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toContain('\nCOPY fonts fonts\n');
    expect(readFileSync(join(fontDir(), '..', '.dockerignore'), 'utf8').split('\n')).not.toContain('fonts');
  });
});
