/**
 * Each preset's table of stories: warrant × charges × convictions × flags → authority and reason,
 * as the text each preset cites reads (arrest on 1 March 2026, New York time for the lookback).
 */
import { describe, expect, it } from '@jest/globals';
import type { WarrantKind } from '../../clock/hold-clock.js';
import type { ScreeningSnapshot } from '../../custody/screening-facts.js';
import type { AuthorityRules } from '../authority.js';
import { screenedAuthority } from '../criteria.js';
import { isVerified, PRESETS, presetById, presetView } from './index.js';

const ARREST = Date.parse('2026-03-01T15:00:00Z');
const rulesOf = (id: string): AuthorityRules => {
  const p = presetById(id)!.rules;
  return { timeZone: 'America/New_York', policy: p.policy, holdHours: p.holdHours, extraHolidays: [], requireJudicialWarrant: p.requireJudicialWarrant ?? false, forms: null, ruleSet: p };
};
type Story = [warrant: WarrantKind | null, facts: Partial<ScreeningSnapshot>, authority: string, reasons: string[]];
const run = (id: string, stories: Story[], form: 'I-247A' | 'I-247N' = 'I-247A') =>
  stories.map(([warrant, facts]) => {
    const a = screenedAuthority(rulesOf(id), form, warrant, { charges: [], convictions: null, flags: [], decisions: new Map(), ...facts }, 'd1', ARREST);
    return [warrant, a.kind, a.reasons];
  });
const expected = (stories: Story[]) => stories.map(([w, , kind, reasons]) => [w, kind, reasons]);

const violent4y = { classes: ['violent_felony'], convictedAt: '2022-03-01' };
const violent6y = { classes: ['violent_felony'], convictedAt: '2020-02-01' };
const listed4y = { classes: ['nyc_violent_or_serious_crime'], convictedAt: '2022-03-01' };
const misdemeanor1y = { classes: ['misdemeanor'], convictedAt: '2025-03-01' };
const felonyCharge = { level: 'felony', classes: ['violent_felony'] };
const traffic = { level: 'traffic', code: 'VTL 511' };

describe('presets', () => {
  it('list each with citations and say plainly which are verified', () => {
    expect(PRESETS.map((p) => [p.id, isVerified(p)])).toEqual([
      ['federal', false], ['federal-i247a-calendar', false], ['us-ca', false], ['us-il', true], ['us-nyc', false], ['us-wa', false],
    ]);
    for (const p of PRESETS) expect(p.citations.length).toBeGreaterThan(0);
    expect(presetView(presetById('us-wa')!).unverified).toEqual([expect.stringMatching(/^RCW 10\.93\.160: The section's own text was not read/)]);
  });

  it('federal: 48 business hours on any warrant; discretion cases go to review', () => {
    const stories: Story[] = [
      [null, { charges: [felonyCharge], convictions: [] }, 'hold', []],
      ['administrative', { charges: [traffic] }, 'needs_review', ['needs_review']],
      ['judicial', { charges: [{ ...traffic, disposition: 'convicted' }] }, 'hold', []],
      ['none', { flags: ['witness'] }, 'needs_review', ['needs_review']],
      ['none', { flags: ['claims_us_citizenship'] }, 'needs_review', ['needs_review']],
      ['none', { flags: ['juvenile'] }, 'hold', []],
    ];
    expect(run('federal', stories)).toEqual(expected(stories));
    expect([rulesOf('federal').policy, rulesOf('federal-i247a-calendar').policy]).toEqual(['federal-48-business-hours', 'calendar-48-hours']);
    expect(run('federal', [[null, {}, 'notify_only', ['notify_only_form']]], 'I-247N')).toEqual([[null, 'notify_only', ['notify_only_form']]]);
  });

  it('us-nyc: a judicial warrant AND a violent or serious crime within five years, or a terrorist screening match', () => {
    const stories: Story[] = [
      ['judicial', { convictions: [violent4y] }, 'hold', []],
      ['judicial', { convictions: [listed4y] }, 'hold', []],
      ['judicial', { convictions: [violent6y] }, 'none', ['criteria_not_met']],
      ['judicial', { convictions: [misdemeanor1y] }, 'none', ['criteria_not_met']],
      ['judicial', { convictions: [], charges: [felonyCharge] }, 'none', ['criteria_not_met']],
      ['judicial', { convictions: [], flags: ['terrorist_screening_match'] }, 'hold', []],
      ['judicial', {}, 'needs_review', ['needs_review']],
      ['administrative', { convictions: [violent4y] }, 'none', ['criteria_not_met']],
      ['none', { flags: ['terrorist_screening_match'] }, 'none', ['criteria_not_met']],
      [null, { convictions: [violent4y] }, 'none', ['criteria_not_met']],
    ];
    expect(run('us-nyc', stories)).toEqual(expected(stories));
  });

  for (const id of ['us-il', 'us-wa', 'us-ca']) {
    it(`${id}: a civil detainer holds no one, whatever the record; a judicial warrant can`, () => {
      const stories: Story[] = [
        ['judicial', {}, 'hold', []],
        ['judicial', { charges: [traffic] }, 'hold', []],
        ['administrative', { convictions: [violent4y], charges: [felonyCharge] }, 'none', ['criteria_not_met']],
        ['none', { flags: ['terrorist_screening_match', 'final_order_of_removal'] }, 'none', ['criteria_not_met']],
        [null, { convictions: [] }, 'none', ['criteria_not_met']],
      ];
      expect(run(id, stories)).toEqual(expected(stories));
      expect(presetById(id)!.rules.disclosure).toBe('if_criteria');
    });
  }
});
