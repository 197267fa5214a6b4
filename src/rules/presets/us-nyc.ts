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
      cite: 'NYC Admin. Code 9-131(a), (b)(1), (h)(1) (Local Laws 58 of 2014 and 228 of 2017)',
      rule: 'hold, or notify ICE of the release, only with a judicial warrant AND a conviction of a violent or serious crime (within five years of the arrest) or a possible match in the terrorist screening database',
      source:
        'https://github.com/soundpress/nyccharter_merged_test/blob/091b2a0352f50ea082a154cd52d1c14d5129e478/docs/d01/c08/index.rst (a copy of the Administrative Code, Title 9 chapter 1, as it stood in 2020); https://legistar.council.nyc.gov/LegislationDetail.aspx?ID=1935437&GUID=0A456911-54A6-41E5-8C5A-1D3B231D56AA (Int 0486-2014)',
      verified: true,
      note: 'Text read: (b)(1) "The department may only honor a civil immigration detainer by holding a person beyond the time when such person would otherwise be released ... or by notifying federal immigration authorities of such person\'s release, if: i. federal immigration authorities present the department with a judicial warrant ... and ii. a search ... indicates ... that such person: A. has been convicted of a violent or serious crime, or B. is identified as a possible match in the terrorist screening database." (a)(5): a judicial warrant is one "issued by a judge appointed pursuant to article III ... or a federal magistrate judge". (a)(2)(ii): not convicted if no judgment on a violent or serious crime "for at least five years prior to the date of the instant arrest", the five years extended by time incarcerated for it. (a)(7) lists the crimes by Penal Law section. Not modelled: the extension by time incarcerated (the monitor counts five years from the conviction to the arrest, so it may find the criterion not met where the law would let the department honour the detainer: the protective side); the youthful offender and juvenile delinquent exclusions ((a)(2)(i): do not class such adjudications as nyc_violent_or_serious_crime); the "reasonable time as is necessary to conduct the search" (until a supervisor decides, custody past eligibility counts as unauthorised). (h)(1) also lets staff answer ICE about release dates for a person convicted of a violent or serious crime or a screening match, without a warrant; the preset follows (b)(1), which governs notifying ICE of the release on a detainer: override disclosure if counsel reads (h)(1) otherwise. Amendments after 2020 were not checked. Map the listed Penal Law sections to nyc_violent_or_serious_crime in the charge-code table.',
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
