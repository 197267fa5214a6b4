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
      rule: 'law enforcement shall not detain an individual on the basis of a hold request',
      source: 'https://leginfo.legislature.ca.gov/faces/billCompareClient.xhtml?bill_id=202320240AB2641 (a bill to override 7282.5 and 7284.6 "detaining an individual on the basis of a hold request")',
      verified: false,
      note: 'The section\'s own text was not read; the prohibition is inferred from a later bill that would override it and the Attorney General\'s bulletin DLE-2018-01 (title only read).',
    },
    {
      cite: 'Cal. Gov. Code 7282.5',
      rule: 'release dates and transfers only for people with listed convictions (serious or violent felonies, felonies punishable by state prison, listed offences within 5 or 15 years, registrants)',
      source: 'https://app.legiplex.com/ca/legislature/2017/2017-r/bills/ab2931/drafts-compare (digest of existing law)',
      verified: false,
      note: 'Read only a bill digest summarising it; not modelled: the preset allows release dates only while a detainer may hold. Classes ca_serious_or_violent_felony, ca_state_prison_felony, ca_7282_5_listed_offense, ca_registrant are reserved for it.',
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
      { kind: 'release_information', after: 'ice_contact.release_date_shared', withinHours: 24, to: ['person', 'attorney'], citation: 'Cal. Gov. Code 7283.1(b): release information given to ICE, in writing to the person and their attorney' },
    ],
  },
};
