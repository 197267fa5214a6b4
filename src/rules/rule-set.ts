/**
 * A jurisdiction's rule set: what a facility's dated rules add to the per-form authority
 * (authority.ts) so that the law of the place can be written down as data. Per form, the
 * criteria under which a detainer may hold the person; a charge-code table that gives charges
 * their classes; which of ICE's own discretion cases go to a supervisor; and whether the jail
 * may tell ICE a release date. Pure: plain TypeScript only.
 */
import type { DetainerForm } from '../clock/hold-clock.js';
import type { ChargeClassRow, Flag } from './classes.js';

/** One condition a detainer's case may meet. */
export type Criterion =
  | { kind: 'judicial_warrant' }
  /** A current (not dismissed, not acquitted) charge of this booking in one of the classes. */
  | { kind: 'charge'; classes: string[] }
  /** A conviction in one of the classes (prior, or of this booking), within `withinYears` of the instant judged if given. */
  | { kind: 'conviction'; classes: string[]; withinYears?: number }
  /** The jail recorded that the detainer states a final order of removal (flag `final_order_of_removal`). */
  | { kind: 'final_order' }
  | { kind: 'flag'; flag: Flag };

export const CRITERION_KINDS = ['judicial_warrant', 'charge', 'conviction', 'final_order', 'flag'] as const;

/**
 * When a detainer of a form may hold: every criterion of `allOf`, and at least one of `anyOf`
 * (an empty `anyOf` asks for nothing more). A form without criteria holds as its authority says.
 */
export interface FormCriteria {
  allOf: Criterion[];
  anyOf: Criterion[];
}

/** ICE's own discretion (2011 Secure Communities reforms) that sends a detainer to a supervisor. */
export const REVIEW_TRIGGERS = ['minor_traffic_only', 'victim_or_witness', 'claims_us_citizenship'] as const;
export type ReviewTrigger = (typeof REVIEW_TRIGGERS)[number];

export const DISCLOSURES = ['always', 'if_criteria', 'never'] as const;
export type Disclosure = (typeof DISCLOSURES)[number];

/** What makes a notice to the person due: a detainer received, or an ICE contact of that kind logged. */
export const NOTICE_AFTER = ['detainer.lodged', 'ice_contact.interview_requested', 'ice_contact.release_date_shared'] as const;
export type NoticeAfter = (typeof NOTICE_AFTER)[number];
export const NOTICE_RECIPIENTS = ['person', 'attorney'] as const;

/** A notice the person (and whoever else is named) must be given, within so many hours of the event that makes it due (0: at once). */
export interface NoticeRule {
  kind: string;
  after: NoticeAfter;
  withinHours: number;
  to: Array<(typeof NOTICE_RECIPIENTS)[number]>;
  citation?: string;
}

/** How long a facility has to acknowledge and to close a complaint (defaults: 72 hours, 30 days). */
export interface ComplaintDeadlines {
  acknowledgeHours: number;
  closeDays: number;
}
export const DEFAULT_COMPLAINT_DEADLINES: ComplaintDeadlines = { acknowledgeHours: 72, closeDays: 30 };

export interface RuleSet {
  /** Per form; a form not named has no criteria. */
  criteria?: Partial<Record<DetainerForm, FormCriteria>> | null;
  /** Charge codes (a trailing `*` matches a prefix) and the classes they give. */
  chargeClasses?: ChargeClassRow[];
  /** The discretion cases that need a supervisor's decision (default none). */
  review?: ReviewTrigger[];
  /** Whether the jail may tell ICE a release date (default `always`, as before rule sets). */
  disclosure?: Disclosure;
  /** Notices due to the person (default none). */
  notices?: NoticeRule[];
  /** Complaint deadlines (default DEFAULT_COMPLAINT_DEADLINES). */
  complaintDeadlines?: ComplaintDeadlines;
}
