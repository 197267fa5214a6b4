/**
 * Identifiers compare as bytes (migration IdsInByteOrder): the same order under any server
 * locale, and no index that a change of the operating system's locale data can put out of order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdsInByteOrder1764600000000 } from '../migrations/1764600000000-IdsInByteOrder.js';
import { facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A query's rows, as TypeORM gives them. */
type Query = (sql: string) => Promise<any>;

/** Every text column named `id` or `…_id`, with its collation ("default" where it has none of its own). */
async function idColumns(query: Query = (sql) => t.ds.query(sql)): Promise<Record<string, string>> {
  const rows: Array<{ col: string; collation: string }> = await query(
    `SELECT a.attrelid::regclass::text || '.' || a.attname AS col, coalesce(c.collname, '?') AS collation
       FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace
       LEFT JOIN pg_collation c ON c.oid = a.attcollation
      WHERE n.nspname = current_schema() AND r.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND a.atttypid = 'text'::regtype AND (a.attname = 'id' OR a.attname LIKE '%\\_id')
      ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.col, r.collation]));
}

const keptKeys = async (query: Query = (sql) => t.ds.query(sql)): Promise<string[]> =>
  (await query(`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE NOT tgisinternal AND tgqual IS NOT NULL ORDER BY tgname`)).map((r: { def: string }) => r.def);

describe('identifier columns', () => {
  it('are all collated "C", in every table (a new table must declare it too)', async () => {
    const columns = await idColumns();
    expect(Object.keys(columns)).toEqual(expect.arrayContaining(['events.event_id', 'events.facility_id', 'holds.booking_id', 'facilities.id', 'bookings.person_id']));
    expect(Object.entries(columns).filter(([, collation]) => collation !== 'C')).toEqual([]);
  });

  it('are declared so in the entities too, as the schema has them', async () => {
    const columns = await idColumns();
    const declared = t.ds.entityMetadatas.flatMap((e) =>
      e.columns.filter((c) => c.type === 'text' && `${e.tableName}.${c.databaseName}` in columns).map((c) => [`${e.tableName}.${c.databaseName}`, c.collation ?? 'default']),
    );
    expect(declared).toHaveLength(17); // the id columns of the tables with entities
    expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(declared.map(([col]) => [col, columns[col]])));
  });

  // Tables and columns made after that migration, which declare "C" themselves.
  const LATER_COLUMNS = [
    'facility_changes.',
    'grants.facility_id',
    'custody_records.',
    'verdict_changes.',
    'import_rejects.',
    'import_files.',
    'ice_contacts.',
    'complaints.',
    'notices.',
    'oversight_alerts.',
    'refusal_resolutions.',
  ];

  it('go back to the default collation and forth again, the triggers that keep keys made again as they were', async () => {
    const triggers = await keptKeys();
    expect(triggers).toHaveLength(2);
    const migration = new IdsInByteOrder1764600000000();
    const q = t.ds.createQueryRunner();
    try {
      await q.startTransaction();
      await migration.down(q);
      // Inside the migration's transaction, on its connection (the embedded database has only that one).
      const inside: Query = (sql) => q.query(sql);
      // Tables made after this migration declare "C" themselves, and keep it.
      const managed = Object.entries(await idColumns(inside)).filter(([col]) => !LATER_COLUMNS.some((later) => col.startsWith(later)));
      expect(new Set(managed.map(([, collation]) => collation))).toEqual(new Set(['default']));
      expect(await keptKeys(inside)).toEqual(triggers);
      await migration.up(q);
      await q.commitTransaction();
    } finally {
      await q.release();
    }
    expect(new Set(Object.values(await idColumns()))).toEqual(new Set(['C']));
    expect(await keptKeys()).toEqual(triggers);
    await t.http.put('/api/facilities/kept').set('Authorization', t.admin).send(facilityBody()).expect(200);
    await expect(t.ds.query(`UPDATE facilities SET id = 'renamed' WHERE id = 'kept'`)).rejects.toThrow('facilities are never removed or renamed');
  });
});
