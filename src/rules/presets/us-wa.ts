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
      source: 'https://atg.wa.gov/index.php/keep-washington-working-act-faq-law-enforcement; https://defensenet.org/keep-washington-working-act/',
      verified: false,
      note: "The section's own text was not read: only the Attorney General's FAQ and secondary summaries (\"administrative immigration warrants will not be enforced\"), and a county policy implementing it. Looked for again (December 2026): RCW 43.17.420's definitions name 10.93.160 among the sections they serve, but 10.93.160 itself was not found.",
    },
  ],
  rules: {
    policy: 'federal-48-business-hours',
    holdHours: 48,
    criteria: Object.fromEntries(HOLDING_FORMS.map((f) => [f, { allOf: [{ kind: 'judicial_warrant' as const }], anyOf: [] }])),
    disclosure: 'if_criteria',
  },
};
