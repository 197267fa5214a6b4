import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { DecisionFact, ScreeningSnapshot } from '../custody/screening-facts.js';
import type { AuthorityRules } from './authority.js';
import { FLAGS, type Flag } from './classes.js';
import { criterionName, screenedAuthority } from './criteria.js';
import { naiveAuthorityKind } from './naive-criteria.testing.js';
import { REVIEW_TRIGGERS, type Criterion, type RuleSet } from './rule-set.js';

const NY = 'America/New_York';
const rules = (ruleSet: RuleSet, over: Partial<AuthorityRules> = {}): AuthorityRules => ({
  timeZone: NY,
  policy: 'federal-48-business-hours',
  holdHours: 48,
  extraHolidays: [],
  requireJudicialWarrant: false,
  ruleSet,
  ...over,
});
const known = (over: Partial<ScreeningSnapshot> = {}): ScreeningSnapshot => ({ charges: [], convictions: null, flags: [], decisions: new Map(), ...over });
const ARREST = Date.parse('2026-03-01T15:00:00Z');
const brief = (r: AuthorityRules, warrant: WarrantKind | null, k: ScreeningSnapshot, form: DetainerForm = 'I-247A') => {
  const a = screenedAuthority(r, form, warrant, k, 'd1', ARREST);
  return [a.kind, a.reasons, a.screen ? [a.screen.met, a.screen.notMet, a.screen.unknown, a.screen.review] : null];
};

describe('a rule set screening a detainer', () => {
  const nycLike = rules({
    criteria: {
      'I-247A': {
        allOf: [{ kind: 'judicial_warrant' }],
        anyOf: [
          { kind: 'conviction', classes: ['violent_felony', 'serious_felony'], withinYears: 5 },
          { kind: 'flag', flag: 'terrorist_screening_match' },
        ],
      },
    },
  });
  const robbery = (convictedAt: string) => ({ classes: ['violent_felony'], convictedAt });

  it('names the criteria met, not met and unknown', () => {
    expect(criterionName({ kind: 'conviction', classes: ['violent_felony', 'serious_felony'], withinYears: 5 })).toBe('conviction:violent_felony|serious_felony within 5 years');
    expect(brief(nycLike, 'judicial', known({ convictions: [robbery('2022-03-01')] }))).toEqual([
      'hold',
      [],
      [['judicial_warrant', 'conviction:violent_felony|serious_felony within 5 years'], ['flag:terrorist_screening_match'], [], []],
    ]);
    expect(brief(nycLike, 'administrative', known({ convictions: [robbery('2022-03-01')] }))).toEqual([
      'none',
      ['criteria_not_met'],
      [['conviction:violent_felony|serious_felony within 5 years'], ['judicial_warrant', 'flag:terrorist_screening_match'], [], []],
    ]);
  });

  it('counts a lookback of years back from the arrest, in local dates: 1 March 2021 is within five years of 1 March 2026, 28 February is not', () => {
    expect(brief(nycLike, 'judicial', known({ convictions: [robbery('2021-03-01')] }))[0]).toBe('hold');
    expect(brief(nycLike, 'judicial', known({ convictions: [robbery('2021-02-28')] }))[0]).toBe('none');
  });

  it('needs review when a criterion rests on a criminal history not on file; an empty history is checked: none', () => {
    expect(brief(nycLike, 'judicial', known())).toEqual([
      'needs_review',
      ['needs_review'],
      [['judicial_warrant'], ['flag:terrorist_screening_match'], ['conviction:violent_felony|serious_felony within 5 years'], []],
    ]);
    expect(brief(nycLike, 'judicial', known({ convictions: [] }))[0]).toBe('none');
    // Not met beats unknown: without the judicial warrant no history can help.
    expect(brief(nycLike, 'none', known())[0]).toBe('none');
    expect(brief(nycLike, 'judicial', known({ flags: ['terrorist_screening_match'] }))[0]).toBe('hold');
  });

  it('reads charges by their classes, level and code table; dismissed charges are not current, convicted ones are convictions', () => {
    const r = rules({
      criteria: {
        'I-247A': {
          allOf: [],
          anyOf: [
            { kind: 'charge', classes: ['serious_felony'] },
            { kind: 'conviction', classes: ['misdemeanor'], withinYears: 1 },
          ],
        },
      },
      chargeClasses: [{ code: 'PC 211*', classes: ['serious_felony'] }],
    });
    expect(brief(r, null, known({ charges: [{ code: 'PC 211(a)', level: 'felony' }], convictions: [] }))[0]).toBe('hold');
    expect(brief(r, null, known({ charges: [{ code: 'PC 211(a)', level: 'felony', disposition: 'dismissed' }], convictions: [] }))[0]).toBe('none');
    expect(brief(r, null, known({ charges: [{ code: 'PC 484', level: 'misdemeanor', disposition: 'convicted' }] }))[0]).toBe('hold');
  });

  it("sends ICE's discretion cases to review, and a decision settles them: honour holds, decline does not", () => {
    const r = rules({ review: ['minor_traffic_only', 'victim_or_witness', 'claims_us_citizenship'] });
    const traffic = [{ code: 'VTL 511', level: 'traffic' }, { level: 'infraction' }];
    expect(brief(r, null, known({ charges: traffic }))).toEqual(['needs_review', ['needs_review'], [[], [], [], ['minor_traffic_only']]]);
    expect(brief(r, null, known({ charges: [{ level: 'traffic', disposition: 'convicted' }] }))[0]).toBe('hold');
    expect(brief(r, null, known({ charges: [...traffic, { level: 'misdemeanor' }] }))[0]).toBe('hold');
    expect(brief(r, null, known({ flags: ['witness', 'claims_us_citizenship'] }))[2]).toEqual([[], [], [], ['victim_or_witness', 'claims_us_citizenship']]);
    const decided = (decision: 'honour' | 'decline') => new Map<string, DecisionFact>([['d1', { eventId: 'x', at: 0, detainerId: 'd1', decision, basis: 'reviewed', by: 'Sgt. Ortiz' }]]);
    expect(brief(r, null, known({ flags: ['victim'], decisions: decided('honour') }))[0]).toBe('hold');
    expect(brief(r, null, known({ flags: ['victim'], decisions: decided('decline') }))).toEqual(['none', ['review_declined'], [[], [], [], ['victim_or_witness']]]);
  });

  it('leaves alone what cannot hold anyway, and rules that screen nothing', () => {
    expect(brief(nycLike, 'judicial', known(), 'I-247N')).toEqual(['notify_only', ['notify_only_form'], null]);
    expect(brief(rules({ criteria: { 'I-247D': { allOf: [{ kind: 'judicial_warrant' }], anyOf: [] } } }), null, known())).toEqual(['hold', [], null]);
    expect(brief(rules({}, { policy: 'no-hold' }), 'judicial', known())).toEqual(['none', ['no_hold_policy'], null]);
  });
});

