import { z } from 'zod';
import { canonicalTimeZone, DETAINER_FORMS, POLICIES, WARRANT_KINDS } from '../clock/hold-clock.js';
import { COUNTINGS, type FormAuthority } from '../rules/authority.js';
import { INSTANT_HINT, parseInstant } from '../common/instant.js';
import { required } from '../common/zod-validation.js';
import { FLAGS, KNOWN_CLASSES, type ChargeClassRow } from '../rules/classes.js';
import { DISCLOSURES, NOTICE_AFTER, NOTICE_RECIPIENTS, REVIEW_TRIGGERS, type FormCriteria, type NoticeRule, type RuleSet } from '../rules/rule-set.js';
import { PRESETS, presetById } from '../rules/presets/index.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (d: string) => ISO_DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

export const FACILITY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const HOURS = 'must be a whole number of hours from 1 to 720';
/** What one form authorises: a hold with its limit and counting, notification only, or nothing. */
const formAuthority = z.discriminatedUnion(
  'authority',
  [
    z.strictObject({
      authority: z.literal('hold'),
      limitHours: z.number({ error: HOURS }).int(HOURS).min(1, HOURS).max(720, HOURS),
      counting: z.enum(COUNTINGS, { error: `must be one of ${COUNTINGS.join(', ')}` }),
    }),
    z.strictObject({ authority: z.literal('notify_only') }),
    z.strictObject({ authority: z.literal('none') }),
  ],
  { error: 'must be {"authority": "hold", "limitHours", "counting"}, {"authority": "notify_only"} or {"authority": "none"}' },
);
const forms = z.partialRecord(z.enum(DETAINER_FORMS, { error: `each key must be a form: ${DETAINER_FORMS.join(', ')}` }), formAuthority).superRefine((f, ctx) => {
  if (f['I-247N'] && f['I-247N'].authority === 'hold') ctx.addIssue({ code: 'custom', path: ['I-247N'], message: 'an I-247N asks for notification only and can never authorise a hold' });
}) as unknown as z.ZodType<Partial<Record<(typeof DETAINER_FORMS)[number], FormAuthority>>>;

const className = z.string({ error: 'must be a class name' }).refine((c) => KNOWN_CLASSES.includes(c), { message: `must be a known class: ${KNOWN_CLASSES.join(', ')}` });
const classList = z.array(className, { error: 'must be an array of class names' }).min(1, 'must name at least one class').max(20, 'at most 20 classes');
/** One criterion (src/rules/rule-set.ts). */
const criterion = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('judicial_warrant') }),
    z.strictObject({ kind: z.literal('charge'), classes: classList }),
    z.strictObject({
      kind: z.literal('conviction'),
      classes: classList,
      withinYears: z
        .number({ error: 'must be a whole number of years from 1 to 100' })
        .int('must be a whole number of years from 1 to 100')
        .min(1, 'must be a whole number of years from 1 to 100')
        .max(100, 'must be a whole number of years from 1 to 100')
        .optional(),
    }),
    z.strictObject({ kind: z.literal('final_order') }),
    z.strictObject({ kind: z.literal('flag'), flag: z.enum(FLAGS, { error: `must be one of ${FLAGS.join(', ')}` }) }),
  ],
  { error: 'must have a kind: judicial_warrant, charge, conviction, final_order or flag' },
);
const formCriteria = z.strictObject({
  allOf: z.array(criterion, { error: 'must be an array of criteria' }).max(20, 'at most 20 criteria').default([]),
  anyOf: z.array(criterion, { error: 'must be an array of criteria' }).max(20, 'at most 20 criteria').default([]),
});
const criteria = z.partialRecord(z.enum(DETAINER_FORMS, { error: `each key must be a form: ${DETAINER_FORMS.join(', ')}` }), formCriteria).superRefine((c, ctx) => {
  if (c['I-247N']) ctx.addIssue({ code: 'custom', path: ['I-247N'], message: 'an I-247N asks for notification only: criteria for holding do not apply' });
}) as unknown as z.ZodType<Partial<Record<(typeof DETAINER_FORMS)[number], FormCriteria>>>;
const chargeClasses = z
  .array(
    z.strictObject({
      code: z.string({ error: 'must be a charge code, or a prefix ending in *' }).trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
      classes: classList,
    }),
    { error: 'must be an array of {"code", "classes"}' },
  )
  .max(5000, 'at most 5000 rows') as unknown as z.ZodType<ChargeClassRow[]>;

