/**
 * Stories for the judge's tests: events written as local times in a zone, turned into facts.
 */
import { DateTime } from 'luxon';
import type { JmsEvent } from '../events/event.schema.js';
import type { AuthorityRules } from '../rules/authority.js';
import { addFact, emptyFacts, type CustodyFacts } from './custody-facts.js';
import type { RuleVersion } from './judge.js';

export const rules = (timeZone: string, over: Partial<AuthorityRules> = {}): AuthorityRules => ({
  timeZone,
  policy: 'federal-48-business-hours',
  holdHours: 48,
  extraHolidays: [],
  requireJudicialWarrant: false,
  ...over,
});

export const since = (r: AuthorityRules): RuleVersion[] => [{ effectiveFrom: null, rules: r }];

export const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();

type Step = [type: string, local: string, fields?: Record<string, unknown>];

/** Facts of a booking from steps [type, local time, extra fields] in `zone`; each event received when it happened. */
export function facts(zone: string, steps: Step[]): CustodyFacts {
  const f = emptyFacts();
  steps.forEach(([type, local, fields], i) => {
    const t = at(local, zone);
    const body = { eventId: `e${i + 1}`, type, occurredAt: new Date(t).toISOString(), facilityId: 'f', bookingId: 'b', ...fields } as unknown as JmsEvent;
    addFact(f, body, t, t);
  });
  return f;
}
