import { HOLDING_FORMS, type Preset } from './types.js';

/** Massachusetts (Lunn v. Commonwealth, 477 Mass. 517 (2017)): no State authority to hold on a civil detainer. */
export const US_MA: Preset = {
  id: 'us-ma',
  name: 'Massachusetts: Lunn v. Commonwealth',
  jurisdiction: 'Massachusetts',
  summary:
    'Holding a person past release solely on a federal civil immigration detainer is an arrest Massachusetts law does not authorise: a civil detainer holds no one; only a judicial warrant is let hold. Release dates are not restricted by this preset (Lunn decides detention only).',
  citations: [
    {
      cite: 'Lunn v. Commonwealth, 477 Mass. 517 (2017)',
      rule: 'Massachusetts law provides no authority for court officers to arrest and hold an individual solely on the basis of a federal civil immigration detainer beyond the time the individual would otherwise be entitled to be released from state custody',
      source: 'https://law.justia.com/cases/massachusetts/supreme-court/2017/sjc-12276.html; https://app.midpage.ai/case/lunn-v-commonwealth-4188684',
      verified: false,
      note: "The declaration was read, in these words, in two summaries of the case (Justia's and midpage's), which agree; the opinion's own text was read only to its caption. The court spoke of court officers; applying it to a jail, and letting a judicial (criminal) warrant hold, are readings for counsel.",
    },
    {
      cite: 'Release dates (no citation)',
      rule: "release date may be shared (always, the monitor's default)",
      source: 'not read',
      verified: false,
      note: 'Lunn, as read, decides detention only. No Massachusetts text on telling ICE a release date was read; override if counsel reads one.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'always',
  },
};