const noticeRules = z
  .array(
    z.strictObject({
      kind: z
        .string({ error: 'must name the notice, e.g. detainer_copy' })
        .trim()
        .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits and _ (at most 64)'),
      after: z.enum(NOTICE_AFTER, { error: `must be one of ${NOTICE_AFTER.join(', ')}` }),
      withinHours: z.number({ error: 'must be a number of hours from 0 to 720' }).min(0, 'must be a number of hours from 0 to 720').max(720, 'must be a number of hours from 0 to 720'),
      to: z
        .array(z.enum(NOTICE_RECIPIENTS, { error: `must be one of ${NOTICE_RECIPIENTS.join(', ')}` }), { error: 'must be an array of recipients' })
        .min(1, 'must name at least one recipient')
        .max(2),
      citation: z.string({ error: 'must be a string' }).max(300, 'must be at most 300 characters').optional(),
    }),
    { error: 'must be an array of {"kind", "after", "withinHours", "to"}' },
  )
  .max(20, 'at most 20 notices')
  .superRefine((ns, ctx) => {
    const seen = new Set<string>();
    ns.forEach((n, i) => {
      if (seen.has(n.kind)) ctx.addIssue({ code: 'custom', path: [i, 'kind'], message: `"${n.kind}" is named twice` });
      seen.add(n.kind);
    });
  }) as unknown as z.ZodType<NoticeRule[]>;
const complaintDeadlines = z.strictObject({
  acknowledgeHours: z
    .number({ error: 'must be a whole number of hours from 1 to 720' })
    .int('must be a whole number of hours from 1 to 720')
    .min(1, 'must be a whole number of hours from 1 to 720')
    .max(720, 'must be a whole number of hours from 1 to 720'),
  closeDays: z
    .number({ error: 'must be a whole number of days from 1 to 365' })
    .int('must be a whole number of days from 1 to 365')
    .min(1, 'must be a whole number of days from 1 to 365')
    .max(365, 'must be a whole number of days from 1 to 365'),
});

/** The rule-set fields (src/rules/rule-set.ts), top level or in a preset's `rules` overrides. */
export const ruleSetFields = {
  criteria: criteria.optional(),
  chargeClasses: chargeClasses.optional(),
  review: z
    .array(z.enum(REVIEW_TRIGGERS, { error: `must be one of ${REVIEW_TRIGGERS.join(', ')}` }), { error: 'must be an array of review triggers' })
    .max(REVIEW_TRIGGERS.length)
    .optional(),
  disclosure: z.enum(DISCLOSURES, { error: `must be one of ${DISCLOSURES.join(', ')}` }).optional(),
  notices: noticeRules.optional(),
  complaintDeadlines: complaintDeadlines.optional(),
};

const hours = z
  .number({ error: 'must be a whole number of hours from 1 to 720' })
  .int('must be a whole number of hours from 1 to 720')
  .min(1, 'must be a whole number of hours from 1 to 720')
  .max(720, 'must be a whole number of hours from 1 to 720');
/** Overrides of a preset's rules. */
const ruleOverrides = z.strictObject({
  policy: z.enum(POLICIES, { error: `must be one of ${POLICIES.join(', ')}` }).optional(),
  holdHours: hours.optional(),
  requireJudicialWarrant: z.boolean({ error: 'must be true or false' }).optional(),
  forms: forms.optional(),
  ...ruleSetFields,
});

export const facilityBody = z
  .object({
    name: z
      .string({ error: required('must be a string') })
      .trim()
      .min(1, 'must not be empty')
      .max(300, 'must be at most 300 characters'),
    timeZone: z
      .string({ error: required('must be an IANA time zone such as America/Chicago') })
      .refine((z) => canonicalTimeZone(z) !== null, { message: 'must be an IANA time zone such as America/Chicago' })
      .transform((z) => canonicalTimeZone(z)!),
    /** Required unless a preset gives it. */
    policy: z.enum(POLICIES, { error: required(`must be one of ${POLICIES.join(', ')}`) }).optional(),
    holdHours: hours.optional(),
    extraHolidays: z
      .array(z.string().refine(isRealDate, { message: 'must be a date YYYY-MM-DD' }), { error: 'must be an array of dates YYYY-MM-DD' })
      .max(1000, 'at most 1000 dates')
      .default([])
      .transform((ds) => [...new Set(ds)].sort()),
    requireJudicialWarrant: z.boolean({ error: 'must be true or false' }).optional(),
    warnBeforeHours: z
      .array(z.number().positive('must be positive').max(720, 'at most 720'), { error: 'must be an array of hours, e.g. [12, 4, 1]' })
      .max(10, 'at most 10 thresholds')
      .default([12, 4, 1])
      .transform((hs) => [...new Set(hs)].sort((a, b) => b - a)),
    forms: forms.optional(),
    releaseProcessingMinutes: z
      .number({ error: 'must be a whole number of minutes from 0 to 1440' })
      .int('must be a whole number of minutes from 0 to 1440')
      .min(0, 'must be a whole number of minutes from 0 to 1440')
      .max(1440, 'must be a whole number of minutes from 0 to 1440')
      .default(0),
    agencyAliases: z
      .array(z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'), { error: 'must be an array of agency names' })
      .max(50, 'at most 50 names')
      .default([]),
    escalateAfterMinutes: z
      .number({ error: 'must be a whole number of minutes from 1 to 10080' })
      .int('must be a whole number of minutes from 1 to 10080')
      .min(1, 'must be a whole number of minutes from 1 to 10080')
      .max(10080, 'must be a whole number of minutes from 1 to 10080')
      .default(60),
    ...ruleSetFields,
    /** A preset to start from (GET /api/rule-presets); `rules` overrides any of its rules. */
    preset: z
      .string({ error: 'must be a preset id' })
      .refine((id) => presetById(id) !== undefined, { message: `must be one of ${PRESETS.map((p) => p.id).join(', ')}` })
      .optional(),
    rules: ruleOverrides.optional(),
    /** From when these rules apply; absent: since always for a new facility, from now for a change. */
    effectiveFrom: z
      .string({ error: `must be ${INSTANT_HINT}` })
      .refine((v) => parseInstant(v) !== null, { message: `must be ${INSTANT_HINT}` })
      .transform((v) => parseInstant(v)!)
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.policy === undefined && b.rules?.policy === undefined && b.preset === undefined)
      ctx.addIssue({ code: 'custom', path: ['policy'], message: `is required (or a preset): one of ${POLICIES.join(', ')}` });
  });

