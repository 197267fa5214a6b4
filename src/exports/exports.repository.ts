import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ReconciliationRow {
  facility_id: string;
  booking_id: string;
  detainer_id: string;
  form: string | null;
  agency: string | null;
  warrant: string | null;
  lodged_at: Date;
  cancelled_at: Date | null;
  ice_prepared_date: string | null;
  ice_facility_code: string | null;
  ice_lift_reason: string | null;
  phase: string | null;
  eligible_from: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  to_agency: string | null;
  honoured: boolean | null;
  compliant: boolean | null;
  unauthorized_ms: number | null;
  processing_ms: number | null;
}

export interface PublicRecordRow {
  first_lodged: Date;
  forms: string;
  phase: string;
  eligible_from: Date | null;
  ended_at: Date | null;
  outcome: string | null;
  to_agency: string | null;
  honoured: boolean | null;
  compliant: boolean | null;
  unauthorized_ms: number;
  processing_ms: number;
  anomaly_count: number;
  violations: string | null;
}

/** What the exports read: detainers beside their custody verdict, custody records without identifiers, rules, ICE contacts, the chain's head. */
@Injectable()
export class ExportsRepository {
  constructor(private readonly ds: DataSource) {}

  async facilityZone(id: string): Promise<string | null> {
    const [row] = await this.ds.query(`SELECT time_zone FROM facilities WHERE id = $1`, [id]);
    return row?.time_zone ?? null;
  }

  /** Detainers received in [from, to), with ICE's own fields from the first detainer.lodged of each, beside their custody record. */
  reconciliation(facilityId: string, from: Date, to: Date): Promise<ReconciliationRow[]> {
    return this.ds.query(
      `SELECT d.facility_id, d.booking_id, d.detainer_id, d.form, d.agency, d.warrant, d.lodged_at, d.cancelled_at,
              l.body->>'icePreparedDate' AS ice_prepared_date, l.body->>'iceFacilityCode' AS ice_facility_code, l.body->>'iceLiftReason' AS ice_lift_reason,
              c.phase, c.eligible_from, c.ended_at, c.outcome, c.to_agency, c.honoured, c.compliant, c.unauthorized_ms, c.processing_ms
         FROM detainers d
         LEFT JOIN custody_records c ON c.facility_id = d.facility_id AND c.booking_id = d.booking_id
         LEFT JOIN LATERAL (SELECT e.body FROM events e WHERE e.facility_id = d.facility_id AND e.booking_id = d.booking_id AND e.type = 'detainer.lodged'
                             AND e.body->>'detainerId' = d.detainer_id ORDER BY e.occurred_at, e.seq LIMIT 1) l ON true
        WHERE d.facility_id = $1 AND d.lodged_at >= $2 AND d.lodged_at < $3
        ORDER BY d.lodged_at, d.booking_id, d.detainer_id`,
      [facilityId, from, to],
    );
  }

  /** Custody records whose first detainer was received in [from, to): no id, name, date of birth or A-number is read. */
  publicRecords(facilityId: string, from: Date, to: Date): Promise<PublicRecordRow[]> {
    return this.ds.query(
      `SELECT f.first_lodged, f.forms, c.phase, c.eligible_from, c.ended_at, c.outcome, c.to_agency, c.honoured, c.compliant, c.unauthorized_ms, c.processing_ms, c.anomaly_count,
              (SELECT string_agg(v->>'reason', ';' ORDER BY v->>'from') FROM json_array_elements(c.record->'violations') v) AS violations
         FROM custody_records c
         JOIN LATERAL (SELECT min(d.lodged_at) AS first_lodged, string_agg(DISTINCT d.form, ';') AS forms FROM detainers d
                        WHERE d.facility_id = c.facility_id AND d.booking_id = c.booking_id AND d.lodged_at IS NOT NULL) f ON true
        WHERE c.facility_id = $1 AND f.first_lodged >= $2 AND f.first_lodged < $3
        ORDER BY f.first_lodged, c.eligible_from NULLS LAST, c.ended_at NULLS LAST, c.id`,
      [facilityId, from, to],
    );
  }

  /** The rule versions in force at some instant of [from, to). */
  rulesInForce(
    facilityId: string,
    from: Date,
    to: Date,
  ): Promise<Array<{ effective_from: Date | null; policy: string; hold_hours: number; require_judicial_warrant: boolean; preset: string | null; rule_set: object | null; recorded_at: Date }>> {
    return this.ds.query(
      `SELECT effective_from, policy, hold_hours, require_judicial_warrant, preset, rule_set, recorded_at FROM facility_policies p
        WHERE p.facility_id = $1 AND (p.effective_from IS NULL OR p.effective_from < $3)
          AND NOT EXISTS (SELECT 1 FROM facility_policies q WHERE q.facility_id = p.facility_id AND q.effective_from IS NOT NULL AND q.effective_from <= $2
                           AND (p.effective_from IS NULL OR q.effective_from > p.effective_from))
        ORDER BY effective_from NULLS FIRST, id`,
      [facilityId, from, to],
    );
  }

  iceContacts(facilityId: string, from: Date, to: Date): Promise<Array<{ kind: string; allowed: boolean; contacts: number }>> {
    return this.ds.query(`SELECT kind, allowed, count(*)::int AS contacts FROM ice_contacts WHERE facility_id = $1 AND at >= $2 AND at < $3 GROUP BY kind, allowed ORDER BY kind, allowed DESC`, [
      facilityId,
      from,
      to,
    ]);
  }

  async chainHead(facilityId: string): Promise<{ seq: number; event_id: string; chain_hash: string } | null> {
    const [row] = await this.ds.query(`SELECT seq, event_id, chain_hash FROM events WHERE facility_id = $1 ORDER BY seq DESC LIMIT 1`, [facilityId]);
    return row ?? null;
  }
}
