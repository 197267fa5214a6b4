import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Role } from '../auth/api-key.entity.js';
import { Clock } from '../common/clock.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { custodyQuery } from '../custody/custody.dto.js';
import { CustodyService } from '../custody/custody.service.js';
import { compliancePdf } from './compliance-pdf.js';
import { toCsv } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import { boundAt, boundText, isLocalBound } from '../common/period-bound.js';
import { CHARGE_LEVELS_BY_SERIOUSNESS as LEVELS } from '../holds/booking-projection.js';
import { OVERAGE_BANDS_H, ReportsRepository, type Period, type Resolved } from './reports.repository.js';
import { codeWords } from '../common/words.js';

const seconds = (ms: unknown) => (ms === null || ms === undefined ? null : Number(ms) / 1000);
const hours = (s: number | null) => (s === null ? null : s / 3600);

export type ComplianceReport = Awaited<ReturnType<ReportsService['compliance']>>;

/** Whole seconds; hours to two decimals (no 43128.00000000001 in a spreadsheet). */
const round = (v: number, unit: string) => (unit === 'hours' ? Math.round(v * 100) / 100 : unit === 'seconds' ? Math.round(v) : v);
const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
type Headline = Record<'detainersReceived' | 'honoured' | 'holdsStarted' | 'holdsClosedCompliant' | 'holdsPastDeadline', number>;
/** Whether the groups' figures add up to the headline's, figure by figure. */
const addsUp = (groups: Array<Partial<Headline>>, headline: Headline, keys = Object.keys(headline) as Array<keyof Headline>) => keys.every((k) => sumOf(groups.map((g) => g[k] ?? 0)) === headline[k]);
const detainerByCharge = (rows: Array<{ received: number; honoured: number }>) => ({ received: sumOf(rows.map((r) => r.received)), honoured: sumOf(rows.map((r) => r.honoured)) });

/** Rows of the late list printed in the PDF; the CSV has all of them. */
const LATE_LIST_IN_PDF = 1000;

/** The custody list's query for the people held past the limit in the period: the report's late list. */
export const lateListQuery = (p: Omit<Period, 'asOf'>) =>
  new URLSearchParams({ ...(p.facilityId ? { facilityId: p.facilityId } : {}), status: 'closed', compliant: 'false', endedFrom: boundText(p.from), endedTo: boundText(p.to) }).toString();

