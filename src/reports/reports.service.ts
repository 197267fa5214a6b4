import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { ReportsRepository, type Period } from './reports.repository.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const seconds = (ms: unknown) => (ms === null || ms === undefined ? null : Number(ms) / 1000);
const hours = (s: number | null) => (s === null ? null : s / 3600);
const LEVELS = ['felony', 'misdemeanor', 'traffic', 'infraction', 'none'] as const;

export type ComplianceReport = Awaited<ReturnType<ReportsService['compliance']>>;

@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly clock: Clock,
  ) {}

  async compliance(p: Period) {
    const [t, forms, charges, monthly, anomalies, policies] = [
      await this.repo.totals(p), await this.repo.byFormAndWarrant(p), await this.repo.byCharges(p),
      await this.repo.monthly(p), await this.repo.anomalies(p), await this.repo.policies(p.facilityId),
    ];
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
      generatedAt: isoUtc(this.clock.now()),
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
      overageSeconds: { total: seconds(t.overage_total) ?? 0, median: seconds(t.overage_median), p90: seconds(t.overage_p90), max: seconds(t.overage_max) },
      holdLengthHours: {
        real: { median: hours(num(t.real_median)), p90: hours(num(t.real_p90)), max: hours(num(t.real_max)) },
        counted: { median: hours(seconds(t.counted_median)), p90: hours(seconds(t.counted_p90)), max: hours(seconds(t.counted_max)) },
      },
      detainerToHoldStartSeconds: { median: num(t.lag_median), p90: num(t.lag_p90), max: num(t.lag_max) },
      byChargeLevel: Object.fromEntries(LEVELS.map((level) => [level, group((r) => r.level === level)])),
      byConviction: { anyConviction: group((r) => r.convicted), noConviction: group((r) => !r.convicted) },
      monthly: monthly.map((m) => ({ month: m.month, detainersReceived: m.received, holdsStarted: m.started, holdsClosedCompliant: m.compliant, holdsPastDeadline: m.past_deadline })),
      anomalies: { releasedBeforeReleaseEligible: anomalies.released_before_eligible, eventsOutOfOrderInTime: anomalies.events_out_of_order },
      policies: policies.map((r) => ({
        facilityId: r.id, facilityName: r.name, timeZone: r.time_zone, effectiveFrom: isoUtc(r.effective_from), policy: r.policy, holdHours: r.hold_hours,
        extraHolidays: r.extra_holidays, requireJudicialWarrant: r.require_judicial_warrant,
      })),
      definitions: {
        period: 'detainers by when they were received, holds started by clockStartedAt, closed holds by endedAt, all in [from, to)',
        honoured: 'custody was transferred to the agency that lodged the detainer',
        releasedAtLimit: 'released (not transferred) within the last hour before the deadline or after it',
        overageSeconds: 'over holds closed in the period past their deadline',
        byChargeLevel: "detainers received in the period, by the booking's most serious charge level",
      },
    };
  }

  /** The compliance report as rows of metric, group, value (a header row first). */
  complianceCsv(r: ComplianceReport): string {
    const rows: Array<[string, string, string | number | null]> = [];
    const add = (metric: string, group: string, value: string | number | null) => rows.push([metric, group, value]);
    for (const k of ['detainersReceived', 'honoured', 'notHonoured', 'cancelled', 'releasedAtLimit', 'holdsStarted', 'holdsClosedCompliant', 'holdsPastDeadline', 'detainersThatNeverHeld', 'holdsRunningAtEnd'] as const) add(k, 'all', r[k]);
    for (const [f, n] of Object.entries(r.detainersByForm)) add('detainersByForm', f, n);
    for (const [w, n] of Object.entries(r.detainersByWarrant)) add('detainersByWarrant', w, n);
    for (const [k, v] of Object.entries(r.overageSeconds)) add(`overageSeconds.${k}`, 'all', v);
    for (const kind of ['real', 'counted'] as const) for (const [k, v] of Object.entries(r.holdLengthHours[kind])) add(`holdLengthHours.${kind}.${k}`, 'all', v);
    for (const [k, v] of Object.entries(r.detainerToHoldStartSeconds)) add(`detainerToHoldStartSeconds.${k}`, 'all', v);
    for (const [level, g] of Object.entries(r.byChargeLevel)) for (const [k, v] of Object.entries(g)) add(`byChargeLevel.${k}`, level, v);
    for (const [c, g] of Object.entries(r.byConviction)) for (const [k, v] of Object.entries(g)) add(`byConviction.${k}`, c, v);
    for (const m of r.monthly) for (const [k, v] of Object.entries(m)) if (k !== 'month') add(`monthly.${k}`, m.month, v as number);
    for (const [k, v] of Object.entries(r.anomalies)) add(`anomalies.${k}`, 'all', v);
    return stringify([['metric', 'group', 'value'], ...rows.map(([a, b, c]) => [a, b, c ?? ''])]);
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
      receivingAgency: r.outcome === 'transferred' ? (r.to_agency ?? r.agency) : null,
    }));
    return {
      facilityId, facilityName: facility.name, year, law: '5 ILCS 805/25 (Illinois TRUST Act)', generatedAt: isoUtc(this.clock.now()), rows: items,
      certification: items.length === 0 ? `${facility.name} certifies that it received no immigration detainers in ${year}.` : null,
    };
  }

  illinoisCsv(r: Awaited<ReturnType<ReportsService['illinois']>>): string {
    const header = ['row', 'detainer_received_date', 'detainer_form', 'warrant', 'bail_posted_at', 'outcome', 'outcome_at', 'receiving_agency', 'certification'];
    const rows = r.rows.map((x) => [x.row, x.detainerReceivedDate, x.detainerForm, x.warrant, x.bailPostedAt ?? '', x.outcome, x.outcomeAt ?? '', x.receivingAgency ?? '', '']);
    if (r.certification) rows.push(['', '', '', '', '', '', '', '', r.certification]);
    return stringify([header, ...rows]);
  }
}
