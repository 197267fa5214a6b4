import { describe, expect, it } from '@jest/globals';
import { turns } from './yield.js';

describe('turns', () => {
  it('is due once the time given has passed since the last turn it counted, and not again at once', () => {
    let now = 1_000;
    const turn = turns(2, () => now);
    expect(turn.due()).toBe(false);
    now = 1_001.9;
    expect(turn.due()).toBe(false);
    now = 1_002;
    expect(turn.due()).toBe(true);
    expect(turn.due()).toBe(false);
    now = 1_004.5;
    expect(turn.due()).toBe(true);
  });
});
