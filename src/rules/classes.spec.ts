import { describe, expect, it } from '@jest/globals';
import { classesOfCharge, codeMatches, isKnownClass } from './classes.js';

describe('charge classes', () => {
  it('match codes exactly or by a prefix ending in *, case and spacing ignored', () => {
    expect([
      codeMatches('PL 120.10', 'pl  120.10'),
      codeMatches('PL 120.10', 'PL 120.1'),
      codeMatches('PL 120*', 'PL 120.05'),
      codeMatches('PL 120*', 'PL 125.25'),
      codeMatches('*', 'anything'),
    ]).toEqual([true, false, true, false, true]);
  });

  it("are the charge's own, its level's and the table's for its code, sorted and once each", () => {
    const table = [
      { code: 'PL 125.25', classes: ['violent_felony', 'nyc_violent_or_serious_crime'] },
      { code: 'PL 125*', classes: ['felony', 'violent_felony'] },
      { code: 'VTL*', classes: ['traffic'] },
    ];
    expect(classesOfCharge({ code: 'PL 125.25', level: 'felony', classes: ['class_a_felony'] }, table)).toEqual(['class_a_felony', 'felony', 'nyc_violent_or_serious_crime', 'violent_felony']);
    expect(classesOfCharge({ code: 'VTL 511', level: 'misdemeanor' }, table)).toEqual(['misdemeanor', 'traffic']);
    expect(classesOfCharge({ level: 'none' }, table)).toEqual([]);
  });

  it("know the shared names and the presets' own, nothing else", () => {
    expect([isKnownClass('violent_felony'), isKnownClass('nyc_violent_or_serious_crime'), isKnownClass('violent-felony')]).toEqual([true, true, false]);
  });
});
