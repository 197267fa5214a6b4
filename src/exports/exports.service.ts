import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/canonical-json.js';
import { Clock } from '../common/clock.js';
import { toCsv } from '../common/csv.js';
import { DomainError } from '../common/domain-error.js';
import { isoLocal, isoUtc } from '../common/instant.js';
import { ComplaintsService, type ComplaintCounts } from '../complaints/complaints.service.js';
import { NoticesService, type NoticeCounts } from '../notices/notices.service.js';
import type { PublicRecordsQuery, ReconciliationQuery } from './exports.dto.js';
import { ExportsRepository, type PublicRecordRow, type ReconciliationRow } from './exports.repository.js';

const HOUR_MS = 3_600_000;
/** A CSV cell: empty for unknown, true/false spelt out (the CSV writer would write a false as empty). */
const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'boolean' ? String(v) : v);
/** Hours to two decimals: the jail's verdict at the hour level ICE's own data cannot give. */
const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR_MS) * 100) / 100);

export const RECONCILIATION_COLUMNS = [
  'facility_id',
  'booking_id',
  'detainer_id',
  'form',
  'agency',
  'warrant',
  'received_at',
  'cancelled_at',
  'ice_prepare_date',
  'ice_facility_code',
  'ice_lift_reason',
  'custody_status',
  'release_eligible_at',
  'custody_ended_at',
  'outcome',
  'to_agency',
  'honoured',
  'held_after_eligible_hours',
  'unauthorized_hours',
  'processing_hours',
  'compliant',
] as const;

function reconciliationItem(r: ReconciliationRow, now: number) {
  const end = r.ended_at?.getTime() ?? now;
  return {
    facilityId: r.facility_id,
    bookingId: r.booking_id,
    detainerId: r.detainer_id,
    form: r.form,
    agency: r.agency,
    warrant: r.warrant,
    receivedAt: isoUtc(r.lodged_at),
    cancelledAt: isoUtc(r.cancelled_at),
    icePrepareDate: r.ice_prepared_date,
    iceFacilityCode: r.ice_facility_code,
    iceLiftReason: r.ice_lift_reason,
    custodyStatus: r.phase === 'closed' ? 'closed' : r.phase === null ? null : 'in_custody',
    releaseEligibleAt: isoUtc(r.eligible_from),
    custodyEndedAt: isoUtc(r.ended_at),
    outcome: r.outcome,
    toAgency: r.to_agency,
    honoured: r.honoured,
    heldAfterEligibleHours: r.eligible_from ? hours(Math.max(0, end - r.eligible_from.getTime())) : null,
    unauthorizedHours: hours(r.unauthorized_ms),
    processingHours: hours(r.processing_ms),
    compliant: r.compliant,
  };
}

/** Every field a record carries: none names the person, and no id of booking, person or custody record is given. */
export const PUBLIC_RECORD_COLUMNS = [
  'record',
  'detainer_forms',
  'first_detainer_received_at',
  'first_detainer_received_local',
  'release_eligible_at',
  'custody_ended_at',
  'custody_status',
  'outcome',
  'to_agency',
  'honoured',
  'compliant',
  'unauthorized_seconds',
  'processing_seconds',
  'violation_reasons',
  'anomalies',
] as const;

const publicRecordCells = (r: PublicRecordRow, i: number, zone: string) => [
  i + 1,
  r.forms,
  isoUtc(r.first_lodged),
  isoLocal(r.first_lodged, zone),
  isoUtc(r.eligible_from),
  isoUtc(r.ended_at),
  r.phase === 'closed' ? 'closed' : 'in_custody',
  r.outcome ?? '',
  r.to_agency ?? '',
  r.honoured === null ? '' : r.honoured,
  r.compliant === null ? '' : r.compliant,
  Math.round(r.unauthorized_ms / 1000),
  Math.round(r.processing_ms / 1000),
  r.violations ?? '',
  r.anomaly_count,
];

export interface PublicRecords {
  manifest: {
    title: string;
    facilityId: string;
    from: string;
    to: string;
    generatedAt: string;
    records: number;
    /** What every record leaves out. */
    removed: string[];
    /** SHA-256 of the records section as CSV (header and rows): the same records give the same digest. */
    recordsSha256: string;
    /** The facility's tamper-evident chain at the time of export: GET /api/audit/verify re-walks it. */
    chainHead: { seq: number; eventId: string; chainHash: string } | null;
    verify: string;
  };
  rulesInForce: Array<{ effectiveFrom: string | null; policy: string; holdHours: number; requireJudicialWarrant: boolean; preset: string | null; ruleSet: object | null; recordedAt: string }>;
  complaints: ComplaintCounts;
  notices: NoticeCounts;
  iceContacts: Array<{ kind: string; allowed: boolean; contacts: number }>;
  columns: readonly string[];
  records: unknown[][];
}

/** The exports a researcher or a public-records request gets (issue 29, items 3 and 6). */
@Injectable()
export class ExportsService {
  constructor(
    private readonly repo: ExportsRepository,
    private readonly complaints: ComplaintsService,
    private readonly notices: NoticesService,
    private readonly clock: Clock,
  ) {}

