import { HOLDING_FORMS, type Preset } from './types.js';

export const US_CA: Preset = {
  id: 'us-ca',
  name: 'California Values Act and TRUST Act',
  jurisdiction: 'California',
  summary:
    "No one is held on a hold request (a civil detainer); only a judicial warrant can hold. Release dates: only while a detainer may hold. This is not 7282.5's rule, which allows them for listed convictions (not modelled) and names no judicial-warrant exception: counsel should set it.",
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
      source:
        'SB 54 (2017, Stats. 2017 ch. 495) as chaptered, read in a copy of its text held in a public GitHub file (December 2026); AB 2931 (2018) and SB 554 (2025), which would have amended it, died',
      verified: true,
      note: 'Read: (a) "A law enforcement official shall have discretion to cooperate with immigration authorities only if doing so would not violate any federal, state, or local law, or local policy"; release information and transfers "shall only occur" for (1) a serious or violent felony, (2) "a felony punishable by imprisonment in the state prison", (3) listed offences (a wobbler within 5 years, a felony within 15), (4) "a current registrant on the California Sex and Arson Registry", (5) a federal aggravated felony or an outstanding federal felony arrest warrant; (b) a magistrate\'s probable-cause finding on such a charge allows release information only. And 7284.6(a)(1)(C): no release dates "unless that information is available to the public, or is in response to a notification request from immigration authorities in accordance with Section 7282.5. Responses are never required". Not modelled: the preset allows release dates while a judicial warrant holds, which 7282.5 does not name; for a person held on a judicial warrant without a listed conviction the monitor allows what the text may not. Classes ca_serious_or_violent_felony, ca_state_prison_felony, ca_7282_5_listed_offense, ca_registrant are reserved for the list.',
    },
    {
      cite: 'Release dates while a judicial warrant holds (no citation)',
      rule: "the preset's disclosure rule: a release date may be told to ICE while a detainer may hold the person (a judicial warrant)",
      source: 'none: a reading of the monitor, not of the law',
      verified: false,
      note: '7284.6(a)(1)(C) allows release dates only when public or "in accordance with Section 7282.5" (listed convictions, read above); neither names a judicial warrant. Until counsel sets the rule (disclosure, or criteria on the reserved 7282.5 classes), this preset is not verified.',
    },
    {
      cite: 'Cal. Gov. Code 7283.1 (TRUTH Act)',
      rule: 'notice to the person before an ICE interview, and copies of detainers and notification requests',
      source: 'https://self-law.org/code/ca/government-code/7283-1 (an undated research copy, in the gender-neutral wording that postdates 2016)',
      verified: true,
      note: 'Read: (a) "In advance of any interview ... the local law enforcement entity shall provide the individual with a written consent form"; (b) "Upon receiving any ICE hold, notification, or transfer request, the local law enforcement agency shall provide a copy of the request to the individual and inform the individual whether the law enforcement agency intends to comply", and release information given to ICE: "shall promptly provide the same notification in writing to the individual and to the individual\'s attorney or to one additional person who the individual shall be permitted to designate." The text sets no hours: the 24 hours are the monitor\'s reading of "upon receiving" and "promptly" (SB 1364 of 2020, which would have set 24 hours, died); override them if counsel reads them otherwise. Not modelled: a designee in place of an attorney.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
    notices: [
      { kind: 'detainer_copy', after: 'detainer.lodged', withinHours: 24, to: ['person'], citation: 'Cal. Gov. Code 7283.1(b): a copy of the hold, notification or transfer request' },
      { kind: 'compliance_intent', after: 'detainer.lodged', withinHours: 24, to: ['person'], citation: 'Cal. Gov. Code 7283.1(b): whether the jail intends to comply' },
      { kind: 'interview_consent', after: 'ice_contact.interview_requested', withinHours: 0, to: ['person'], citation: 'Cal. Gov. Code 7283.1(a): written consent form before an ICE interview' },
      {
        kind: 'release_information',
        after: 'ice_contact.release_date_shared',
        withinHours: 24,
        to: ['person', 'attorney'],
        citation: 'Cal. Gov. Code 7283.1(b): release information given to ICE, in writing to the person and their attorney (or a person they designate)',
      },
    ],
  },
};
