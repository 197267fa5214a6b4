import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Role } from '../auth/api-key.entity.js';
import { mayReadNames, namesOf } from '../auth/personal-data.js';
import { Clock } from '../common/clock.js';
import { toCsv } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { nextQuarter, previousQuarter, quarterLabel, quarterStartDate, type Quarter } from '../common/quarter.js';
import { VIOLATION_REASONS } from '../custody/judge.js';
import { CHARGE_LEVELS, REVIEW_OUTCOMES } from '../custody/review-facts.js';
import { ComplaintsService } from '../complaints/complaints.service.js';
import { NoticesService } from '../notices/notices.service.js';
import { QuarterlyRepository, type QuarterScope, type ReviewCell } from './quarterly.repository.js';
import { codeWords } from '../common/words.js';

export const DISPOSITIONS = ['convicted', 'charged_only'] as const;

/** Median and p90 of the people with some such time (null when none), in whole seconds. */
const dist = (q: number[] | null) => ({ medianSeconds: q ? Math.round(Number(q[0]) / 1000) : null, p90Seconds: q ? Math.round(Number(q[1]) / 1000) : null });
const sec = (ms: unknown) => Math.round(Number(ms ?? 0) / 1000);

export const QUARTERLY_DEFINITIONS = {
  population:
    "people (custody records: one per booking that has or had a detainer) whose first detainer was received in the quarter, in each facility's own calendar (a quarter starts at 00:00 local time of the facility); every figure counts this one population",
  people: 'the number of people in the quarter',
  outcomes:
    "every person in exactly one outcome, the first that fits: in_custody (custody had not ended when the figures were made), transferred (to ICE by name or the facility's aliases: the detainer was honoured), cancelled (every detainer cancelled before custody ended), notify_only (custody ended while every detainer in force was notify-only, I-247N), released (any other end: released, or transferred to an agency other than ICE, with a detainer in force not honoured); the values add up to people",
  byCharge:
    "by the most serious current charge's level (felony, misdemeanor, traffic, infraction, none: no charge sent) and its disposition (convicted: a charge of that level is a conviction; charged_only: none is); adds up to people",
  conviction: 'convicted: any current charge is a conviction; chargedOnly: none is (or no charge was sent); adds up to people',
  trafficOrInfractionOnly: 'yes: every current charge is a traffic offence or an infraction (at least one), none a conviction; adds up to people',
  victimOrWitness: 'yes: the booking is flagged victim or witness (booking.flagged, not unflagged since); adds up to people',
  beyondEligibility:
    'custody after the person was release-eligible: authorised (a detainer covered it), unauthorised (no authority, beyond the release-processing allowance: violations) and processing (the allowance); people with some such time, its total seconds, and the median and 90th percentile over those people; custody still going on counts up to when its record was last judged',
  violationsByReason:
    'people with at least one stretch of unauthorised custody of each reason; a person with stretches of two reasons is counted under both, so these do not add up to people (peopleWithViolation counts each once)',
  reviews: 'detainers of these people that the rule set sent to a supervisor (a discretion case or criteria on facts not on file): needed, still awaiting a decision, decided honour, decided decline',
  iceContacts: "contacts with ICE logged in the quarter (facility calendar), and those the facility's disclosure rule did not allow then",
  complaints:
    "complaints received in the quarter (each facility's calendar), whoever they are about (not only this population): by category, by where they stand now, by finding; acknowledged late and closed late (past the facility's due dates, or still open past them)",
  notices:
    "notices to the person (the facility's rules) made due in the quarter (each facility's calendar): due, served on time, served late, missing (not served and past due) and pending (not served, not yet due); due adds up the other four",
  previous: 'the same figures for the quarter before, counted the same way',
} as const;

@Injectable()
export class QuarterlyService {
  constructor(
    private readonly repo: QuarterlyRepository,
    private readonly complaints: ComplaintsService,
    private readonly notices: NoticesService,
    private readonly clock: Clock,
  ) {}

