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
        "https://www.mass.gov/decision/lunn-v-commonwealth (the Supreme Judicial Court's page, quoting the opinion); https://law.justia.com/cases/massachusetts/supreme-court/2017/sjc-12276.html; http://masscases.com/cases/sjc/477/477mass517.html (the Reporter's headnote)",
      verified: true,
      note: 'The opinion\'s words, as the Commonwealth\'s page quotes them: "Massachusetts law provides no authority for Massachusetts court officers to arrest and hold an individual solely on the basis of a Federal civil immigration detainer, beyond the time that the individual would otherwise be entitled to be released from State custody." Its footnote 22: "this case concerns detention based solely on a civil immigration detainer. This was not a situation where a detainer provided an officer with probable cause that a Federal criminal offense had been committed." Also read in Justia\'s summary and the official Reporter\'s headnote: holding a person on a detainer "constitutes an arrest as a matter of Massachusetts law", and court officers, who have the same power to arrest as police officers, "lack authority under either Massachusetts common law ... or Massachusetts statutory law ... to arrest an individual pursuant to a request contained in a Federal civil immigration detainer". The opinion\'s own words were read only to its opening ("asks the State custodian voluntarily to hold the person for up to two days"). The court spoke of court officers; applying it to a jail, and letting a judicial (criminal) warrant hold, are readings for counsel.',
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
