import { HOLDING_FORMS, type Preset } from './types.js';

/**
 * Oregon (ORS 181A.820 to 181A.829, the Sanctuary Promise Act of 2021): no public resources for
 * detaining or holding anyone for immigration enforcement, and no release date given to a federal
 * immigration authority. Only a judicial warrant is let hold, and only by a reading (see the note).
 */
export const US_OR: Preset = {
  id: 'us-or',
  name: 'Oregon sanctuary law (ORS 181A.820 ff.)',
  jurisdiction: 'Oregon',
  summary:
    'No one is detained or held for immigration enforcement, whatever the form: only a judicial warrant is let hold, by a reading of ORS 181A.820 the monitor cannot check. A release date is never given to a federal immigration authority (a judicial subpoena is outside the monitor).',
  citations: [
    {
      cite: 'ORS 181A.826(1)',
      rule: 'public facilities, moneys, equipment or personnel may not be used for "detaining or holding individuals for immigration enforcement": a civil detainer holds no one',
      source: 'https://www.lawserver.com/law/state/oregon/or-statutes/oregon_statutes_181a-826',
      verified: true,
      note: 'Text read: "Public facilities, property, moneys, equipment, technology or personnel may not be used for the purpose of investigating, detecting, apprehending, arresting, detaining or holding individuals for immigration enforcement."',
    },
    {
      cite: 'ORS 181A.820 (2021 text, subsections (2) and (5))',
      rule: 'a judicial warrant may hold: an agency "may arrest" a person charged by the United States with a listed federal immigration crime and subject to a warrant of arrest issued by a federal magistrate',
      source:
        'https://getpocketlaw.com/law/state_oregon/section-181a-820-enforcement-of-federal-immigration-laws-civil-action-for-violation_ba470581306b; https://oregon.public.law/statutes/ors_181A.820 (the 2019 text, then subsection (3))',
      verified: false,
      note: 'The text was read, but it is narrower than the rule: it allows an arrest on a federal magistrate\'s warrant for the crimes it lists (Title II of the INA, 18 U.S.C. 1015, 1422 to 1429, 1505). The monitor knows only that a warrant is judicial, not what crime it is for, so letting any judicial warrant hold is a reading for counsel to confirm. It pulls against ORS 181A.826(3)(a), which has any request "other than a judicial subpoena" declined.',
    },
    {
      cite: 'ORS 181A.826(2)(b)(A), (3)(a); ORS 181A.823(1)(c)',
      rule: 'no release date: providing a release date is assisting immigration enforcement, and a request other than a judicial subpoena is declined and documented',
      source: 'https://www.lawserver.com/law/state/oregon/or-statutes/oregon_statutes_181a-826; https://lawserver.com/law/state/oregon/or-statutes/oregon_statutes_181a-823',
      verified: false,
      note: 'ORS 181A.826(2)(b)(A) and (3)(a) were read ("custody status, release date ... except as provided in ORS 181A.823"; "shall decline the request and document"). The exceptions of ORS 181A.823(1)(c) were read only to (A), "a judicial subpoena issued as part of a court proceeding"; the rest of the list was not, so the rule "never" may be stricter than the law.',
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'never',
  },
};
