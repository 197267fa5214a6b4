/** A notice due to the person (table `notices`, migration Oversight1766600000000). */
export const SERVICE_METHODS = ['in_person', 'written_copy', 'mail', 'email', 'interpreter', 'other'] as const;
export const NOTICE_STATUSES = ['due', 'late', 'served'] as const;

export interface NoticeRow {
  id: string;
  facility_id: string;
  booking_id: string;
  kind: string;
  after_event: string;
  after_ref: string;
  after_at: Date;
  due_at: Date;
  recipients: string[];
  citation: string | null;
  created_at: Date;
  served_at: Date | null;
  served_by: string | null;
  language: string | null;
  method: string | null;
  recorded_at: Date | null;
  recorded_by: string | null;
}
