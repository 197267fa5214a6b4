/** A complaint as stored (table `complaints`, migration Oversight1766600000000). */
export const COMPLAINT_CATEGORIES = ['held_too_long', 'held_without_authority', 'claims_us_citizenship', 'access_to_counsel', 'treatment', 'other'] as const;
export const RECEIVED_VIA = ['in_person', 'written', 'phone', 'email', 'counsel', 'other'] as const;
export const COMPLAINT_STATES = ['received', 'acknowledged', 'investigating', 'closed'] as const;
export const FINDINGS = ['substantiated', 'unsubstantiated', 'referred'] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

/** The workflow: which state may follow which. Closing needs a finding and a response. */
export const NEXT_STATES: Record<ComplaintState, readonly ComplaintState[]> = {
  received: ['acknowledged'],
  acknowledged: ['investigating', 'closed'],
  investigating: ['closed'],
  closed: [],
};

export interface ComplaintRow {
  id: string;
  facility_id: string;
  booking_id: string | null;
  person_id: string | null;
  log_booking_id: string;
  category: string;
  received_via: string;
  narrative: string;
  state: ComplaintState;
  finding: string | null;
  response: string | null;
  received_at: Date;
  acknowledged_at: Date | null;
  investigating_at: Date | null;
  closed_at: Date | null;
  acknowledge_due_at: Date;
  close_due_at: Date;
  filed_by_key_id: string;
  filed_by: string;
}
