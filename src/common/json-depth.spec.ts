import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { jsonDepth } from './json-depth.js';

const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('jsonDepth', () => {
  it('counts nesting and ignores brackets inside strings', () => {
    expect(jsonDepth(bytes('1'))).toBe(0);
    expect(jsonDepth(bytes('{"a":[1,{"b":2}]}'))).toBe(3);
    expect(jsonDepth(bytes('{"a":"[[[{{{\\"}}}"}'))).toBe(1);
  });

  it('agrees with the parsed value on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => expect(jsonDepth(bytes(JSON.stringify(v)))).toBe(depthOf(v))),
      { numRuns: 2000 },
    );
  });
});
