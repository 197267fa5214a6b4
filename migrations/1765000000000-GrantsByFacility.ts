import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counsel grant names the facility as well as the booking or person. Booking and person ids
 * come from each jail's own system, so two facilities can both have a booking "2024-0001" of
 * different people: a grant naming only the id let counsel read the other jail's booking too.
 *
 * Grants made before name no facility. Each is given the facilities where what it names is
 * known now: the first in the grant itself, any other as a grant of its own (the access it gave,
 * made explicit, revocable one by one). A grant naming nothing known yet gave access to nothing:
 * it is revoked, and the admin grants it again with its facility.
 */
export const LEGACY_GRANTS_SQL = [
  `WITH legacy AS (
     SELECT g.id, f.facility_id, row_number() OVER (PARTITION BY g.id ORDER BY f.facility_id) AS n
       FROM grants g
       JOIN LATERAL (SELECT DISTINCT b.facility_id FROM bookings b
                      WHERE (g.booking_id IS NOT NULL AND b.booking_id = g.booking_id)
                         OR (g.person_id IS NOT NULL AND b.person_id = g.person_id)) f ON true
      WHERE g.facility_id IS NULL
   ), first AS (
     UPDATE grants g SET facility_id = l.facility_id FROM legacy l WHERE l.id = g.id AND l.n = 1 RETURNING g.id
   )
   INSERT INTO grants (id, api_key_id, facility_id, booking_id, person_id, created_at, revoked_at)
   SELECT gen_random_uuid(), g.api_key_id, l.facility_id, g.booking_id, g.person_id, g.created_at, g.revoked_at
     FROM legacy l JOIN grants g ON g.id = l.id WHERE l.n > 1`,
  `UPDATE grants SET revoked_at = COALESCE(revoked_at, now()) WHERE facility_id IS NULL`,
];

export class GrantsByFacility1765000000000 implements MigrationInterface {
  name = 'GrantsByFacility1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grants ADD COLUMN facility_id text COLLATE "C" REFERENCES facilities(id)`);
    for (const sql of LEGACY_GRANTS_SQL) await q.query(sql);
    await q.query(`ALTER TABLE grants ADD CONSTRAINT grants_facility CHECK (facility_id IS NOT NULL OR revoked_at IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grants DROP CONSTRAINT grants_facility`);
    await q.query(`ALTER TABLE grants DROP COLUMN facility_id`);
  }
}