  /** Complaints received and notices made due in a quarter of each facility's calendar, as the complaint and notice modules count them. */
  private async oversight(facilityId: string | null, q: Quarter) {
    const from = { date: quarterStartDate(q) };
    const to = { date: quarterStartDate(nextQuarter(q)) };
    const [c, n] = await Promise.all([this.complaints.counts({ facilityId, from, to }), this.notices.counts(facilityId, from, to)]);
    const kinds = Object.values(n.byKind);
    const total = (k: 'due' | 'servedOnTime' | 'servedLate' | 'missingLate' | 'pending') => kinds.reduce((a, x) => a + x[k], 0);
    return {
      complaints: { received: c.received, byCategory: c.byCategory, byState: c.byState, byFinding: c.byFinding, acknowledgedLate: c.acknowledgedLate, closedLate: c.closedLate },
      notices: { due: total('due'), servedOnTime: total('servedOnTime'), servedLate: total('servedLate'), missing: total('missingLate'), pending: total('pending'), byKind: n.byKind },
    };
  }

  /** The facilities in scope, each with its quarter's bounds in its own calendar. */
  private async scope(facilityId: string | null, q: Quarter) {
    const rows = await this.repo.facilities(facilityId);
    if (facilityId && rows.length === 0) throw DomainError.notFound(`facility "${facilityId}"`);
    const at = (date: string, zone: string) => DateTime.fromISO(date, { zone });
    const facilities = rows.map((f) => ({
      facilityId: f.id,
      name: f.name,
      timeZone: f.time_zone,
      bounds: [previousQuarter(q), q, nextQuarter(q)].map((x) => at(quarterStartDate(x), f.time_zone)),
    }));
    const scope: QuarterScope = { facilities: facilities.map((f) => ({ id: f.facilityId, previousStart: f.bounds[0].toJSDate(), start: f.bounds[1].toJSDate(), end: f.bounds[2].toJSDate() })) };
    return {
      scope,
      facilities: facilities.map((f) => ({ facilityId: f.facilityId, name: f.name, timeZone: f.timeZone, from: f.bounds[1].toISO(), to: f.bounds[2].toISO() })),
    };
  }

  async report(facilityId: string | null, q: Quarter) {
    const { scope, facilities } = await this.scope(facilityId, q);
    const [cells, pct, contacts, now, before] = await Promise.all([
      this.repo.cells(scope),
      this.repo.percentiles(scope),
      this.repo.contacts(scope),
      this.oversight(facilityId, q),
      this.oversight(facilityId, previousQuarter(q)),
    ]);
    const figures = (cur: boolean) => {
      const mine = cells.filter((c) => c.cur === cur);
      const count = (pick: (c: ReviewCell) => boolean) => mine.reduce((n, c) => n + (pick(c) ? c.n : 0), 0);
      const total = (k: 'authorized_people' | 'authorized_ms' | 'unauthorized_people' | 'unauthorized_ms' | 'processing_people' | 'processing_ms') => mine.reduce((n, c) => n + Number(c[k]), 0);
      const review = (i: number) => mine.reduce((n, c) => n + Number(c.reviews[i]), 0);
      const k = contacts.find((r) => r.cur === cur);
      const yesNo = (pick: (c: ReviewCell) => boolean) => ({ yes: count(pick), no: count((c) => !pick(c)) });
      return {
        people: count(() => true),
        outcomes: Object.fromEntries(REVIEW_OUTCOMES.map((o) => [o, count((c) => c.review_outcome === o)])) as Record<(typeof REVIEW_OUTCOMES)[number], number>,
        byCharge: Object.fromEntries(CHARGE_LEVELS.map((l) => [l, Object.fromEntries(DISPOSITIONS.map((d) => [d, count((c) => c.charge_level === l && c.charge_disposition === d)]))])) as Record<
          (typeof CHARGE_LEVELS)[number],
          Record<(typeof DISPOSITIONS)[number], number>
        >,
        conviction: { convicted: count((c) => c.any_conviction), chargedOnly: count((c) => !c.any_conviction) },
        trafficOrInfractionOnly: yesNo((c) => c.minor_only),
        victimOrWitness: yesNo((c) => c.victim_or_witness),
        beyondEligibility: {
          authorised: { people: total('authorized_people'), seconds: sec(total('authorized_ms')), ...dist(cur ? pct.auth_cur : pct.auth_prev) },
          unauthorised: { people: total('unauthorized_people'), seconds: sec(total('unauthorized_ms')), ...dist(cur ? pct.unauth_cur : pct.unauth_prev) },
          processing: { people: total('processing_people'), seconds: sec(total('processing_ms')) },
          peopleWithViolation: count((c) => (c.violation_reasons ?? []).length > 0),
        },
        violationsByReason: Object.fromEntries(VIOLATION_REASONS.map((r) => [r, count((c) => (c.violation_reasons ?? []).includes(r))])),
        reviews: { needed: review(0), awaiting: review(1), decidedHonour: review(2), decidedDecline: review(3) },
        iceContacts: { total: k?.total ?? 0, disallowed: k?.disallowed ?? 0 },
        ...(cur ? now : before),
      };
    };
    const current = figures(true);
    return {
      quarter: quarterLabel(q),
      facilityId,
      facilities,
      generatedAt: isoUtc(this.clock.now()),
      ...current,
      reconciles: reconciliation(current),
      previous: { quarter: quarterLabel(previousQuarter(q)), ...figures(false) },
      definitions: QUARTERLY_DEFINITIONS,
    };
  }

