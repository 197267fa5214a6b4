/** The presets a facility can start from (GET /api/rule-presets). */
import { FEDERAL, FEDERAL_I247A_CALENDAR } from './federal.js';
import type { Preset } from './types.js';
import { US_CA } from './us-ca.js';
import { US_CO } from './us-co.js';
import { US_CT } from './us-ct.js';
import { US_IL } from './us-il.js';
import { US_MA } from './us-ma.js';
import { US_NJ } from './us-nj.js';
import { US_NYC } from './us-nyc.js';
import { US_OR } from './us-or.js';
import { US_TX } from './us-tx.js';
import { US_WA } from './us-wa.js';

export type { Citation, Preset, PresetRules } from './types.js';

export const PRESETS: readonly Preset[] = [FEDERAL, FEDERAL_I247A_CALENDAR, US_CA, US_CO, US_CT, US_IL, US_MA, US_NJ, US_NYC, US_OR, US_TX, US_WA];

export const presetById = (id: string): Preset | undefined => PRESETS.find((p) => p.id === id);

/** Verified only when every rule it rests on was checked against the text of the law. */
export const isVerified = (p: Preset): boolean => p.citations.every((c) => c.verified);

/** The API's view: the preset, whether it is verified, and why not. */
export const presetView = (p: Preset) => ({
  id: p.id,
  name: p.name,
  jurisdiction: p.jurisdiction,
  summary: p.summary,
  citations: p.citations,
  verified: isVerified(p),
  unverified: p.citations.filter((c) => !c.verified).map((c) => `${c.cite}: ${c.note}`),
  ...(p.variantOf ? { variantOf: p.variantOf } : {}),
  rules: p.rules,
});