export type FacilityBody = z.infer<typeof facilityBody>;

export interface PolicyVersionView {
  effectiveFrom: string | null;
  timeZone: string;
  /** What each form authorises under this version (the policy's defaults with the facility's overrides). */
  forms: Record<string, FormAuthority>;
  /** The overrides as configured (null: none). */
  formOverrides: Partial<Record<string, FormAuthority>> | null;
  releaseProcessingMinutes: number;
  agencyAliases: string[];
  policy: string;
  holdHours: number;
  extraHolidays: string[];
  requireJudicialWarrant: boolean;
  warnBeforeHours: number[];
  escalateAfterMinutes: number;
  /** The rule set in force under this version (null: none). */
  ruleSet: RuleSet | null;
}

export interface FacilityView extends Omit<PolicyVersionView, 'effectiveFrom' | 'timeZone'> {
  /** The preset the rules in force start from (null: none), whether every rule of it was checked against the law, and why not. */
  preset: { id: string; name: string; verified: boolean; unverified: string[] } | null;
  /** The facility's overrides of its preset, as sent (null: none). */
  rules: object | null;
  id: string;
  name: string;
  timeZone: string;
  /** The version in force now, and when it took effect (null: since always). */
  effectiveFrom: string | null;
  policyHistory: PolicyVersionView[];
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/facilities/:id/deadline`: a deadline worked out ahead. */
export const deadlineQuery = z
  .object({
    /** When the person would become eligible for release; default now. */
    releaseEligibleAt: z
      .string()
      .refine((v) => parseInstant(v) !== null, { message: `must be ${INSTANT_HINT}` })
      .transform((v) => parseInstant(v)!)
      .optional(),
    form: z.enum(DETAINER_FORMS, { error: `must be one of ${DETAINER_FORMS.join(', ')}` }).default('I-247A'),
    warrant: z.enum(WARRANT_KINDS, { error: `must be one of ${WARRANT_KINDS.join(', ')}` }).optional(),
  })
  .strict();

export type DeadlineQuery = z.infer<typeof deadlineQuery>;

export interface DeadlineView {
  facilityId: string;
  timeZone: string;
  releaseEligibleAt: string;
  releaseEligibleLocal: string;
  form: string;
  warrant: string | null;
  /** The rules in force at releaseEligibleAt, as a hold starting then is judged. */
  policy: string;
  holdHours: number;
  requireJudicialWarrant: boolean;
  extraHolidays: string[];
  policyEffectiveFrom: string | null;
  authorisesHold: boolean;
  /** What the form authorises under those rules (the facility's per-form setting): hold, notify_only or none, and why not. */
  authority: string;
  authorityReasons: string[];
  limitHours: number | null;
  counting: string | null;
  deadlineAt: string;
  deadlineLocal: string;
  /** Real time from the clock's start to the deadline. */
  holdSeconds: number;
  excludedDays: Array<{ date: string; reason: string }>;
  explanation: string[];
}

/** `GET /api/facilities/:id/calendar`: the days a hold's business-hours count skips in a year. */
export const calendarQuery = z
  .object({
    year: z.coerce
      .number({ error: 'must be a year from 1900 to 2200' })
      .int('must be a year from 1900 to 2200')
      .min(1900, 'must be a year from 1900 to 2200')
      .max(2200, 'must be a year from 1900 to 2200')
      .optional(),
  })
  .strict();

export type CalendarQuery = z.infer<typeof calendarQuery>;

export interface CalendarView {
  facilityId: string;
  timeZone: string;
  year: number;
  /** The rules in force now, which a hold starting now is judged by. */
  policy: string;
  holdHours: number;
  /** Whether these days stop the count (only under federal-48-business-hours; other policies count every hour). */
  skipsThem: boolean;
  days: Array<{ date: string; weekday: string; reason: string }>;
}

export interface FacilityChangeView {
  id: string;
  changedAt: string;
  /** The API key that made the change, by its id and its name at the time. */
  by: { keyId: string; name: string };
  /** The facility as GET answered before the change (null: it was created), and after. */
  before: object | null;
  after: object;
}