  /** One row per figure and group: the quarter and the one before side by side, whole numbers. */
  csv(r: QuarterlyReport): string {
    const rows: Array<[string, string, number | string, number | string]> = [];
    const add = (figure: string, group: string, pick: (f: Figures) => number | null) => rows.push([figure, group, pick(r) ?? '', pick(r.previous) ?? '']);
    add('People', 'all', (f) => f.people);
    for (const o of REVIEW_OUTCOMES) add('Outcome', o, (f) => f.outcomes[o]);
    for (const l of CHARGE_LEVELS) for (const d of DISPOSITIONS) add('Most serious charge', `${l}, ${d.replace('_', ' ')}`, (f) => f.byCharge[l][d]);
    add('Conviction', 'convicted', (f) => f.conviction.convicted);
    add('Conviction', 'charged only', (f) => f.conviction.chargedOnly);
    add('Traffic or infraction only, not convicted', 'yes', (f) => f.trafficOrInfractionOnly.yes);
    add('Traffic or infraction only, not convicted', 'no', (f) => f.trafficOrInfractionOnly.no);
    add('Victim or witness', 'yes', (f) => f.victimOrWitness.yes);
    add('Victim or witness', 'no', (f) => f.victimOrWitness.no);
    for (const kind of ['authorised', 'unauthorised'] as const) {
      const label = `Custody beyond eligibility, ${kind}`;
      add(label, 'people', (f) => f.beyondEligibility[kind].people);
      add(label, 'total seconds', (f) => f.beyondEligibility[kind].seconds);
      add(label, 'median seconds', (f) => f.beyondEligibility[kind].medianSeconds);
      add(label, 'p90 seconds', (f) => f.beyondEligibility[kind].p90Seconds);
    }
    add('Custody beyond eligibility, release processing', 'people', (f) => f.beyondEligibility.processing.people);
    add('Custody beyond eligibility, release processing', 'total seconds', (f) => f.beyondEligibility.processing.seconds);
    add('People with a violation', 'all', (f) => f.beyondEligibility.peopleWithViolation);
    for (const reason of VIOLATION_REASONS) add('People with a violation, by reason', reason, (f) => f.violationsByReason[reason]);
    add('Detainer reviews', 'needed', (f) => f.reviews.needed);
    add('Detainer reviews', 'awaiting a decision', (f) => f.reviews.awaiting);
    add('Detainer reviews', 'decided honour', (f) => f.reviews.decidedHonour);
    add('Detainer reviews', 'decided decline', (f) => f.reviews.decidedDecline);
    add('ICE contacts', 'all', (f) => f.iceContacts.total);
    add('ICE contacts', 'not allowed by the disclosure rule', (f) => f.iceContacts.disallowed);
    add('Complaints received', 'all', (f) => f.complaints.received);
    for (const k of Object.keys(r.complaints.byCategory)) add('Complaints received, by category', codeWords(k), (f) => f.complaints.byCategory[k] ?? 0);
    for (const k of Object.keys(r.complaints.byState)) add('Complaints received, where they stand', k, (f) => f.complaints.byState[k] ?? 0);
    for (const k of Object.keys(r.complaints.byFinding)) add('Complaints received, by finding', k, (f) => f.complaints.byFinding[k] ?? 0);
    add('Complaints', 'acknowledged late', (f) => f.complaints.acknowledgedLate);
    add('Complaints', 'closed late', (f) => f.complaints.closedLate);
    for (const k of ['due', 'servedOnTime', 'servedLate', 'missing', 'pending'] as const)
      add('Notices to the person', { due: 'due', servedOnTime: 'served on time', servedLate: 'served late', missing: 'missing (past due)', pending: 'not yet due' }[k], (f) => f.notices[k]);
    return toCsv([['Figure', 'Group', r.quarter, r.previous.quarter], ...rows]);
  }

