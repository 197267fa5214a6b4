import { HOLDING_FORMS, type Preset } from './types.js';
import type { FormCriteria } from '../rule-set.js';

/** NYC Admin. Code 9-131(b): a judicial warrant AND (a violent or serious crime within five years, or a terrorist screening match). */
const CRITERIA: FormCriteria = {
  allOf: [{ kind: 'judicial_warrant' }],
  anyOf: [
    { kind: 'conviction', classes: ['nyc_violent_or_serious_crime', 'violent_felony', 'serious_felony'], withinYears: 5 },
    { kind: 'flag', flag: 'terrorist_screening_match' },
  ],
};

export const US_NYC: Preset = {
  id: 'us-nyc',
  name: 'New York City Department of Correction',
  jurisdiction: 'New York City, New York',
  summary:
    'A detainer may hold only when ICE presents a judicial warrant and the person was convicted of a violent or serious crime within five years or is a possible match in the terrorist screening database; 48 business hours. A release date may be shared only then.',
  citations: [
    {
      cite: 'NYC Admin. Code 9-131 (Local Law 58 of 2014)',
      rule: 'hold only with a judicial warrant, and a conviction of a violent or serious crime within five years or a terrorist screening match; no release-date communication otherwise',
      source:
        "https://legistar.council.nyc.gov/LegislationDetail.aspx?ID=1935437&GUID=0A456911-54A6-41E5-8C5A-1D3B231D56AA (Int 0486-2014, the Council's summary); http://legislation.nyc/id/3023525 (9-205, applying 9-131's terms to Probation)",
      verified: false,
      note: 'Read the Council\'s summary of the enacted bill and a defenders\' practice advisory (five years counted from the instant arrest); the codified text of 9-131(b) and its list of violent or serious crimes (9-131(a)) was not read. Looked for again (December 2026): found only the 2013 text of 9-131 (http://law.onecle.com/new-york/new-york-city-administrative-code-new-/ADC09-131_9-131.html, "covered crime", since replaced) and Local Law 59 of 2014, the Police Department\'s parallel section 14-154 ("convicted of a violent or serious crime"), not 9-131 as amended by Local Law 58. Map the listed felonies to the class nyc_violent_or_serious_crime in the charge-code table.',
    },
    {
      cite: '8 CFR 287.7(d)',
      rule: 'where a hold is allowed, at most 48 hours excluding weekends and holidays',
      source: 'https://www.avvo.com/legal-guides/ugc/immigration-holds-ice-detainers-placed-pursuant-to-8-cfr-2877d',
      verified: true,
      note: 'Text quoted by the source.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, CRITERIA])),
    disclosure: 'if_criteria',
  },
};
