/**
 * Each preset's table of stories: warrant × charges × convictions × flags → authority and reason,
 * as the text each preset cites reads (arrest on 1 March 2026, New York time for the lookback).
 */
import { describe, expect, it } from '@jest/globals';
import type { DetainerForm, WarrantKind } from '../../clock/hold-clock.js';
import type { ScreeningSnapshot } from '../../custody/screening-facts.js';
import type { AuthorityRules } from '../authority.js';
import { screenedAuthority } from '../criteria.js';
import { disclosureOf } from '../disclosure.js';
import { isVerified, PRESETS, presetById, presetView } from './index.js';

const ARREST = Date.parse('2026-03-01T15:00:00Z');
const rulesOf = (id: string): AuthorityRules => {
  const p = presetById(id)!.rules;
  return { timeZone: 'America/New_York', policy: p.policy, holdHours: p.holdHours, extraHolidays: [], requireJudicialWarrant: p.requireJudicialWarrant ?? false, forms: null, ruleSet: p };
};
type Story = [warrant: WarrantKind | null, facts: Partial<ScreeningSnapshot>, authority: string, reasons: string[]];
const run = (id: string, stories: Story[], form: DetainerForm = 'I-247A') =>
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
const felony4y = { classes: ['felony'], convictedAt: '2022-03-01' };
// New Jersey: Appendix A offences and other indictable crimes (five years back from 1 March 2026 is 1 March 2021).
const njListedCharge = { level: 'felony', classes: ['nj_violent_or_serious_offense'] };
const njListed20y = { classes: ['nj_violent_or_serious_offense'], convictedAt: '2006-01-10' };
const njIndictable5y = { classes: ['nj_indictable_crime'], convictedAt: '2021-03-01' };
const njIndictable6y = { classes: ['nj_indictable_crime'], convictedAt: '2020-02-01' };
// Connecticut: class A or B felony convictions, at any time.
const ctClassB10y = { classes: ['class_b_felony'], convictedAt: '2016-01-01' };
const ctClassACharge = { level: 'felony', classes: ['class_a_felony'] };

