import { describe, expect, it } from '@jest/globals';
import { contactAllowed, disclosureOf } from './disclosure.js';

const held = { detainerId: 'd1', authority: 'hold', screen: { met: ['judicial_warrant'] } };
const refused = { detainerId: 'd2', authority: 'none', screen: { met: [] } };

describe('release-date disclosure', () => {
  it('follows the rule: always (also without a rule set), never, if_criteria while a detainer may hold', () => {
    expect(disclosureOf({}, [refused])).toEqual({ allowed: true, basis: 'the rules allow telling ICE a release date (always)' });
    expect(disclosureOf({ ruleSet: { disclosure: 'never' } }, [held])).toEqual({ allowed: false, basis: 'the rules forbid telling ICE a release date (never)' });
    expect(disclosureOf({ ruleSet: { disclosure: 'if_criteria' } }, [refused, held])).toEqual({ allowed: true, basis: 'detainer d1 meets the criteria for holding: judicial_warrant (if_criteria)' });
    expect(disclosureOf({ ruleSet: { disclosure: 'if_criteria' } }, [refused]).allowed).toBe(false);
  });

  it('gates only the contacts that disclose a release date', () => {
    const never = disclosureOf({ ruleSet: { disclosure: 'never' } }, []);
    expect([contactAllowed('release_date_shared', never).allowed, contactAllowed('notification_sent', never).allowed, contactAllowed('records_request', never)]).toEqual([
      false,
      false,
      { allowed: true, basis: 'discloses no release date' },
    ]);
  });
});
