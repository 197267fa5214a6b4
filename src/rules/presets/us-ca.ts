import { HOLDING_FORMS, type Preset } from './types.js';

export const US_CA: Preset = {
  id: 'us-ca',
  name: 'California Values Act and TRUST Act',
  jurisdiction: 'California',
  summary:
    'No one is held on a hold request (a civil detainer); only a judicial warrant can hold. Release dates: only while a detainer may hold (stricter than Gov. Code 7282.5, which also allows them for listed convictions; override if counsel reads it so).',
  citations: [
    {
      cite: 'Cal. Gov. Code 7284.6(a)(1)(B)',
      rule: 'law enforcement agencies shall not use agency moneys or personnel to detain persons for immigration enforcement purposes, including "Detaining an individual on the basis of a hold request"',
      source: 'https://app.legiplex.com/ca/legislature/2025/2025-r/bills/ab324/drafts-compare (AB 324 of 2025 as introduced, which sets out section 7284.6 in full)',
      verified: true,
      note: 'Text read as quoted, in a 2025 bill that reprints the section to add an exception for sex trafficking only (its digest); (a)(1)(B) is not among its changes. The official code page itself was not read.',
    },
    {
      cite: 'Cal. Gov. Code 7283(b)',
      rule: 'a "hold request" is an ICE request to keep a person past the time they would otherwise be eligible for release, including DHS Form I-247D: a request, not a judicial warrant',
      source: 'https://codes.findlaw.com/ca/government-code/gov-sect-7283/ (current as of 1 January 2025)',
      verified: true,
      note: 'Definition read as quoted.',
    },
    {
      cite: 'Cal. Gov. Code 7282.5',
      rule: 'release dates and transfers only for people with listed convictions (serious or violent felonies, felonies punishable by state prison, listed offences within 5 or 15 years, registrants)',
      source: 'https://app.legiplex.com/ca/legislature/2017/2017-r/bills/ab2931/drafts-compare (digest of existing law)',
      verified: false,
      note: 'Read only bill digests summarising it (also AB 85 of 2025, and 7284.6(a)(1)(C) as far as "unless that information is available to the"); not modelled: the preset allows release dates only while a detainer may hold. Classes ca_serious_or_violent_felony, ca_state_prison_felony, ca_7282_5_listed_offense, ca_registrant are reserved for it.',
    },
    {
      cite: 'Cal. Gov. Code 7283.1 (TRUTH Act)',
      rule: 'notice to the person before an ICE interview, and copies of detainers and notification requests',
      source: 'https://online.documentine.com/local-law-definition/2/dle-2018-01-information-bulletin-responsibilities-of.html',
      verified: false,
      note: 'Named in the Attorney General\'s bulletin and issue 29; its text was not read. Its notices are modelled from that summary (copy of the detainer and whether the jail will comply, within 24 hours; the consent form before an ICE interview, at once; release information given to ICE, in writing to the person and their attorney, within 24 hours): the hours are the monitor\'s reading of "upon receiving" and "promptly", override them if counsel reads them otherwise.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
    notices: [
      { kind: 'detainer_copy', after: 'detainer.lodged', withinHours: 24, to: ['person'], citation: 'Cal. Gov. Code 7283.1(a): a copy of the detainer' },
      { kind: 'compliance_intent', after: 'detainer.lodged', withinHours: 24, to: ['person'], citation: 'Cal. Gov. Code 7283.1(a): whether the jail will comply' },
      { kind: 'interview_consent', after: 'ice_contact.interview_requested', withinHours: 0, to: ['person'], citation: 'Cal. Gov. Code 7283.1(a): written consent form before an ICE interview' },
      {
        kind: 'release_information',
        after: 'ice_contact.release_date_shared',
        withinHours: 24,
        to: ['person', 'attorney'],
        citation: 'Cal. Gov. Code 7283.1(b): release information given to ICE, in writing to the person and their attorney',
      },
    ],
  },
};
