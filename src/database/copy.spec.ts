import { describe, expect, it } from '@jest/globals';
import { copyData, CopyChunks, copyText, JsonText } from './copy.js';

const text = (chunks: Buffer[] | null) => Buffer.concat(chunks ?? []).toString('utf8');

describe('COPY text', () => {
  it('escapes backslash, tab and line breaks, and writes null as \\N', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText('plain "quoted" Ñandú 🙂')).toBe('plain "quoted" Ñandú 🙂');
    expect(copyText(null)).toBe('\\N');
  });

  it.each([
    ['x\\y', 'x\\\\y'],
    ['x\ty', 'x\\ty'],
    ['x\ny', 'x\\ny'],
    ['x\ry', 'x\\ry'],
  ])('escapes %j alone as %j', (value, escaped) => expect(copyText(value)).toBe(escaped));

  it('escapes only the backslashes of JSON text, which holds tabs and line breaks as escapes', () => {
    const json = JSON.stringify({ note: 'tab\there\nline "quoted" back\\slash', ok: 'plain' });
    expect(text(copyData([[new JsonText(json), new JsonText('{"a":1}')]]))).toBe(`${json.replace(/\\/g, '\\\\')}\t{"a":1}\n`);
    expect(text(copyData([[new JsonText(json)]]))).toBe(`${copyText(json)}\n`);
  });

  it('writes rows as tab-separated lines: numbers and booleans as Postgres reads them, null and undefined as \\N', () => {
    expect(text(copyData([['a\tb', 12, 1.5, true, false, null, undefined, '']]))).toBe('a\\tb\t12\t1.5\ttrue\tfalse\t\\N\t\\N\t\n');
    expect(copyData([])).toBeNull();
  });

  it('splits rows across chunks only between lines, whatever their size and characters', () => {
    const chunks = new CopyChunks();
    // Rows of 1 to 3 bytes a character, one far larger than a chunk (512 KB).
    const rows = Array.from({ length: 3000 }, (_, i) => [`row ${i}`, (i % 3 === 0 ? 'é' : i % 3 === 1 ? '名' : 'x').repeat(i % 700)]);
    rows.push(['huge', '🙂'.repeat(300_000)]);
    let completed = 0;
    for (const r of rows) if (chunks.add(r)) completed++;
    expect(chunks.rows).toBe(rows.length);
    const taken = chunks.take();
    expect(taken).toHaveLength(completed);
    const all = [...taken, ...chunks.take(true)];
    expect(all.length).toBeGreaterThan(2);
    for (const c of all) expect(c[c.length - 1]).toBe(0x0a);
    expect(text(all)).toBe(rows.map((r) => r.join('\t') + '\n').join(''));
    expect(chunks.take(true)).toEqual([]);
  });
});
