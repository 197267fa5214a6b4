/**
 * The watched folder (IMPORT_DIR/<facility>/<mapping>/FILE): each file taken once it is unchanged
 * between two scans, imported once by content, recorded for admins, moved to done/ or failed/.
 * Scans are called by hand (the timer is off in tests): no test waits for time to pass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportFolder } from '../src/imports/import-folder.service.js';
import { ImportsRepository } from '../src/imports/imports.repository.js';
import { facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const F = 'fold-jail';
const dir = mkdtempSync(join(tmpdir(), 'import-dir-'));
let t: TestApp;
let folder: ImportFolder;

const HEADER =
  'booking_number,person_id,last_name,first_name,date_of_birth,booked_at,top_charge,top_charge_class,detainer_received_at,detainer_form,detainer_agency,detainer_cancelled_at,release_eligible_at,release_reason,released_at,released_to\n';
const ROWS = [
  'C-1,P-1,Doe,Jane,1990-01-02,2026-11-02 08:15:00,THEFT 2,Felony,2026-11-02 10:00:00,I-247A,ICE,,2026-11-05 15:00:00,Bail posted,2026-11-06 09:00:00,ICE',
  'C-2,P-2,Roe,Rick,1985-05-06,2026-11-03 11:00,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,2026-11-04 10:00,Court order,2026-11-04 11:00,',
  'C-3,P-3,Poe,Ann,1979-03-04,2026-11-03,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,,,,',
];
const NIGHTLY = HEADER + ROWS.join('\n') + '\n';

const drop = (rel: string, text: string) => {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const files = async () => (await t.http.get(`/api/imports/files?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body;

beforeAll(async () => {
  t = await startTestApp({ config: { importDir: dir } });
  folder = t.app.get(ImportFolder);
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/Chicago' }))
    .expect(200);
});
afterAll(() => t?.close());

describe('imports a stopped server left unfinished', () => {
  it('are marked interrupted at the next start, and counted exactly (none: 0)', async () => {
    const repo = t.app.get(ImportsRepository);
    expect(await repo.interruptUnfinished(new Date('2026-11-24T18:00:00Z'))).toBe(0);
    await t.ds.query(
      `INSERT INTO import_files (source, facility_id, mapping, file, content_sha256, bytes, status, started_at) VALUES ('folder', 'gone', 'm', 'a.csv', 'x1', 1, 'importing', now()), ('folder', 'gone', 'm', 'b.csv', 'x2', 1, 'imported', now())`,
    );
    expect(await repo.interruptUnfinished(new Date('2026-11-24T18:00:00Z'))).toBe(1);
    expect(await t.ds.query(`SELECT file, status FROM import_files WHERE facility_id = 'gone' ORDER BY file`)).toEqual([
      { file: 'a.csv', status: 'interrupted' },
      { file: 'b.csv', status: 'imported' },
    ]);
  });
});

describe('IMPORT_DIR', () => {
  it('takes a file once it is unchanged between two scans, imports it, lists it and moves it to done/', async () => {
    drop(`${F}/booking-per-row/nightly.csv`, NIGHTLY);
    drop(`${F}/booking-per-row/being-written.csv.part`, HEADER);
    expect(await folder.scan()).toEqual({ files: [], waiting: [`${F}/booking-per-row/nightly.csv`] });
    const second = await folder.scan();
    expect(second.waiting).toEqual([]);
    expect(second.files.map((f) => [f.file, f.status, f.movedTo])).toEqual([[`${F}/booking-per-row/nightly.csv`, 'imported', `${F}/booking-per-row/done/nightly.csv`]]);
    expect(readdirSync(join(dir, F, 'booking-per-row')).sort()).toEqual(['being-written.csv.part', 'done']);
    expect(readFileSync(join(dir, F, 'booking-per-row', 'done', 'nightly.csv'), 'utf8')).toBe(NIGHTLY);

    const listed = await files();
    expect(listed).toEqual({
      items: [
        {
          id: second.files[0].id,
          source: 'folder',
          facilityId: F,
          mapping: 'booking-per-row',
          file: `${F}/booking-per-row/nightly.csv`,
          contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          bytes: Buffer.byteLength(NIGHTLY),
          status: 'imported',
          reason: null,
          summary: {
            refused: null,
            rowsRead: 3,
            bookings: 3,
            bookingsImported: 2,
            bookingsSkipped: 0,
            detainers: 2,
            events: 8,
            eventsByType: { 'booking.opened': 2, 'detainer.lodged': 2, 'booking.release_eligible': 2, 'booking.custody_transferred': 1, 'booking.released': 1 },
            accepted: 8,
            duplicates: 0,
            retracted: 0,
            refusedByServer: 0,
            rejectedRows: 1,
            notes: { 'detainers.0.agency: not in the source (detainer_agency empty); the mapping\'s default "ICE" was used': 1 },
          },
          movedTo: `${F}/booking-per-row/done/nightly.csv`,
          startedAt: '2026-11-24T12:00:00.000Z',
          finishedAt: '2026-11-24T12:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
    const holds = (await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items;
    expect(holds.map((h: { bookingId: string; outcome: string }) => [h.bookingId, h.outcome]).sort()).toEqual([
      ['C-1', 'transferred'],
      ['C-2', 'released'],
    ]);
    const rejects = (await t.http.get(`/api/imports/rejects?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items;
    expect(rejects.map((r: { file: string; line: number; content: string }) => [r.file, r.line, r.content])).toEqual([[`${F}/booking-per-row/nightly.csv`, 4, ROWS[2]]]);
  });

  it('does not import the same content again: a duplicate, recorded and moved to done/', async () => {
    drop(`${F}/booking-per-row/nightly-again.csv`, NIGHTLY);
    await folder.scan();
    const [row] = (await folder.scan()).files;
    const first = (await files()).items.find((f: { file: string }) => f.file === `${F}/booking-per-row/nightly.csv`);
    expect(row).toMatchObject({
      status: 'duplicate',
      reason: `the same content was imported already (import #${first.id}, "${F}/booking-per-row/nightly.csv")`,
      summary: null,
      movedTo: `${F}/booking-per-row/done/nightly-again.csv`,
    });
  });

  it('a corrected file of the same name is imported (its retractions counted) and kept beside the first in done/', async () => {
    drop(`${F}/booking-per-row/nightly.csv`, HEADER + ROWS[0].replace('2026-11-06 09:00:00', '2026-11-06 08:00:00') + '\n');
    await folder.scan();
    const [row] = (await folder.scan()).files;
    expect(row.status).toBe('imported');
    expect(row.summary).toMatchObject({ events: 4, accepted: 2, duplicates: 3, retracted: 1 });
    expect(row.movedTo).toBe(`${F}/booking-per-row/done/nightly.${row.contentSha256.slice(0, 12)}.csv`);
    expect(existsSync(join(dir, row.movedTo!))).toBe(true);
  });

  it('a file that changes between scans waits until it is still', async () => {
    drop(`${F}/booking-per-row/growing.csv`, HEADER);
    await folder.scan();
    drop(`${F}/booking-per-row/growing.csv`, HEADER + ROWS[1] + '\n');
    expect(await folder.scan()).toEqual({ files: [], waiting: [`${F}/booking-per-row/growing.csv`] });
    expect((await folder.scan()).files.map((f) => [f.file, f.status])).toEqual([[`${F}/booking-per-row/growing.csv`, 'imported']]);
  });

  it('refuses whole, and moves to failed/, a file the mapping does not fit, a folder naming no mapping or no facility', async () => {
    drop(`${F}/booking-per-row/wrong.csv`, 'id,name\n1,x\n');
    drop(`${F}/no-such-mapping/x.csv`, NIGHTLY);
    drop('nowhere/booking-per-row/y.csv', NIGHTLY);
    await folder.scan();
    const taken = (await folder.scan()).files;
    expect(taken.map((f) => [f.file, f.facilityId, f.status, f.movedTo])).toEqual([
      [`${F}/booking-per-row/wrong.csv`, F, 'refused', `${F}/booking-per-row/failed/wrong.csv`],
      [`${F}/no-such-mapping/x.csv`, F, 'refused', `${F}/no-such-mapping/failed/x.csv`],
      ['nowhere/booking-per-row/y.csv', null, 'refused', 'nowhere/booking-per-row/failed/y.csv'],
    ]);
    expect(taken[0].reason).toMatch(/^missing columns "booking_number", "person_id", .*; the file's columns are "id", "name"$/);
    expect(taken[1].reason).toBe('mapping: no mapping "no-such-mapping" (known: booking-per-row, ojbc-booking-report, pierce-county)');
    expect(taken[2].reason).toBe('facilityId: "nowhere" is not a configured facility');
    expect(existsSync(join(dir, 'nowhere/booking-per-row/failed/y.csv'))).toBe(true);
  });

  it("uses a jail's own mapping put in IMPORT_DIR, and lists it", async () => {
    const own = readFileSync('mappings/booking-per-row.yaml', 'utf8')
      .replace(/^name: .*$/m, 'name: county-x')
      .replace(/^idPrefix: .*$/m, 'idPrefix: cx');
    writeFileSync(join(dir, 'county-x.yaml'), own);
    drop(`${F}/county-x/export.csv`, NIGHTLY);
    await folder.scan();
    const [row] = (await folder.scan()).files;
    expect(row).toMatchObject({ mapping: 'county-x', status: 'imported', summary: expect.objectContaining({ accepted: 8 }) });
    const mappings = (await t.http.get('/api/imports/mappings').set('Authorization', t.admin).expect(200)).body.items;
    expect(mappings.map((m: { name: string; origin: string; format: string }) => [m.name, m.origin, m.format])).toEqual([
      ['booking-per-row', 'shipped', 'csv'],
      ['county-x', 'IMPORT_DIR', 'csv'],
      ['ojbc-booking-report', 'shipped', 'xml'],
      ['pierce-county', 'shipped', 'csv'],
    ]);
  });
});
