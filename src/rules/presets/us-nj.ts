import { HOLDING_FORMS, type Preset } from './types.js';
import type { FormCriteria } from '../rule-set.js';

/**
 * New Jersey (Attorney General Law Enforcement Directive 2018-6, the Immigrant Trust Directive, as
 * revised in 2019): a detainer may be honoured for a person currently charged with or ever
 * convicted of a violent or serious offense (the Directive's Appendix A), convicted of another
 * indictable crime within five years, or under a final order of removal; a judicial warrant is
 * complied with. The Directive's own text was not read: see the citations.
 */
const CRITERIA: FormCriteria = {
  allOf: [],
  anyOf: [
    { kind: 'judicial_warrant' },
    { kind: 'charge', classes: ['nj_violent_or_serious_offense'] },
    { kind: 'conviction', classes: ['nj_violent_or_serious_offense'] },
    { kind: 'conviction', classes: ['nj_indictable_crime'], withinYears: 5 },
    { kind: 'final_order' },
  ],
};

export const US_NJ: Preset = {
  id: 'us-nj',
  name: 'New Jersey Immigrant Trust Directive',
  jurisdiction: 'New Jersey',
  summary:
    "A detainer may hold a person currently charged with, or ever convicted of, a violent or serious offense (Appendix A), or convicted of another indictable crime in the past five years, or under a final order of removal; a judicial warrant holds. Release dates under the same conditions. Read from the Attorney General's own summaries, not the Directive's text.",
  citations: [
    {
      cite: 'AG Directive 2018-6 (Immigrant Trust Directive, rev. 2019), notice and detention conditions',
      rule: 'notice of release (and a detainer) only for a person currently charged with or ever convicted of a violent or serious offense as the Directive defines it, or convicted of any other indictable crime within the past five years; notice also in compliance with a valid judicial warrant or other court order',
      source:
        'https://www.njoag.gov/attorney-general-grewal-releases-immigrant-trust-directive-annual-reporting-data-for-2019/ (the Attorney General\'s account of the conditions); https://viewer.joomag.com/the-nj-police-chief-magazine-volume-31-number-7/0079066001742829272/p9 (the AG\'s officer resource guide: "Comply with judicial warrants")',
      verified: false,
      note: 'The Directive\'s text (its detainer section and Appendix A) was not read; the conditions come from the Attorney General\'s 2020 release describing it and the officer resource guide. Whether the same conditions govern continued detention, how long a permitted detention may last, and what the 2019 revision changed were not checked. Map Appendix A offences to nj_violent_or_serious_offense and indictable crimes (1st to 4th degree) to nj_indictable_crime; a bare "felony" class is not read as indictable.',
    },
    {
      cite: 'AG Directive 2018-6, final order of removal',
      rule: 'a final order of removal lets a detainer hold (the jail sets the flag final_order_of_removal)',
      source: 'not read',
      verified: false,
      note: 'Taken from secondary accounts of the Directive (a final order "signed by a federal judge"); not read in any text. The monitor cannot tell who signed the order: set the flag only for an order counsel accepts.',
    },
    {
      cite: '8 CFR 287.7(d)',
      rule: 'where a hold is allowed, at most 48 hours excluding weekends and holidays',
      source: 'https://nortontooby.com/content/detention-habeas-where-48-hours-passed (quotes the regulation)',
      verified: true,
      note: 'Text quoted: "shall maintain custody of the alien for a period not to exceed 48 hours, excluding Saturdays, Sundays, and holidays". A shorter limit in the Directive, if any, is not modelled.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, CRITERIA])),
    disclosure: 'if_criteria',
  },
};