  private async zone(facilityId: string): Promise<string> {
    const zone = await this.repo.facilityZone(facilityId);
    if (!zone) throw DomainError.validation([{ field: 'facilityId', message: `unknown facility "${facilityId}"` }]);
    return zone;
  }

  /** One row per detainer received in the period, ICE's identifiers and dates beside the jail's verdict; joinable to ICE's released tables on prepare date and facility code. */
  async reconciliation(q: ReconciliationQuery) {
    await this.zone(q.facilityId);
    const now = this.clock.now();
    const items = (await this.repo.reconciliation(q.facilityId, new Date(q.from), new Date(q.to))).map((r) => reconciliationItem(r, now));
    return { facilityId: q.facilityId, from: isoUtc(Date.parse(q.from)), to: isoUtc(Date.parse(q.to)), generatedAt: isoUtc(now), items };
  }

  reconciliationCsv(items: Array<ReturnType<typeof reconciliationItem>>): string {
    return toCsv([[...RECONCILIATION_COLUMNS], ...items.map((i) => Object.values(i).map(cell))]);
  }

  async publicRecords(q: PublicRecordsQuery): Promise<PublicRecords> {
    const zone = await this.zone(q.facilityId);
    const from = new Date(q.from);
    const to = new Date(q.to);
    const now = this.clock.now();
    const [rows, rules, complaints, notices, iceContacts, head] = [
      await this.repo.publicRecords(q.facilityId, from, to),
      await this.repo.rulesInForce(q.facilityId, from, to),
      await this.complaints.counts({ facilityId: q.facilityId, from: { instant: from }, to: { instant: to } }),
      await this.notices.counts(q.facilityId, { instant: from }, { instant: to }),
      await this.repo.iceContacts(q.facilityId, from, to),
      await this.repo.chainHead(q.facilityId),
    ];
    const records = rows.map((r, i) => publicRecordCells(r, i, zone));
    return {
      manifest: {
        title: `Detainer custody records, ${q.facilityId}, ${isoUtc(from)} to ${isoUtc(to)}`,
        facilityId: q.facilityId,
        from: isoUtc(from)!,
        to: isoUtc(to)!,
        generatedAt: isoUtc(now)!,
        records: records.length,
        removed: ['name', 'date of birth', 'A-number', 'person id', 'booking id', 'custody record id', 'complaint narratives'],
        recordsSha256: sha256Hex(toCsv([[...PUBLIC_RECORD_COLUMNS], ...records.map((r) => r.map(cell))])),
        chainHead: head && { seq: Number(head.seq), eventId: head.event_id, chainHash: head.chain_hash },
        verify: `GET /api/audit/verify?facilityId=${q.facilityId}`,
      },
      rulesInForce: rules.map((r) => ({
        effectiveFrom: isoUtc(r.effective_from),
        policy: r.policy,
        holdHours: r.hold_hours,
        requireJudicialWarrant: r.require_judicial_warrant,
        preset: r.preset,
        ruleSet: r.rule_set,
        recordedAt: isoUtc(r.recorded_at)!,
      })),
      complaints,
      notices,
      iceContacts,
      columns: PUBLIC_RECORD_COLUMNS,
      records,
    };
  }

  /** One CSV: sections of [section, key, value] rows (manifest, rules, complaints, notices, ICE contacts), then the records with their header. */
  publicRecordsCsv(p: PublicRecords): string {
    const m = p.manifest;
    const rows: unknown[][] = [
      ['section', 'key', 'value'],
      ...Object.entries({ ...m, removed: m.removed.join('; '), chainHead: m.chainHead ? `${m.chainHead.seq} ${m.chainHead.chainHash}` : '' }).map(([k, v]) => ['manifest', k, v]),
      ...p.rulesInForce.map((r) => ['rules_in_force', r.effectiveFrom ?? 'since always', JSON.stringify(r)]),
      ['complaints', 'received', p.complaints.received],
      ...Object.entries(p.complaints.byCategory).map(([k, v]) => ['complaints', `category.${k}`, v]),
      ...Object.entries(p.complaints.byState).map(([k, v]) => ['complaints', `state.${k}`, v]),
      ...Object.entries(p.complaints.byFinding).map(([k, v]) => ['complaints', `finding.${k}`, v]),
      ['complaints', 'acknowledged_late', p.complaints.acknowledgedLate],
      ['complaints', 'closed_late', p.complaints.closedLate],
      ...Object.entries(p.notices.byKind).flatMap(([k, v]) => Object.entries(v).map(([f, n]) => ['notices', `${k}.${f}`, n])),
      ...p.iceContacts.map((c) => ['ice_contacts', `${c.kind}.${c.allowed ? 'allowed' : 'not_allowed'}`, c.contacts]),
      [],
      ['records'],
      [...p.columns],
      ...p.records.map((r) => r.map(cell)),
    ];
    return toCsv(rows);
  }
}
