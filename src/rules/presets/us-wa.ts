import { HOLDING_FORMS, type Preset } from './types.js';

export const US_WA: Preset = {
  id: 'us-wa',
  name: 'Keep Washington Working Act',
  jurisdiction: 'Washington',
  summary: 'A hold request (a request without a court order) cannot hold anyone: only a judicial warrant can. Release dates are not given on notification requests.',
  citations: [
    {
      cite: 'RCW 43.17.420(2), (5)',
      rule: 'a "hold request" is a request "without a court order" to keep a person past eligibility for release, including form I-247A; a court order is one a judge or magistrate issued',
      source: 'https://instalawyer.io/laws/revised-code-of-washington/4317420-immigration-and-citizenship',
      verified: true,
      note: 'Definitions read as quoted.',
    },
    {
      cite: 'RCW 10.93.160',
      rule: 'no detention on a hold request; no release information on a notification request',
      source: 'github.com/tannewt/wa-law.org, site/rcw/10_criminal_procedure/10.093_washington_mutual_aid_peace_officers_powers_act.md at 18b06fec (a copy of the RCW, history note [2019 c 440 § 6])',
      verified: true,
      note: 'Read: (8) "An individual must not be taken into custody, or held in custody, solely for the purposes of determining immigration status or based solely on a civil immigration warrant, or an immigration hold request"; (4)(b) agencies may not "Provide information pursuant to notification requests from federal immigration authorities for the purposes of civil immigration enforcement, except as required by law"; (16)(b) nothing prohibits disclosure "In response to a lawfully issued court order"; (6)(b) an interview only with written consent, on a form "available at least in English and Spanish". A civil immigration warrant (ICE\'s I-200 or I-205) must never be sent as warrant "judicial". Not modelled: (9)(a), the written explanation on commitment of the right not to disclose nationality or status. SB 5818 (2025-26) would amend the section; whether it passed was not checked.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
    notices: [
      {
        kind: 'interview_consent',
        after: 'ice_contact.interview_requested',
        withinHours: 0,
        to: ['person'],
        citation: 'RCW 10.93.160(6)(b): written consent form before an ICE interview, in English and Spanish at least',
      },
    ],
  },
};