describe('presets', () => {
  it('list each with citations and say plainly which are verified', () => {
    expect(PRESETS.map((p) => [p.id, isVerified(p)])).toEqual([
      ['federal', false],
      ['federal-i247a-calendar', false],
      ['us-ca', false],
      ['us-co', false],
      ['us-ct', false],
      ['us-il', true],
      ['us-ma', false],
      ['us-nj', false],
      ['us-nyc', true],
      ['us-or', false],
      ['us-tx', false],
      ['us-wa', true],
    ]);
    for (const p of PRESETS) expect(p.citations.length).toBeGreaterThan(0);
    expect(presetView(presetById('us-wa')!).unverified).toEqual([]);
    expect(presetView(presetById('us-ca')!).unverified).toEqual([expect.stringMatching(/^Release dates while a judicial warrant holds \(no citation\): 7284\.6\(a\)\(1\)\(C\) allows/)]);
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

  for (const id of ['us-il', 'us-wa', 'us-ca', 'us-or', 'us-co', 'us-ma']) {
    it(`${id}: a civil detainer holds no one, whatever the record; a judicial warrant can`, () => {
      const stories: Story[] = [
        ['judicial', {}, 'hold', []],
        ['judicial', { charges: [traffic] }, 'hold', []],
        ['administrative', { convictions: [violent4y], charges: [felonyCharge] }, 'none', ['criteria_not_met']],
        ['none', { flags: ['terrorist_screening_match', 'final_order_of_removal'] }, 'none', ['criteria_not_met']],
        [null, { convictions: [] }, 'none', ['criteria_not_met']],
      ];
      expect(run(id, stories)).toEqual(expected(stories));
    });
  }

  it('judicial-warrant presets: whether a release date may be told, with a judicial warrant holding and without', () => {
    const holding = [{ detainerId: 'd1', authority: 'hold', screen: { met: ['judicial_warrant'] } }];
    const none = [{ detainerId: 'd1', authority: 'none', screen: { met: [] } }];
    const ids = ['us-il', 'us-wa', 'us-ca', 'us-or', 'us-co', 'us-ma'];
    expect(
      ids.map((id) => [id, presetById(id)!.rules.disclosure, disclosureOf({ ruleSet: presetById(id)!.rules }, holding).allowed, disclosureOf({ ruleSet: presetById(id)!.rules }, none).allowed]),
    ).toEqual([
      ['us-il', 'if_criteria', true, false],
      ['us-wa', 'if_criteria', true, false],
      ['us-ca', 'if_criteria', true, false],
      // ORS 181A.826(2)(b)(A), (3)(a): no release date, a judicial warrant notwithstanding (only a judicial subpoena, outside the monitor).
      ['us-or', 'never', false, false],
      ['us-co', 'if_criteria', true, false],
      // Lunn decides detention only.
      ['us-ma', 'always', true, true],
    ]);
  });

  it('us-or: ORS 181A.826(1): an ICE administrative warrant of arrest with an I-247A is a hold for immigration enforcement, refused', () => {
    const stories: Story[] = [
      ['administrative', { convictions: [violent6y] }, 'none', ['criteria_not_met']],
      ['judicial', { convictions: [] }, 'hold', []],
    ];
    expect(run('us-or', stories, 'I-247A')).toEqual(expected(stories));
    expect(run('us-or', [[null, {}, 'notify_only', ['notify_only_form']]], 'I-247N')).toEqual([[null, 'notify_only', ['notify_only_form']]]);
  });

  it('us-co: C.R.S. 24-76.6-101(1): a "warrant for arrest of alien" on an ICE form is itself a civil immigration detainer', () => {
    const stories: Story[] = [
      ['administrative', { flags: ['final_order_of_removal'] }, 'none', ['criteria_not_met']],
      ['administrative', { charges: [felonyCharge], convictions: [violent4y] }, 'none', ['criteria_not_met']],
    ];
    expect(run('us-co', stories, 'I-247X')).toEqual(expected(stories));
  });

  it("us-ma: Lunn's own facts: charge dismissed, an I-247D, no warrant: held solely on the detainer, which Massachusetts law does not authorise", () => {
    const stories: Story[] = [
      ['none', { charges: [{ level: 'felony', description: 'robbery', disposition: 'dismissed' }] }, 'none', ['criteria_not_met']],
      ['judicial', { charges: [{ level: 'felony', description: 'robbery', disposition: 'dismissed' }] }, 'hold', []],
    ];
    expect(run('us-ma', stories, 'I-247D')).toEqual(expected(stories));
  });

  it('us-nj: charged with or ever convicted of a violent or serious offense, another indictable crime in five years, a final order, or a judicial warrant', () => {
    const stories: Story[] = [
      ['administrative', { charges: [njListedCharge] }, 'hold', []],
      ['administrative', { charges: [{ ...njListedCharge, disposition: 'dismissed' }], convictions: [] }, 'none', ['criteria_not_met']],
      ['none', { convictions: [njListed20y] }, 'hold', []],
      ['administrative', { convictions: [njIndictable5y] }, 'hold', []],
      ['administrative', { convictions: [njIndictable6y] }, 'none', ['criteria_not_met']],
      // A bare "felony" class is not read as indictable: the jail maps its codes.
      ['administrative', { convictions: [felony4y] }, 'none', ['criteria_not_met']],
      ['administrative', { convictions: [misdemeanor1y], charges: [traffic] }, 'none', ['criteria_not_met']],
      ['none', { convictions: [], flags: ['final_order_of_removal'] }, 'hold', []],
      ['judicial', { convictions: [] }, 'hold', []],
      // No criminal history on file and nothing else met: a supervisor decides.
      ['administrative', { charges: [felonyCharge] }, 'needs_review', ['needs_review']],
      [null, { convictions: [], flags: ['terrorist_screening_match', 'victim'] }, 'none', ['criteria_not_met']],
    ];
    expect(run('us-nj', stories)).toEqual(expected(stories));
    expect(presetById('us-nj')!.rules.disclosure).toBe('if_criteria');
  });

  it('us-ct: a judicial warrant, a class A or B felony conviction, or a terrorist screening match; nothing less', () => {
    const stories: Story[] = [
      ['judicial', { convictions: [] }, 'hold', []],
      ['administrative', { convictions: [ctClassB10y] }, 'hold', []],
      ['none', { convictions: [], flags: ['terrorist_screening_match'] }, 'hold', []],
      ['administrative', { convictions: [felony4y] }, 'none', ['criteria_not_met']],
      // A pending class A charge is not a conviction.
      ['administrative', { charges: [ctClassACharge], convictions: [] }, 'none', ['criteria_not_met']],
      [null, { convictions: [], flags: ['final_order_of_removal'] }, 'none', ['criteria_not_met']],
      ['administrative', {}, 'needs_review', ['needs_review']],
    ];
    expect(run('us-ct', stories)).toEqual(expected(stories));
    expect(presetById('us-ct')!.rules.disclosure).toBe('if_criteria');
  });

  it('us-tx: art. 2.251: every detainer request is honoured, whatever the warrant or record; a claim of citizenship goes to a supervisor', () => {
    const stories: Story[] = [
      [null, { charges: [traffic] }, 'hold', []],
      ['administrative', { convictions: [] }, 'hold', []],
      ['none', { flags: ['victim', 'witness'] }, 'hold', []],
      ['none', { flags: ['claims_us_citizenship'] }, 'needs_review', ['needs_review']],
    ];
    expect(run('us-tx', stories)).toEqual(expected(stories));
    expect(run('us-tx', [[null, {}, 'notify_only', ['notify_only_form']]], 'I-247N')).toEqual([[null, 'notify_only', ['notify_only_form']]]);
    expect([rulesOf('us-tx').policy, presetById('us-tx')!.rules.disclosure]).toEqual(['federal-48-business-hours', 'always']);
  });
});
