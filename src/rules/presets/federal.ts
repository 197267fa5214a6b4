import type { Preset } from './types.js';

const CFR = {
  cite: '8 CFR 287.7(d)',
  rule: 'hold at most 48 hours, excluding Saturdays, Sundays and holidays, after the person would otherwise be released',
  source: 'https://www.avvo.com/legal-guides/ugc/immigration-holds-ice-detainers-placed-pursuant-to-8-cfr-2877d (quotes the regulation); https://nortontooby.com/node/15804',
  verified: true,
  note: 'Text quoted: "shall maintain custody of the alien for a period not to exceed 48 hours, excluding Saturdays, Sundays, and holidays in order to permit assumption of custody by the Department."',
};
const REFORMS_2011 = {
  cite: 'ICE, Secure Communities reforms (June 2011)',
  rule: 'detainers on people charged only with minor traffic offences and not convicted, on victims and witnesses of crime, and on people who claim US citizenship go to a supervisor',
  source: 'not read',
  verified: false,
  note: 'The reform announcement and its detainer guidance were not found as text; taken from issue 28. Sent to review, never decided by the monitor.',
};

export const FEDERAL: Preset = {
  id: 'federal',
  name: 'Federal regulation (business hours)',
  jurisdiction: 'United States',
  summary:
    'Every detainer form but the I-247N may hold 48 hours counted on business days (weekends and federal holidays excluded). Discretion cases of the 2011 reforms wait for a supervisor. A release date may be shared.',
  citations: [CFR, REFORMS_2011],
  rules: { policy: 'federal-48-business-hours', holdHours: 48, review: ['minor_traffic_only', 'victim_or_witness', 'claims_us_citizenship'], disclosure: 'always' },
};

export const FEDERAL_I247A_CALENDAR: Preset = {
  id: 'federal-i247a-calendar',
  name: 'Federal, I-247A calendar reading',
  jurisdiction: 'United States',
  variantOf: 'federal',
  summary: 'As federal, but the 48 hours are calendar hours: the I-247A asks to hold the person no longer than 48 hours beyond release, with no exclusion of weekends or holidays.',
  citations: [
    CFR,
    {
      cite: 'DHS Form I-247A (2017 onward)',
      rule: '48 calendar hours beyond the time the person would otherwise be released',
      source: 'https://www.scribd.com/document/343192456/ICE-Guidance-for-Form-I-247A (ICE, "Guidance for Completing Form I-247A", 2017, a copy)',
      verified: true,
      note: 'Read in ICE\'s guidance for the form, not the form itself: when Box 1 is checked the I-247A requests that the agency "maintain custody of the alien for a period not to exceed 48 hours beyond the time he or she would otherwise have been released to allow DHS to assume custody for removal purposes", with no exclusion of weekends or holidays; 8 CFR 287.7(d), which the form rests on, excludes them. Which governs is for counsel: this variant counts calendar hours.',
    },
    REFORMS_2011,
  ],
  rules: { policy: 'calendar-48-hours', holdHours: 48, review: ['minor_traffic_only', 'victim_or_witness', 'claims_us_citizenship'], disclosure: 'always' },
};