describe('the screen against a naive second reading (property)', () => {
  const CLASSES = ['felony', 'violent_felony', 'serious_felony', 'misdemeanor', 'traffic', 'infraction'];
  const classes = fc.subarray(CLASSES, { minLength: 1, maxLength: 3 });
  const criterion: fc.Arbitrary<Criterion> = fc.oneof(
    fc.constant({ kind: 'judicial_warrant' as const }),
    fc.constant({ kind: 'final_order' as const }),
    fc.record({ kind: fc.constant('charge' as const), classes }),
    fc
      .record({ kind: fc.constant('conviction' as const), classes, withinYears: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }) })
      .map((c) => (c.withinYears === undefined ? { kind: c.kind, classes: c.classes } : c)),
    fc.record({ kind: fc.constant('flag' as const), flag: fc.constantFrom(...FLAGS) }),
  );
  const ruleSet: fc.Arbitrary<RuleSet> = fc.record({
    criteria: fc.option(fc.record({ allOf: fc.array(criterion, { maxLength: 2 }), anyOf: fc.array(criterion, { maxLength: 3 }) }), { nil: undefined }).map((c) => (c ? { 'I-247A': c } : {})),
    chargeClasses: fc.array(fc.record({ code: fc.constantFrom('PL*', 'PL 120.05', 'VTL*'), classes }), { maxLength: 2 }),
    review: fc.subarray([...REVIEW_TRIGGERS]),
  });
  const charge = fc
    .record({
      code: fc.constantFrom('PL 120.05', 'PL 155.25', 'VTL 511', undefined),
      level: fc.constantFrom('felony', 'misdemeanor', 'traffic', 'infraction', 'none'),
      disposition: fc.constantFrom(undefined, 'pending', 'convicted', 'dismissed', 'acquitted'),
      classes: fc.option(fc.subarray(CLASSES), { nil: undefined }),
    })
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as { level: string });
  const snapshot: fc.Arbitrary<ScreeningSnapshot> = fc.record({
    charges: fc.array(charge, { maxLength: 3 }),
    convictions: fc.option(fc.array(fc.record({ classes, convictedAt: fc.constantFrom('2015-06-30', '2021-02-28', '2021-03-01', '2024-02-29', '2025-12-31') }), { maxLength: 3 }), { nil: null }),
    flags: fc.subarray([...FLAGS] as Flag[]),
    decisions: fc
      .constantFrom(undefined, 'honour', 'decline')
      .map((d) => new Map<string, DecisionFact>(d ? [['d1', { eventId: 'x', at: 0, detainerId: 'd1', decision: d, basis: 'b', by: null }]] : [])),
  });

  it('gives the same authority for any rule set, warrant and facts', () => {
    fc.assert(
      fc.property(ruleSet, fc.constantFrom<WarrantKind | null>(null, 'none', 'administrative', 'judicial'), snapshot, fc.boolean(), (rs, warrant, k, requireJudicialWarrant) => {
        const r = rules(rs, { requireJudicialWarrant });
        expect(screenedAuthority(r, 'I-247A', warrant, k, 'd1', ARREST).kind).toBe(naiveAuthorityKind(r, 'I-247A', warrant, k, 'd1', ARREST));
      }),
      { numRuns: 2000 },
    );
  });
});
