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
      source:
        "https://law.justia.com/cases/massachusetts/supreme-court/2017/sjc-12276.html; https://app.midpage.ai/case/lunn-v-commonwealth-4188684; http://masscases.com/cases/sjc/477/477mass517.html (the Reporter's headnote)",
      verified: false,
      note: 'The declaration was read, in these words, in two summaries of the case (Justia\'s and midpage\'s), which agree, and in the official Reporter\'s headnote: holding a person on a detainer "constitutes an arrest as a matter of Massachusetts law", and court officers, who have the same power to arrest as police officers, "lack authority under either Massachusetts common law ... or Massachusetts statutory law ... to arrest an individual pursuant to a request contained in a Federal civil immigration detainer". The opinion\'s own words were read only to its opening ("asks the State custodian voluntarily to hold the person for up to two days"). The court spoke of court officers; applying it to a jail, and letting a judicial (criminal) warrant hold, are readings for counsel.',
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
