import { describe, expect, it } from '@jest/globals';
import { toCsv } from './csv.js';

describe('CSV cells', () => {
  it('neutralise text that a spreadsheet would run as a formula, and leave numbers as numbers', () => {
    const cells = ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', '=HYPERLINK("http://x","y")', 'plain', '2026-11-05T20:00:00.000Z', 'a=b', ''];
    expect(toCsv([cells, [-5, 0, 1.5, null, undefined, true]])).toBe(`'=1+1,'+SUM(A1),'-2+3,'@cmd,'\tx,"'\rx","'=HYPERLINK(""http://x"",""y"")",plain,2026-11-05T20:00:00.000Z,a=b,\n-5,0,1.5,,,1\n`);
  });
});
