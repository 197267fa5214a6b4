/**
 * A preset: a jurisdiction's rule set as data, with the law it rests on. Each citation says whether
 * its rule was checked against the text of the law (and where), or not; a preset is `verified`
 * only when every citation is. Nothing here is legal advice: a facility starts from a preset and
 * overrides what its counsel reads differently. Pure: plain TypeScript only.
 */
import type { PolicyName } from '../../clock/hold-clock.js';
import type { FormAuthority } from '../authority.js';
import type { RuleSet } from '../rule-set.js';

export interface Citation {
  cite: string;
  /** What the preset takes from it. */
  rule: string;
  /** Where its text was read (or looked for). */
  source: string;
  verified: boolean;
  /** Why not verified, or what was read. */
  note: string;
}

export interface PresetRules extends RuleSet {
  policy: PolicyName;
  holdHours: number;
  requireJudicialWarrant?: boolean;
  forms?: Partial<Record<string, FormAuthority>> | null;
}

export interface Preset {
  id: string;
  name: string;
  jurisdiction: string;
  summary: string;
  citations: Citation[];
  /** The preset this one reads differently (a variant), if any. */
  variantOf?: string;
  rules: PresetRules;
}

export const HOLDING_FORMS = ['I-247A', 'I-247D', 'I-247X', 'I-247', 'other'] as const;