  /** The quarter's people, one row per custody record; names only when asked for by a role that may see them. */
  async people(facilityId: string | null, q: Quarter, withNames: boolean, role: Role): Promise<string> {
    if (withNames && !mayReadNames(role)) throw new DomainError('forbidden', `the "${role}" role may not see names: leave out names=true`);
    const rows = await this.repo.people((await this.scope(facilityId, q)).scope);
    const header = [
      'quarter',
      'facility_id',
      'custody_id',
      'booking_id',
      'person_id',
      ...(withNames ? ['person_name', 'a_number'] : []),
      'first_detainer_received_local',
      'outcome',
      'most_serious_charge',
      'disposition',
      'any_conviction',
      'traffic_or_infraction_only',
      'victim_or_witness',
      'compliant',
      'authorised_seconds_beyond_eligibility',
      'unauthorised_seconds',
      'processing_seconds',
      'violation_reasons',
      'reviews_needed',
      'reviews_awaiting',
      'decided_honour',
      'decided_decline',
    ];
    const yes = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');
    return toCsv([
      header,
      ...rows.map((r) => {
        const names = withNames ? namesOf(r.person, role) : null;
        const counts = (r.review_counts ?? [0, 0, 0, 0]) as number[];
        return [
          quarterLabel(q),
          r.facility_id,
          r.id,
          r.booking_id,
          r.person_id ?? '',
          ...(names ? [names.personName ?? '', names.aNumber ?? ''] : []),
          DateTime.fromJSDate(r.first_lodged_at, { zone: r.time_zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ"),
          r.review_outcome,
          r.charge_level,
          r.charge_disposition?.replace('_', ' '),
          yes(r.any_conviction),
          yes(r.minor_only),
          yes(r.victim_or_witness),
          yes(r.compliant),
          sec(r.authorized_ms),
          sec(r.unauthorized_ms),
          sec(r.processing_ms),
          (r.violation_reasons ?? []).join('; '),
          ...counts,
        ];
      }),
    ]);
  }
}

export type QuarterlyReport = Awaited<ReturnType<QuarterlyService['report']>>;
type Figures = Omit<QuarterlyReport['previous'], 'quarter'>;

/** Whether each group table adds up to the people counted (it must: one population). */
export function reconciliation(f: {
  people: number;
  outcomes: Record<string, number>;
  byCharge: Record<string, Record<string, number>>;
  conviction: Record<string, number>;
  trafficOrInfractionOnly: Record<string, number>;
  victimOrWitness: Record<string, number>;
}) {
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return {
    outcomes: sum(f.outcomes) === f.people,
    byCharge: Object.values(f.byCharge).reduce((a: number, d) => a + sum(d), 0) === f.people,
    conviction: sum(f.conviction) === f.people,
    trafficOrInfractionOnly: sum(f.trafficOrInfractionOnly) === f.people,
    victimOrWitness: sum(f.victimOrWitness) === f.people,
  };
}
