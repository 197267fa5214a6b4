/**
 * Imports through the API, as `npm run import` does them: the CLI against a listening server,
 * corrections retracted, rejects kept once and listed for admins, OJBC documents giving their holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/imports/cli.js';
import { facilityBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'imports-'));

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen(0, '127.0.0.1');
  url = await t.app.getUrl();
  for (const id of ['cli-jail', 'ojbc-jail'])
    await t.http
      .put(`/api/facilities/${id}`)
      .set('Authorization', t.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
});
afterAll(() => t?.close());

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { INIT_CWD: process.cwd() }, { out: (l) => out.push(l), err: (l) => err.push(l), tty: false, now: () => new Date('2026-11-24T12:00:00Z') });
  return { code, out, err };
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const HEADER =
  'booking_number,person_id,last_name,first_name,date_of_birth,booked_at,top_charge,top_charge_class,detainer_received_at,detainer_form,detainer_agency,detainer_cancelled_at,release_eligible_at,release_reason,released_at,released_to\n';
const ROWS = [
  'C-1,P-1,Doe,Jane,1990-01-02,2026-11-02 08:15:00,THEFT 2,Felony,2026-11-02 10:00:00,I-247A,ICE,,2026-11-05 15:00:00,Bail posted,2026-11-06 09:00:00,ICE',
  'C-2,P-2,Roe,Rick,1985-05-06,2026-11-03 11:00,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,2026-11-04 10:00,Court order,2026-11-04 11:00,',
  'C-3,P-3,Poe,Ann,1979-03-04,2026-11-03,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,,,,',
];

describe('npm run import against a server', () => {
  it('a dry run says what would happen, lists every reject with its line, and sends nothing', async () => {
    const path = file('dry.csv', HEADER + ROWS.join('\n') + '\n');
    const r = await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--dry-run', path);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(expect.arrayContaining([expect.stringMatching(/reject .*dry\.csv:4: booking C-3: booking\.bookedAt \(booked_at\): "2026-11-03" is a date without a time of day/)]));
    expect(r.out.at(-1)).toBe(
      'import: 1 file, 3 rows read, 2 bookings imported, 0 without a detainer skipped, 2 detainers, 8 events (0 accepted, 0 duplicates), 0 retracted, 1 rows kept as rejects (dry run: nothing sent)',
    );
    expect((await t.http.get('/api/holds?facilityId=cli-jail').set('Authorization', t.admin).expect(200)).body.items).toEqual([]);
  });

  it('imports, keeps the rejects (listed for admins), and a second import changes nothing', async () => {
    const path = file('nightly.csv', HEADER + ROWS.join('\n') + '\n');
    const ingest = (await t.keyFor('ingest')).replace('Bearer ', '');
    const first = await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--url', url, '--key', ingest, path);
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toMatch(/8 events \(8 accepted, 0 duplicates\), 0 retracted, 1 rows kept as rejects$/);
    const holds = (await t.http.get('/api/holds?facilityId=cli-jail').set('Authorization', t.admin).expect(200)).body.items;
    expect(holds.map((h: { bookingId: string; status: string; outcome: string }) => [h.bookingId, h.status, h.outcome]).sort()).toEqual([
      ['C-1', 'closed', 'transferred'],
      ['C-2', 'closed', 'released'],
    ]);

    const again = await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--url', url, '--key', ingest, path);
    expect(again.out.at(-1)).toMatch(/8 events \(0 accepted, 8 duplicates\), 0 retracted, 1 rows kept as rejects$/);

    const rejects = (await t.http.get('/api/imports/rejects?facilityId=cli-jail').set('Authorization', t.admin).expect(200)).body;
    expect(rejects).toEqual({
      items: [
        { id: expect.any(Number), facilityId: 'cli-jail', file: path, line: 4, content: ROWS[2], reason: expect.stringContaining('is a date without a time of day'), receivedAt: expect.any(String) },
      ],
      nextCursor: null,
    });
    await t.http.get('/api/imports/rejects').set('Authorization', `Bearer ${ingest}`).expect(403);
  });

  it('a corrected file retracts what it no longer gives, and says so', async () => {
    const path = file('corrected.csv', HEADER + ROWS[0].replace('2026-11-06 09:00:00', '2026-11-06 08:00:00') + '\n' + ROWS[1] + '\n');
    const r = await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--url', url, '--key', ADMIN_KEY, path);
    expect(r.code).toBe(0);
    // Accepted: the corrected release and the retraction of the old one.
    expect(r.out.at(-1)).toMatch(/8 events \(2 accepted, 7 duplicates\), 1 retracted, 0 rows kept as rejects$/);
    expect(r.out).toEqual(expect.arrayContaining([expect.stringMatching(/retracted jms:C-1:left:[0-9a-f]{12} \(booking C-1\): the corrected file no longer gives it/)]));
    const hold = (await t.http.get('/api/holds?facilityId=cli-jail&bookingId=C-1').set('Authorization', t.admin).expect(200)).body.items[0];
    expect(hold.endedAt).toBe('2026-11-06T14:00:00.000Z');
    // Imported again: the retraction is already there, nothing more is retracted.
    expect((await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--url', url, '--key', ADMIN_KEY, path)).out.at(-1)).toMatch(/\(0 accepted, 8 duplicates\), 0 retracted/);
  });

  it('a file the mapping does not fit is refused whole, naming what is missing; exit status 1', async () => {
    const path = file('other.csv', 'id,name\n1,x\n');
    const r = await cli('--mapping', 'mappings/booking-per-row.yaml', '--facility', 'cli-jail', '--url', url, '--key', ADMIN_KEY, path);
    expect(r.code).toBe(1);
    expect(r.out).toEqual(expect.arrayContaining([expect.stringMatching(/REFUSED: missing columns "booking_number", "person_id", .*the file's columns are "id", "name"/)]));
    expect(r.out.at(-1)).toMatch(/^import: 1 file \(1 refused\), .* NOT everything was imported or kept$/);
  });

  it('a mapping that is not valid stops before any file is read, naming the path of each problem', async () => {
    const bad = file('bad.yaml', 'name: x\nformat: csv\ntimeZone: America/Chicago\nidPrefix: x\nbooking: { id: a, personId: b, bookedAt: c, colour: red }\ndetainers: []\n');
    const r = await cli('--mapping', bad, '--facility', 'cli-jail', '--dry-run', bad);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('booking.colour: is not a known key');
    expect(r.err.join('\n')).toContain('detainers: ');
  });
});

describe('OJBC documents through the API', () => {
  it('a Booking Report and a Custody Status Change Report give the hold, started and closed', async () => {
    const r = await cli(
      '--mapping',
      'mappings/ojbc-booking-report.yaml',
      '--facility',
      'ojbc-jail',
      '--url',
      url,
      '--key',
      ADMIN_KEY,
      'test/fixtures/imports/ojbc-booking-report.xml',
      'test/fixtures/imports/ojbc-custody-status-change.xml',
    );
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const [hold] = (await t.http.get('/api/holds?facilityId=ojbc-jail').set('Authorization', t.admin).expect(200)).body.items;
    expect(hold).toMatchObject({
      bookingId: 'BK-2026-0042',
      detainerId: 'Charge_02',
      personId: 'SUBJ-77',
      form: 'other',
      status: 'closed',
      outcome: 'released',
      clockStartedAt: '2026-11-05T07:00:00.000Z',
      endedAt: '2026-11-09T23:45:00.000Z',
    });
    expect(r.out).toEqual(expect.arrayContaining([expect.stringContaining('note (1 booking): detainers.0.form: not in the source')]));
  });
});
