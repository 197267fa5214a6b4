import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { toCsv } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { CHARGE_LEVELS_BY_SERIOUSNESS as LEVELS } from '../holds/booking-projection.js';
import { OVERAGE_BANDS_H, ReportsRepository, type Period } from './reports.repository.js';

const seconds = (ms: unknown) => (ms === null || ms === undefined ? null : Number(ms) / 1000);
const hours = (s: number | null) => (s === null ? null : s / 3600);

export type ComplianceReport = Awaited<ReturnType<ReportsService['compliance']>>;

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly clock: Clock,
  ) {}

  async compliance(period: Omit<Period, 'asOf'>) {
    const p: Period = { ...period, asOf: new Date(this.clock.now()) };
    // Independent queries, run side by side on the pool.
    const [counts, people, reasons, lengths, breakdowns, monthly, anomalies, policies, rs] = await Promise.all([
      this.repo.totals(p),
      this.repo.custodyTotals(p),
      this.repo.custodyReasons(p),
      this.repo.lengths(p),
      this.repo.breakdowns(p),
      this.monthly(p),
      this.repo.anomalies(p),
      this.repo.policies(p.facilityId),
      this.repo.ruleSetCounts(p),
    ]);
    const t = { ...counts, ...people, ...lengths };
    const byCode = (kind: 'violation' | 'anomaly') =>
      Object.fromEntries(reasons.filter((r) => r.kind === kind).map((r) => [r.code, kind === 'violation' ? { people: r.n, seconds: Number(r.seconds) } : r.n]));
    // Rows of the (form, warrant) grouping set have no level; rows of (level, convicted) have no form.
    const forms = breakdowns.filter((r) => r.form !== null).map((r) => ({ form: r.form!, warrant: r.warrant!, n: r.received }));
    const charges = breakdowns.filter((r) => r.form === null) as Array<{
      level: string;
      convicted: boolean;
      received: number;
      started: number;
      compliant: number;
      past_deadline: number;
      honoured: number;
    }>;
    const dist = (q: number[] | null, max: unknown) => ({ median: q ? Number(q[0]) : null, p90: q ? Number(q[1]) : null, max: max === null ? null : Number(max) });
    const [overage, real, counted, lag] = [dist(t.overage_q, t.overage_max), dist(t.real_q, t.real_max), dist(t.counted_q, t.counted_max), dist(t.lag_q, t.lag_max)];
    if (p.facilityId && policies.length === 0) throw DomainError.notFound(`facility "${p.facilityId}"`);
    const tally = (rows: Array<{ n: number }>, key: (r: any) => string) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + r.n }), {});
    const group = (pick: (r: (typeof charges)[number]) => boolean) => {
      const rows = charges.filter(pick);
      const sum = (k: 'received' | 'started' | 'compliant' | 'past_deadline' | 'honoured') => rows.reduce((n, r) => n + r[k], 0);
      return { detainersReceived: sum('received'), holdsStarted: sum('started'), holdsClosedCompliant: sum('compliant'), holdsPastDeadline: sum('past_deadline'), honoured: sum('honoured') };
    };
    return {
      facilityId: p.facilityId,
      from: isoUtc(p.from),
      to: isoUtc(p.to),
      generatedAt: isoUtc(p.asOf),
      detainersReceived: Number(t.detainers_received),
      detainersByForm: tally(forms, (r) => r.form),
      detainersByWarrant: tally(forms, (r) => r.warrant),
      honoured: Number(t.honoured),
      notHonoured: Number(t.not_honoured),
      cancelled: Number(t.cancelled),
      releasedAtLimit: Number(t.released_at_limit),
      holdsStarted: Number(t.holds_started),
      holdsClosedCompliant: Number(t.closed_compliant),
      holdsPastDeadline: Number(t.past_deadline),
      detainersThatNeverHeld: Number(t.never_held),
      holdsRunningAtEnd: Number(t.running_at_end),
      overageSeconds: { total: seconds(t.overage_total) ?? 0, median: seconds(overage.median), p90: seconds(overage.p90), max: seconds(overage.max) },
      overageDistribution: OVERAGE_BANDS_H.map((fromHours, i) => ({ fromHours, toHours: OVERAGE_BANDS_H[i + 1] ?? null, holds: Number(t.overage_bands[i]) })),
      holdLengthHours: {
        real: { median: hours(real.median), p90: hours(real.p90), max: hours(real.max) },
        counted: { median: hours(seconds(counted.median)), p90: hours(seconds(counted.p90)), max: hours(seconds(counted.max)) },
      },
      detainerToHoldStartSeconds: lag,
      byChargeLevel: Object.fromEntries(LEVELS.map((level) => [level, group((r) => r.level === level)])),
      byConviction: { anyConviction: group((r) => r.convicted), noConviction: group((r) => !r.convicted) },
      monthly,
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
      definitions: {
        period:
          'detainers by when they were received; people (custody records) by when their custody first needed an authority (holdsStarted) and by when it ended (closed); all in [from, to); as of generatedAt (an eligibility sent ahead counts once it has come)',
        people:
          'holdsStarted, holdsClosedCompliant, holdsPastDeadline, holdsRunningAtEnd, overageSeconds, overageDistribution and custody count people (one custody record per booking with a detainer), not detainers: a person held on two detainers counts once',
        holdsPastDeadline: 'people whose custody ended in the period with some custody that no detainer authorised (after any release-processing allowance)',
        honoured: "custody was transferred to the agency that lodged the detainer (ICE by name or by the facility's agency aliases)",
        releasedAtLimit: 'released (not transferred) within the last hour before the deadline or after it',
        overageSeconds: 'custody without authority of the people whose custody ended in the period',
        overageDistribution: 'people whose custody ended in the period with custody without authority, by its hours: fromHours inclusive, toHours exclusive (null: no upper bound)',
        byChargeLevel: "detainers received in the period, by the booking's most serious charge level",
      },
    };
  }

  /** Counts per local calendar month, merged over the time zones of the facilities in scope. */
  private async monthly(p: Period) {
    const months = new Map<string, { month: string; detainersReceived: number; holdsStarted: number; holdsClosedCompliant: number; holdsPastDeadline: number }>();
    for (const { time_zone: zone } of await this.repo.zones(p.facilityId)) {
      const starts: DateTime[] = [];
      for (let m = DateTime.fromJSDate(p.from, { zone }).startOf('month'); m.toMillis() < p.to.getTime(); m = m.plus({ months: 1 })) starts.push(m);
      const rows = await this.repo.monthly(p, zone, [...starts.map((m) => m.toJSDate()), starts[starts.length - 1].plus({ months: 1 }).toJSDate()]);
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

  /** The compliance report as rows of metric, group, value (a header row first). */
  complianceCsv(r: ComplianceReport): string {
    const rows: Array<[string, string, string | number | null]> = [];
    const add = (metric: string, group: string, value: string | number | null) => rows.push([metric, group, value]);
    for (const k of [
      'detainersReceived',
      'honoured',
      'notHonoured',
      'cancelled',
      'releasedAtLimit',
      'holdsStarted',
      'holdsClosedCompliant',
      'holdsPastDeadline',
      'detainersThatNeverHeld',
      'holdsRunningAtEnd',
    ] as const)
      add(k, 'all', r[k]);
    for (const [f, n] of Object.entries(r.detainersByForm)) add('detainersByForm', f, n);
    for (const [w, n] of Object.entries(r.detainersByWarrant)) add('detainersByWarrant', w, n);
    for (const [k, v] of Object.entries(r.overageSeconds)) add(`overageSeconds.${k}`, 'all', v);
    for (const b of r.overageDistribution) add('overageDistribution.holds', b.toHours === null ? `${b.fromHours}h+` : `${b.fromHours}-${b.toHours}h`, b.holds);
    for (const kind of ['real', 'counted'] as const) for (const [k, v] of Object.entries(r.holdLengthHours[kind])) add(`holdLengthHours.${kind}.${k}`, 'all', v);
    for (const [k, v] of Object.entries(r.detainerToHoldStartSeconds)) add(`detainerToHoldStartSeconds.${k}`, 'all', v);
    for (const [level, g] of Object.entries(r.byChargeLevel)) for (const [k, v] of Object.entries(g)) add(`byChargeLevel.${k}`, level, v);
    for (const [c, g] of Object.entries(r.byConviction)) for (const [k, v] of Object.entries(g)) add(`byConviction.${k}`, c, v);
    for (const m of r.monthly) for (const [k, v] of Object.entries(m)) if (k !== 'month') add(`monthly.${k}`, m.month, v);
    add('anomalies.releasedBeforeReleaseEligible', 'all', r.anomalies.releasedBeforeReleaseEligible);
    add('anomalies.eventsOutOfOrderInTime', 'all', r.anomalies.eventsOutOfOrderInTime);
    for (const [code, n] of Object.entries(r.anomalies.byCode)) add('anomalies.byCode', code, n as number);
    for (const k of ['unauthorizedSeconds', 'processingSeconds', 'withAnomalies', 'rejudged'] as const) add(`custody.${k}`, 'all', r.custody[k]);
    for (const [reason, v] of Object.entries(r.custody.violationsByReason)) {
      const { people, seconds: s } = v as { people: number; seconds: number };
      add('custody.violationsByReason.people', reason, people);
      add('custody.violationsByReason.seconds', reason, s);
    }
    return toCsv([['metric', 'group', 'value'], ...rows.map(([a, b, c]) => [a, b, c ?? ''])]);
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
