import { HOLDING_FORMS, type Preset } from './types.js';
import type { FormCriteria } from '../rule-set.js';

/**
 * Connecticut (C.G.S. 54-192h, the TRUST Act, as amended by P.A. 19-20): a civil immigration
 * detainer may hold only with a judicial warrant, a conviction of a class A or B felony, or a
 * terrorist screening match. Subsection (b) as amended was NOT read: see the citations.
 */
const CRITERIA: FormCriteria = {
  allOf: [],
  anyOf: [{ kind: 'judicial_warrant' }, { kind: 'conviction', classes: ['class_a_felony', 'class_b_felony'] }, { kind: 'flag', flag: 'terrorist_screening_match' }],
};

export const US_CT: Preset = {
  id: 'us-ct',
  name: 'Connecticut TRUST Act (C.G.S. 54-192h, P.A. 19-20)',
  jurisdiction: 'Connecticut',
  summary:
    'A civil immigration detainer (which includes an ICE administrative warrant and an I-247A) may hold only with a warrant a judicial officer signed, a conviction of a class A or B felony, or a terrorist screening match; 48 business hours. Release dates only then. The conditions were not read in the amended text.',
  citations: [
    {
      cite: 'C.G.S. 54-192h(a)(1), (2) as amended by P.A. 19-20',
      rule: 'an "administrative warrant" (warrant, notice to appear, removal order or warrant of deportation issued by an immigration agent) "does not include a warrant issued or signed by a judicial officer"; a "civil immigration detainer" is a request to detain, to facilitate arrest or transfer, or to notify the release date and time, including through DHS Form I-247A',
      source:
        'https://app.legiplex.com/ct/legislature/2019/2019-r/bills/sb00992/draft-568791 (P.A. 19-20 as chaptered); https://getpocketlaw.com/law/state_connecticut/section-54-192h-civil-immigration-detainers_d644beaa0df2 (the codified section)',
      verified: true,
      note: 'Definitions read as quoted, in the Public Act and the codified section.',
    },
    {
      cite: 'C.G.S. 54-192h(b)(1)(A) as replaced by P.A. 19-23, section 2',
      rule: 'no arrest or detention on a civil immigration detainer unless it is accompanied by a warrant issued by a judicial officer, or the person has been convicted of a class A or B felony, or is a possible match in the federal Terrorist Screening Database',
      source:
        'https://fastdemocracy.com/bill-summary/?billsummary_id=CTB00032885&billsummary_session=2025&billsummary_state=ct (2025 bills describing the law they would change); https://www.legalfix.com/statutes/state-codes/connecticut/title-54/chapter-965/section-54-192h (the text before 2019)',
      verified: false,
      note: 'P.A. 19-23 (SB 1115 of 2019) replaced subsections (b) and (c) as amended by P.A. 19-20. Its clause (i) was read (app.legiplex.com, SB 1115 as chaptered): no officer shall "Arrest or detain an individual pursuant to a civil immigration detainer unless (i) the detainer is accompanied by a warrant issued or signed by a judicial officer"; clauses (ii) and (iii) were not (the copy stops there). The class A or B felony and terrorist-screening conditions rest on the Governor\'s 2019 summary ("the most serious felonies ... the terrorist watch list"). UNDER REVIEW: a 2025 amendment reportedly adds listed class C and D felony convictions (sexual assault in the second and third degree, strangulation, kidnapping, robbery in the first and second degree and others). Press reports (ctpublic.org, 3 September 2025) named HB 7212, the Judiciary Committee\'s "Act concerning the Trust Act"; the Senate Democrats\' release names H.B. 7259 ("An Act Concerning Revisions to Various Statutes Concerning Criminal Justice"), passed by the Senate 25-11 and sent to the Governor. Neither enacted text was read, so the added felonies are not modelled.',
    },
    {
      cite: 'C.G.S. 54-192h (2013 text), 48-hour limit',
      rule: 'at most 48 hours, excluding Saturdays, Sundays and federal holidays; release if ICE has not taken custody',
      source: 'https://prdext3.cga.ct.gov/2013/SUM/2013SUM00155-R02HB-06659-SUM.htm (Office of Legislative Research summary of the 2013 act)',
      verified: false,
      note: "Read in the legislature's summary of the original act, not in the section's text.",
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, CRITERIA])),
    disclosure: 'if_criteria',
  },
};
