import { HOLDING_FORMS, type Preset } from './types.js';

/** Colorado (C.R.S. 24-76.6-101 ff., HB 19-1124): no arrest or detention on a civil immigration detainer. */
export const US_CO: Preset = {
  id: 'us-co',
  name: 'Colorado: no arrest on a civil immigration detainer',
  jurisdiction: 'Colorado',
  summary:
    'A civil immigration detainer (any ICE request to keep a person past eligibility for release, an ICE "warrant for arrest of alien" included) holds no one: only a warrant a federal judge or magistrate issued can. A release date only then (a protective default; the law on it was not read).',
  citations: [
    {
      cite: 'C.R.S. 24-76.6-101(1), (2)',
      rule: 'a "civil immigration detainer" is a written request by federal immigration authorities to keep a person past eligibility for release, including a "warrant for arrest of alien" or "warrant of removal/deportation on any form promulgated by federal immigration enforcement authorities"',
      source:
        'https://e.casetext.com/statute/colorado-revised-statutes/title-24-government-state/restrictions-on-public-benefits/article-766-prioritizing-state-enforcement-of-civil-immigration-law/section-24-766-101-definitions',
      verified: true,
      note: 'Definitions read as quoted (text current through the 5 November 2024 election).',
    },
    {
      cite: 'C.R.S. 24-76.6-102(2), (3)',
      rule: 'a law enforcement officer shall not arrest or detain an individual on the basis of a civil immigration detainer request; cooperation is allowed in executing a warrant issued by a federal judge or magistrate',
      source:
        "http://www.leg.colorado.gov/bills/hb19-1124 (the General Assembly's summary of the act as enacted); https://www.chaffeema.com/immigrant-rights/relevant-info-for-carolina-suarez-estrada-darwin-arriche-sierra (quotes 102(2)); Nash v. Mikesell, 2024 COA 68",
      verified: false,
      note: "The section's own text was not read: only the legislature's bill summary, a page quoting subsection (2), and the Court of Appeals' summary in Nash v. Mikesell. SB 25-276 (2025) amended the article and was not read.",
    },
    {
      cite: 'Release dates (no citation)',
      rule: 'release date only while a detainer may hold (if_criteria)',
      source: 'not read',
      verified: false,
      note: 'No Colorado text on telling ICE a jail release date was read (24-76.6-103 on probation information and SB 25-276 were seen only in summaries). if_criteria is a protective default; override if counsel reads the law otherwise.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
  },
};