/** What each figure of the compliance report counts, in words (the PDF prints them). */
export const COMPLIANCE_DEFINITIONS = {
  period:
    "[from, to): dates are midnight in each facility's own time zone (an all-facilities report counts each jail's own days); instants are the same for all. Detainers count by when they were received; people by when their custody first needed an authority (holdsStarted) and by when it ended (closed); as of generatedAt (an eligibility sent ahead counts once it has come)",
  detainers: 'detainersReceived, detainersByForm, detainersByWarrant, honoured, notHonoured and cancelled count detainers received in the period; one person may have several',
  people:
    'holdsStarted, holdsClosedCompliant, holdsPastDeadline, holdsRunningAtEnd, closed, overageSeconds, overageDistribution and custody count people (one custody record per booking with a detainer), not detainers: a person held on two detainers counts once',
  closed:
    'people whose custody ended in the period, each in exactly one of: withinLimit (every instant after release-eligibility had an authority), pastLimit (some did not), withoutNeedingAuthority (never release-eligible while held)',
  holdsPastDeadline: 'people whose custody ended in the period with some custody that no detainer authorised (after any release-processing allowance): the late list, heldPastLimit.list',
  honoured: "detainers whose custody was transferred to the agency that lodged them (ICE by name or by the facility's agency aliases)",
  releasedAtLimit: 'holds released (not transferred) within the last hour before the deadline or after it',
  overageSeconds: 'custody without authority of the people whose custody ended in the period',
  overageDistribution: 'people whose custody ended in the period with custody without authority, by its hours: fromHours inclusive, toHours exclusive (null: no upper bound)',
  byChargeLevel:
    "each figure as the headline counts it (detainers received and honoured; people started, closed within and past the limit), by the booking's most serious charge level: the groups add up to the headline",
  byConviction: 'the same figures, by whether any charge of the booking is a conviction: the two groups add up to the headline',
  monthly: 'the same figures by local calendar month of each facility (received, custody needing an authority, custody ended): the months add up to the headline',
};

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly custody: CustodyService,
    private readonly clock: Clock,
  ) {}

  /** The report as a PDF, with the first LATE_LIST_IN_PDF rows of its late list as the custody list gives them to this role. */
  async compliancePdf(r: ComplianceReport, period: Omit<Period, 'asOf'>, role: Role): Promise<Buffer> {
    const query = parseOrThrow(custodyQuery, Object.fromEntries(new URLSearchParams(lateListQuery(period))));
    const { views, more } = await this.custody.matching(query, role, LATE_LIST_IN_PDF);
    return compliancePdf(r, new Map(r.policies.map((p) => [p.facilityId, p.facilityName])), views, more);
  }

  async compliance(period: Omit<Period, 'asOf'>) {
    const p: Period = { ...period, asOf: new Date(this.clock.now()) };
    // Each facility's period first; then independent queries, run side by side on the pool.
    const rp = await this.repo.bounds(p);
    const bounds = rp.facilities;
    if (p.facilityId && bounds.length === 0) throw DomainError.notFound(`facility "${p.facilityId}"`);
    const [counts, people, reasons, lengths, breakdowns, byCharge, monthly, anomalies, policies, rs] = await Promise.all([
      this.repo.totals(rp),
      this.repo.custodyTotals(rp),
      this.repo.custodyReasons(rp),
      this.repo.lengths(rp),
      this.repo.breakdowns(rp),
      this.repo.peopleByCharge(rp),
      this.monthly(p, rp),
      this.repo.anomalies(rp),
      this.repo.policies(p.facilityId),
      this.repo.ruleSetCounts(rp),
    ]);
    const t = { ...counts, ...people, ...lengths };
    const byCode = (kind: 'violation' | 'anomaly') =>
      Object.fromEntries(reasons.filter((r) => r.kind === kind).map((r) => [r.code, kind === 'violation' ? { people: r.n, seconds: Number(r.seconds) } : r.n]));
    // Rows of the (form, warrant) grouping set have no level; rows of (level, convicted) have no form.
    const forms = breakdowns.filter((r) => r.form !== null).map((r) => ({ form: r.form!, warrant: r.warrant!, n: r.received }));
    const detainersByCharge = breakdowns.filter((r) => r.form === null);
    const dist = (q: number[] | null, max: unknown) => ({ median: q ? Number(q[0]) : null, p90: q ? Number(q[1]) : null, max: max === null ? null : Number(max) });
    const [overage, real, counted, lag] = [dist(t.overage_q, t.overage_max), dist(t.real_q, t.real_max), dist(t.counted_q, t.counted_max), dist(t.lag_q, t.lag_max)];
    const tally = (rows: Array<{ n: number }>, key: (r: any) => string) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + r.n }), {});
    /** A group's figures: detainers from the detainer rows, people from the custody rows, each counted as the headline is. */
    const group = (level: (l: string) => boolean, convicted: (c: boolean) => boolean) => {
      const d = detainerByCharge(detainersByCharge.filter((r) => level(r.level!) && convicted(r.convicted!)));
      const c = byCharge.filter((r) => level(r.level) && convicted(r.convicted));
      const sum = (k: 'started' | 'compliant' | 'past_deadline') => c.reduce((n, r) => n + r[k], 0);
      return { detainersReceived: d.received, holdsStarted: sum('started'), holdsClosedCompliant: sum('compliant'), holdsPastDeadline: sum('past_deadline'), honoured: d.honoured };
    };
    const headline = {
      detainersReceived: Number(t.detainers_received),
      honoured: Number(t.honoured),
      holdsStarted: t.started,
      holdsClosedCompliant: t.compliant,
      holdsPastDeadline: t.past_deadline,
    };
    const byChargeLevel = Object.fromEntries(
      LEVELS.map((level) => [
        level,
        group(
          (l) => l === level,
          () => true,
        ),
      ]),
    );
    const byConviction = {
      anyConviction: group(
        () => true,
        (c) => c,
      ),
      noConviction: group(
        () => true,
        (c) => !c,
      ),
    };
    const detainersByForm = tally(forms, (r) => r.form);
    const detainersByWarrant = tally(forms, (r) => r.warrant);
    const closed = { total: t.closed, withinLimit: t.compliant, pastLimit: t.past_deadline, withoutNeedingAuthority: t.never_needed };
    return {
      facilityId: p.facilityId,
      from: boundText(p.from),
      to: boundText(p.to),
      /** local-dates: each facility's own calendar (midnight in its zone); instants: the same instants for all. */
      periodKind: isLocalBound(p.from) ? ('local-dates' as const) : ('instants' as const),
      /** Each facility's period as it was counted. */
      periods: bounds.map((b) => ({ facilityId: b.fid, timeZone: b.zone, from: isoUtc(b.lo), to: isoUtc(b.hi), fromLocal: isoLocal(b.lo, b.zone), toLocal: isoLocal(b.hi, b.zone) })),
      generatedAt: isoUtc(p.asOf),
      ...headline,
      detainersByForm,
      detainersByWarrant,
      notHonoured: Number(t.not_honoured),
      cancelled: Number(t.cancelled),
      releasedAtLimit: Number(t.released_at_limit),
      detainersThatNeverHeld: Number(t.never_held),
      holdsRunningAtEnd: t.running_at_end,
      /** The people whose custody ended in the period, each in exactly one outcome. */
      closed,
      /** The people held past the limit: the same records as the custody list at `list`, one row each. */
      heldPastLimit: { people: t.past_deadline, list: `/api/custody?${lateListQuery(p)}` },
      overageSeconds: { total: seconds(t.overage_total) ?? 0, median: seconds(overage.median), p90: seconds(overage.p90), max: seconds(overage.max) },
      overageDistribution: OVERAGE_BANDS_H.map((fromHours, i) => ({ fromHours, toHours: OVERAGE_BANDS_H[i + 1] ?? null, holds: Number(t.overage_bands[i]) })),
      holdLengthHours: {
        real: { median: hours(real.median), p90: hours(real.p90), max: hours(real.max) },
        counted: { median: hours(seconds(counted.median)), p90: hours(seconds(counted.p90)), max: hours(seconds(counted.max)) },
      },
      detainerToHoldStartSeconds: lag,
      byChargeLevel,
      byConviction,
      monthly,
      /** Whether each table adds up to its headline figure (it should, always: said rather than assumed). */
      reconciles: {
        closed: closed.withinLimit + closed.pastLimit + closed.withoutNeedingAuthority === closed.total,
        detainersByForm: sumOf(Object.values(detainersByForm)) === headline.detainersReceived,
        detainersByWarrant: sumOf(Object.values(detainersByWarrant)) === headline.detainersReceived,
        byChargeLevel: addsUp(Object.values(byChargeLevel), headline),
        byConviction: addsUp(Object.values(byConviction), headline),
        monthly: addsUp(monthly, headline, ['detainersReceived', 'holdsStarted', 'holdsClosedCompliant', 'holdsPastDeadline']),
        overageDistribution: sumOf(OVERAGE_BANDS_H.map((_, i) => Number(t.overage_bands[i]))) === headline.holdsPastDeadline,
      },
      custody: {
        unauthorizedSeconds: seconds(t.overage_total) ?? 0,
        processingSeconds: seconds(t.processing_total) ?? 0,
        violationsByReason: byCode('violation'),
        withAnomalies: Number(t.with_anomalies),
        rejudged: Number(t.rejudged),
      },
      /** Rule sets: detainers of the period's custody that needed review, still awaiting or decided; ICE contacts logged in the period, and those the disclosure rule did not allow. */
      reviews: { needed: rs.needed_review, awaiting: rs.awaiting, honoured: rs.honoured, declined: rs.declined },
      iceContacts: { total: rs.contacts, disallowed: rs.disallowed },
      anomalies: {
        releasedBeforeReleaseEligible: anomalies.released_before_eligible,
        eventsOutOfOrderInTime: anomalies.events_out_of_order,
        byCode: byCode('anomaly'),
      },
      policies: policies.map((r) => ({
        facilityId: r.id,
        facilityName: r.name,
        timeZone: r.time_zone,
        effectiveFrom: isoUtc(r.effective_from),
        policy: r.policy,
        holdHours: r.hold_hours,
        extraHolidays: r.extra_holidays,
        requireJudicialWarrant: r.require_judicial_warrant,
      })),
      definitions: COMPLIANCE_DEFINITIONS,
    };
  }

  /** Counts per local calendar month of the facilities in each zone, merged over the zones in scope. */
  private async monthly(p: Period, rp: Resolved) {
    const months = new Map<string, { month: string; detainersReceived: number; holdsStarted: number; holdsClosedCompliant: number; holdsPastDeadline: number }>();
    // One statement per time zone in scope, side by side.
    const zones = await Promise.all(
      [...new Set(rp.facilities.map((b) => b.zone))].map(async (zone) => {
        const starts: DateTime[] = [];
        const end = boundAt(p.to, zone);
        for (let m = boundAt(p.from, zone).startOf('month'); m < end; m = m.plus({ months: 1 })) starts.push(m);
        return { starts, rows: await this.repo.monthly(rp, zone, [...starts.map((m) => m.toJSDate()), starts[starts.length - 1].plus({ months: 1 }).toJSDate()]) };
      }),
    );
    for (const { starts, rows } of zones) {
      for (const r of rows) {
        const label = starts[r.bucket - 1]?.toFormat('yyyy-MM');
        if (!label) continue;
        const m = months.get(label) ?? { month: label, detainersReceived: 0, holdsStarted: 0, holdsClosedCompliant: 0, holdsPastDeadline: 0 };
        const field = ({ received: 'detainersReceived', started: 'holdsStarted', compliant: 'holdsClosedCompliant', past_deadline: 'holdsPastDeadline' } as const)[r.kind as 'received'];
        m[field] += r.n;
        months.set(label, m);
      }
    }
    return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
  }

  /**
   * The compliance report as a spreadsheet reads it: one row per figure, in sections, with its
   * words, group, value (rounded: whole seconds, hours to two decimals), unit, and the key the
   * JSON gives it (for scripts). Every figure of the JSON is here.
   */
  complianceCsv(r: ComplianceReport): string {
    const rows: unknown[][] = [['Section', 'Figure', 'Group', 'Value', 'Unit', 'Key']];
    const add = (section: string, figure: string, group: string, value: string | number | null, unit: string, key: string) =>
      rows.push([section, figure, group, value === null ? '' : typeof value === 'number' ? round(value, unit) : value, unit, key]);
    add('Period', 'From', 'all', r.from, r.periodKind === 'local-dates' ? "date, each facility's midnight" : 'instant (UTC)', 'from');
    add('Period', 'To (exclusive)', 'all', r.to, r.periodKind === 'local-dates' ? "date, each facility's midnight" : 'instant (UTC)', 'to');
    for (const f of r.periods) {
      add('Period', 'From (local)', f.facilityId, f.fromLocal, f.timeZone, 'periods.fromLocal');
      add('Period', 'To (local)', f.facilityId, f.toLocal, f.timeZone, 'periods.toLocal');
    }
    add('Period', 'Generated at', 'all', r.generatedAt, 'instant (UTC)', 'generatedAt');
    const D = 'Detainers received';
    add(D, 'Detainers received', 'all', r.detainersReceived, 'detainers', 'detainersReceived');
    for (const [f, n] of Object.entries(r.detainersByForm)) add(D, 'Detainers received, by form', f, n, 'detainers', 'detainersByForm');
    for (const [w, n] of Object.entries(r.detainersByWarrant)) add(D, 'Detainers received, by warrant', w, n, 'detainers', 'detainersByWarrant');
    add(D, 'Honoured (custody transferred to the agency)', 'all', r.honoured, 'detainers', 'honoured');
    add(D, 'Not honoured', 'all', r.notHonoured, 'detainers', 'notHonoured');
    add(D, 'Cancelled', 'all', r.cancelled, 'detainers', 'cancelled');
    add(D, 'Never held anyone', 'all', r.detainersThatNeverHeld, 'detainers', 'detainersThatNeverHeld');
    add(D, 'Released at or after the deadline hour', 'all', r.releasedAtLimit, 'holds', 'releasedAtLimit');
    const P = 'People (custody records)';
    add(P, 'Custody that first needed an authority', 'all', r.holdsStarted, 'people', 'holdsStarted');
    add(P, 'Custody ended', 'all', r.closed.total, 'people', 'closed.total');
    add(P, 'Custody ended within the limit', 'all', r.holdsClosedCompliant, 'people', 'holdsClosedCompliant');
    add(P, 'Custody ended past the limit (the late list)', 'all', r.holdsPastDeadline, 'people', 'holdsPastDeadline');
    add(P, 'Custody ended without ever needing an authority', 'all', r.closed.withoutNeedingAuthority, 'people', 'closed.withoutNeedingAuthority');
    add(P, 'Still in custody at the end', 'all', r.holdsRunningAtEnd, 'people', 'holdsRunningAtEnd');
    const T = 'Time held past the limit';
    add(T, 'Total', 'all', r.overageSeconds.total, 'seconds', 'overageSeconds.total');
    for (const k of ['median', 'p90', 'max'] as const)
      add(T, `${k === 'p90' ? '90th percentile' : k === 'median' ? 'Median' : 'Longest'} per person`, 'all', r.overageSeconds[k], 'seconds', `overageSeconds.${k}`);
    for (const b of r.overageDistribution)
      add(T, 'People, by hours past the limit', b.toHours === null ? `${b.fromHours} h or more` : `${b.fromHours} to ${b.toHours} h`, b.holds, 'people', 'overageDistribution');
    for (const [reason, v] of Object.entries(r.custody.violationsByReason) as Array<[string, { people: number; seconds: number }]>) {
      add(T, 'People, by reason', codeWords(reason), v.people, 'people', 'custody.violationsByReason.people');
      add(T, 'Time, by reason', codeWords(reason), v.seconds, 'seconds', 'custody.violationsByReason.seconds');
    }
    add(T, 'Release processing allowed', 'all', r.custody.processingSeconds, 'seconds', 'custody.processingSeconds');
    const L = 'Hold length';
    for (const kind of ['real', 'counted'] as const)
      for (const k of ['median', 'p90', 'max'] as const)
        add(L, `${kind === 'real' ? 'Real' : 'Counted (as the rule counts)'} hours, ${k}`, 'all', r.holdLengthHours[kind][k], 'hours', `holdLengthHours.${kind}.${k}`);
    for (const k of ['median', 'p90', 'max'] as const) add(L, `Detainer received to hold start, ${k}`, 'all', r.detainerToHoldStartSeconds[k], 'seconds', `detainerToHoldStartSeconds.${k}`);
    const figures = [
      ['detainersReceived', 'Detainers received', 'detainers'],
      ['holdsStarted', 'Custody that first needed an authority', 'people'],
      ['holdsClosedCompliant', 'Custody ended within the limit', 'people'],
      ['holdsPastDeadline', 'Custody ended past the limit', 'people'],
      ['honoured', 'Honoured', 'detainers'],
    ] as const;
    for (const [level, g] of Object.entries(r.byChargeLevel)) for (const [k, label, unit] of figures) add('By most serious charge', label, level, g[k], unit, `byChargeLevel.${k}`);
    for (const [c, g] of Object.entries(r.byConviction))
      for (const [k, label, unit] of figures) add('By conviction', label, c === 'anyConviction' ? 'any conviction' : 'no conviction', g[k], unit, `byConviction.${k}`);
    for (const m of r.monthly) for (const [k, label, unit] of figures) if (k !== 'honoured') add('By month (local calendar)', label, m.month, m[k], unit, `monthly.${k}`);
    const R = 'Reviews and ICE contacts';
    for (const [k, v] of Object.entries(r.reviews)) add(R, `Detainer reviews: ${k}`, 'all', v, 'detainers', `reviews.${k}`);
    add(R, 'ICE contacts logged', 'all', r.iceContacts.total, 'contacts', 'iceContacts.total');
    add(R, 'ICE contacts the disclosure rule did not allow', 'all', r.iceContacts.disallowed, 'contacts', 'iceContacts.disallowed');
    const A = 'Data quality';
    add(A, 'Released before release-eligible', 'all', r.anomalies.releasedBeforeReleaseEligible, 'bookings', 'anomalies.releasedBeforeReleaseEligible');
    add(A, 'Events received out of order in time', 'all', r.anomalies.eventsOutOfOrderInTime, 'events', 'anomalies.eventsOutOfOrderInTime');
    for (const [code, n] of Object.entries(r.anomalies.byCode)) add(A, 'Notes on the facts, by code', codeWords(code), n as number, 'notes', 'anomalies.byCode');
    add(A, 'People with notes on the facts', 'all', r.custody.withAnomalies, 'people', 'custody.withAnomalies');
    add(A, 'People judged again after custody ended', 'all', r.custody.rejudged, 'people', 'custody.rejudged');
    for (const [k, ok] of Object.entries(r.reconciles)) add('Checks', `${k} adds up to its headline`, 'all', ok ? 'yes' : 'NO', '', `reconciles.${k}`);
    return toCsv(rows);
  }

  async illinois(facilityId: string, year: number) {
    const rows = await this.repo.illinois(facilityId, year);
    const [facility] = await this.repo.policies(facilityId);
    if (!facility) throw DomainError.notFound(`facility "${facilityId}"`);
    const local = (d: Date | null, zone: string, fmt: string) => (d ? DateTime.fromJSDate(d, { zone }).toFormat(fmt) : null);
    const items = rows.map((r, i) => ({
      row: i + 1,
      detainerReceivedDate: local(r.lodged_at, r.time_zone, 'yyyy-MM-dd'),
      detainerForm: r.form,
      warrant: r.warrant ?? 'none',
      bailPostedAt: r.release_reason === 'bail_posted' ? local(r.release_eligible_at, r.time_zone, "yyyy-MM-dd'T'HH:mmZZ") : null,
      outcome: r.phase !== 'closed' ? 'in custody' : r.outcome === 'transferred' ? 'transferred' : r.outcome === 'cancelled' ? 'detainer cancelled' : 'released',
      outcomeAt: r.phase === 'closed' ? local(r.ended_at, r.time_zone, "yyyy-MM-dd'T'HH:mmZZ") : null,
      receivingAgency: r.outcome === 'transferred' ? (r.to_agency ?? 'unknown (not named by the jail)') : null,
    }));
    return {
      facilityId,
      facilityName: facility.name,
      year,
      law: '5 ILCS 805/25 (Illinois TRUST Act)',
      generatedAt: isoUtc(this.clock.now()),
      rows: items,
      certification: items.length === 0 ? `${facility.name} certifies that it received no immigration detainers in ${year}.` : null,
    };
  }

  illinoisCsv(r: Awaited<ReturnType<ReportsService['illinois']>>): string {
    const header = ['row', 'detainer_received_date', 'detainer_form', 'warrant', 'bail_posted_at', 'outcome', 'outcome_at', 'receiving_agency', 'certification'];
    const rows = r.rows.map((x) => [x.row, x.detainerReceivedDate, x.detainerForm, x.warrant, x.bailPostedAt ?? '', x.outcome, x.outcomeAt ?? '', x.receivingAgency ?? '', '']);
    if (r.certification) rows.push(['', '', '', '', '', '', '', '', r.certification]);
    return toCsv([header, ...rows]);
  }
}
