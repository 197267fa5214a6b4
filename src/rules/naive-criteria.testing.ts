/**
 * A deliberately naive second reading of a rule set's screen (criteria.ts), for the property test:
 * every fact turned into a set of strings first, criteria read as three-valued logic (true, false,
 * unknown) with plain loops, the decision applied last. Slow and obvious on purpose.
 */
import { DateTime } from 'luxon';
import type { DetainerForm, WarrantKind } from '../clock/hold-clock.js';
import type { ScreeningSnapshot } from '../custody/screening-facts.js';
import { authorityOf, type AuthorityRules } from './authority.js';
import type { Criterion } from './rule-set.js';

type Tri = true | false | null;

function chargeClasses(c: { code?: string; level: string; classes?: readonly string[] }, rules: AuthorityRules): Set<string> {
  const out = new Set<string>();
  for (const x of c.classes ?? []) out.add(x);
  if (c.level !== 'none') out.add(c.level);
  for (const row of rules.ruleSet?.chargeClasses ?? []) {
    if (c.code === undefined) continue;
    const code = c.code.toUpperCase().replace(/\s+/g, ' ').trim();
    const pat = row.code.toUpperCase().replace(/\s+/g, ' ').trim();
    const hit = pat.endsWith('*') ? code.slice(0, pat.length - 1) === pat.slice(0, -1) : code === pat;
    if (hit) for (const x of row.classes) out.add(x);
  }
  return out;
}

function truth(c: Criterion, warrant: WarrantKind | null, k: ScreeningSnapshot, rules: AuthorityRules, asOf: number): Tri {
  if (c.kind === 'judicial_warrant') return warrant === 'judicial';
  if (c.kind === 'final_order') return k.flags.indexOf('final_order_of_removal') >= 0;
  if (c.kind === 'flag') return k.flags.indexOf(c.flag) >= 0;
  const current = new Set<string>();
  const convictedHere = new Set<string>();
  for (const ch of k.charges) {
    const cls = chargeClasses(ch, rules);
    if (ch.disposition === 'convicted') cls.forEach((x) => convictedHere.add(x));
    else if (ch.disposition !== 'dismissed' && ch.disposition !== 'acquitted') cls.forEach((x) => current.add(x));
  }
  if (c.kind === 'charge') return c.classes.some((x) => current.has(x));
  if (c.classes.some((x) => convictedHere.has(x))) return true;
  if (k.convictions === null) return null;
  const cutoff = c.withinYears === undefined ? '0000-00-00' : DateTime.fromMillis(asOf, { zone: rules.timeZone }).minus({ years: c.withinYears }).toISODate()!;
  for (const v of k.convictions) if (v.convictedAt >= cutoff && v.classes.some((x) => c.classes.includes(x))) return true;
  return false;
}

const and = (xs: Tri[]): Tri => (xs.includes(false) ? false : xs.includes(null) ? null : true);
const or = (xs: Tri[]): Tri => (xs.length === 0 ? true : xs.includes(true) ? true : xs.includes(null) ? null : false);

export function naiveAuthorityKind(rules: AuthorityRules, form: DetainerForm, warrant: WarrantKind | null, k: ScreeningSnapshot, detainerId: string, asOf: number): string {
  const base = authorityOf(rules, form, warrant).kind;
  if (base !== 'hold') return base;
  const fc = rules.ruleSet?.criteria?.[form];
  const triggers = rules.ruleSet?.review ?? [];
  if (!fc && triggers.length === 0) return 'hold';
  const verdict = fc ? and([and(fc.allOf.map((c) => truth(c, warrant, k, rules, asOf))), or(fc.anyOf.map((c) => truth(c, warrant, k, rules, asOf)))]) : true;
  if (verdict === false) return 'none';
  let review = false;
  if (triggers.includes('minor_traffic_only') && k.charges.length > 0) {
    let allMinor = true;
    for (const ch of k.charges) {
      const cls = [...chargeClasses(ch, rules)];
      if (cls.length === 0 || cls.some((x) => x !== 'traffic' && x !== 'infraction') || ch.disposition === 'convicted') allMinor = false;
    }
    if (allMinor) review = true;
  }
  if (triggers.includes('victim_or_witness') && ['victim', 'witness', 'u_visa_or_t_visa'].some((f) => k.flags.includes(f as never))) review = true;
  if (triggers.includes('claims_us_citizenship') && k.flags.includes('claims_us_citizenship')) review = true;
  if (verdict === true && !review) return 'hold';
  const d = k.decisions.get(detainerId);
  return d === undefined ? 'needs_review' : d.decision === 'honour' ? 'hold' : 'none';
}
