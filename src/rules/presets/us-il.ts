import { HOLDING_FORMS, type Preset } from './types.js';

export const US_IL: Preset = {
  id: 'us-il',
  name: 'Illinois TRUST Act',
  jurisdiction: 'Illinois',
  summary: 'No one is held, and no detainer complied with, on an immigration detainer or civil immigration warrant: only a warrant a judge signed can hold. A release date is shared only then.',
  citations: [
    {
      cite: '5 ILCS 805/15(a)',
      rule: 'no detention "solely on the basis of any immigration detainer or civil immigration warrant", nor other compliance with one',
      source: 'https://witnessslips.ilga.gov/ftp/ILCS/Ch%200005/Act%200805/000508050K15.html',
      verified: true,
      note: 'Text read: "shall not detain or continue to detain any individual solely on the basis of any immigration detainer or civil immigration warrant or otherwise comply with an immigration detainer or civil immigration warrant."',
    },
    {
      cite: '5 ILCS 805/10',
      rule: 'an immigration detainer is a document "not approved or ordered by a judge": a judicial warrant is not one',
      source: 'https://legalfix.com/statutes/state-codes/illinois/chapter-5/act-5-ilcs-805',
      verified: true,
      note: 'Definition read as quoted.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
  },
};
