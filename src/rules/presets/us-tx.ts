import type { Preset } from './types.js';

/**
 * Texas (SB 4 of 2017, C.C.P. art. 2.251, recodified from 1 January 2025): an agency shall comply
 * with, honor and fulfil ICE's detainer request, except for a person who has proved US citizenship
 * or lawful status. The monitor cannot weigh proof, so a claim of citizenship goes to a supervisor.
 */
export const US_TX: Preset = {
  id: 'us-tx',
  name: 'Texas SB 4 (C.C.P. art. 2.251)',
  jurisdiction: 'Texas',
  summary:
    'Every detainer form but the I-247N holds, 48 hours counted on business days: the law requires honouring ICE detainer requests. A person who claims US citizenship or lawful status waits for a supervisor (proof excuses the duty). A release date may be shared.',
  citations: [
    {
      cite: 'Tex. Code Crim. Proc. art. 2.251(a), (b) (SB 4, 2017)',
      rule: 'an agency with custody of a person subject to an ICE detainer request "shall comply with, honor, and fulfill any request made in the detainer request" and tell the person; not required for a person who "has provided proof" of US citizenship or lawful immigration status',
      source: 'https://www.lawserver.com/law/state/texas/tx-codes/texas_code_of_criminal_procedure_2-251',
      verified: true,
      note: 'Text read as quoted; the source marks it "Text of article effective until January 01, 2025". The proof (b) names includes "a Texas driver\'s license or similar government-issued identification": a supervisor reviewing a claim of citizenship decides on it. Not modelled: the duty to tell the person they are held on a detainer request.',
    },
    {
      cite: 'Tex. Code Crim. Proc., recodified article (from 1 January 2025)',
      rule: 'the same duty under its new number',
      source: 'https://capitol.texas.gov/tlodocs/88R/billtext/html/HB04504E.htm (HB 4504 of 2023, engrossed: contents only)',
      verified: false,
      note: 'Chapter 2 was recodified by HB 4504 (2023) effective 1 January 2025. The engrossed bill\'s contents list "Art. 2A.060. IMMIGRATION DETAINER REQUESTS" in Chapter 2A, Subchapter B; the enrolled text and the article\'s wording were not read, so neither the number nor any change of wording is confirmed.',
    },
    {
      cite: '8 CFR 287.7(d)',
      rule: 'at most 48 hours excluding weekends and holidays',
      source: 'https://nortontooby.com/content/detention-habeas-where-48-hours-passed (quotes the regulation)',
      verified: true,
      note: 'Text quoted. Art. 2.251 asks to fulfil "any request made in the detainer request"; ICE\'s guidance reads the I-247A as 48 hours with no exclusion of weekends, see federal-i247a-calendar.',
    },
  ],
  rules: { policy: 'federal-48-business-hours', holdHours: 48, review: ['claims_us_citizenship'], disclosure: 'always' },
};
