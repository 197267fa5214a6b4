import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalJson, sha256Hex } from './canonical-json.js';

/** The plain statement of the rule, to check the fast one against. */
function naive(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(naive).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${naive((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The same object with its keys inserted in reverse order, at every depth. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    );
  return value;
}

describe('canonicalJson', () => {
  it('writes sorted keys at every depth, as the naive rule does, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(text).toBe(naive(v));
        expect(canonicalJson(reversed(v))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    [{ b: 1, a: [{ d: null, c: 'x"y' }] }, '{"a":[{"c":"x\\"y","d":null}],"b":1}'],
    [[], '[]'],
    [{}, '{}'],
    ['é\u2028', '"é\u2028"'],
    [null, 'null'],
  ])('%j -> %s', (v, text) => expect(canonicalJson(v)).toBe(text));
});

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['é', '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'], // the UTF-8 bytes c3 a9
  ])('%j -> %s', (text, hex) => expect(sha256Hex(text)).toBe(hex));
});
