/**
 * Uploads (the board's import page): POST /api/imports/preview shows what an import would do with
 * nothing stored; POST /api/imports/uploads imports the file previewed, once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { facilityBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const F = 'up-jail';
let t: TestApp;

const HEADER =
  'booking_number,person_id,last_name,first_name,date_of_birth,booked_at,top_charge,top_charge_class,detainer_received_at,detainer_form,detainer_agency,detainer_cancelled_at,release_eligible_at,release_reason,released_at,released_to\n';
const ROWS = [
  'U-1,P-1,Doe,Jane,1990-01-02,2026-11-02 08:15:00,THEFT 2,Felony,2026-11-02 10:00:00,I-247A,ICE,,2026-11-05 15:00:00,Bail posted,2026-11-06 09:00:00,ICE',
  'U-2,P-3,Poe,Ann,1979-03-04,2026-11-03,DUI,Misdemeanor,2026-11-03 12:30,I-247A,,,,,,',
];
const FILE = HEADER + ROWS.join('\n') + '\n';
const SHA = createHash('sha256').update(FILE).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
  await t.http
    .put(`/api/facilities/${F}`)
    .set('Authorization', t.admin)
    .send(facilityBody({ timeZone: 'America/Chicago' }))
    .expect(200);
});
afterAll(() => t?.close());

const send = (path: string, body: string | Buffer, type = 'application/octet-stream') => t.http.post(path).set('Authorization', t.admin).set('Content-Type', type).send(body);

describe('an upload', () => {
  it('is previewed with nothing stored: counts, every reject with its line, the hash to confirm with', async () => {
    const res = await send(`/api/imports/preview?mapping=booking-per-row&facilityId=${F}&file=nightly.csv`, FILE).expect(200);
    expect(res.body).toEqual({
      mapping: 'booking-per-row',
      facilityId: F,
      file: 'nightly.csv',
      sha256: SHA,
      bytes: Buffer.byteLength(FILE),
      preview: {
        file: 'upload/nightly.csv',
        refused: null,
        rowsRead: 2,
        bookings: 2,
        bookingsImported: 1,
        bookingsSkipped: 0,
        detainers: 1,
        events: 4,
        eventsByType: { 'booking.opened': 1, 'detainer.lodged': 1, 'booking.release_eligible': 1, 'booking.custody_transferred': 1 },
        accepted: 0,
        duplicates: 0,
        retracted: 0,
        retractions: [],
        refusedByServer: 0,
        rejectedRows: 1,
        rejects: [
          {
            line: 3,
            content: ROWS[1],
            reason:
              'booking U-2: booking.bookedAt (booked_at): "2026-11-03" is a date without a time of day: the hour-level deadline cannot be judged from it (dateOnly: reject; see docs/imports.md, "Dates without a time")',
          },
        ],
        notes: {},
      },
    });
    expect((await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items).toEqual([]);
    expect((await t.http.get(`/api/imports/rejects?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items).toEqual([]);
    expect((await t.http.get(`/api/imports/files?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items).toEqual([]);
  });

  it('is imported once confirmed with the hash of the file previewed; the same file again is a duplicate', async () => {
    const other = await send(`/api/imports/uploads?mapping=booking-per-row&facilityId=${F}&file=nightly.csv&sha256=${'0'.repeat(64)}`, FILE).expect(409);
    expect(other.body.message).toBe(`sha256: the file sent is not the one previewed (its SHA-256 is ${SHA}); preview it again`);

    const res = await send(`/api/imports/uploads?mapping=booking-per-row&facilityId=${F}&file=nightly.csv&sha256=${SHA}`, FILE).expect(200);
    expect(res.body).toMatchObject({
      source: 'upload',
      facilityId: F,
      mapping: 'booking-per-row',
      file: 'upload/nightly.csv',
      contentSha256: SHA,
      status: 'imported',
      reason: null,
      movedTo: null,
      summary: { rowsRead: 2, events: 4, accepted: 4, duplicates: 0, rejectedRows: 1 },
    });
    const holds = (await t.http.get(`/api/holds?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items;
    expect(holds.map((h: { bookingId: string; outcome: string }) => [h.bookingId, h.outcome])).toEqual([['U-1', 'transferred']]);
    const rejects = (await t.http.get(`/api/imports/rejects?facilityId=${F}`).set('Authorization', t.admin).expect(200)).body.items;
    expect(rejects.map((r: { file: string; line: number }) => [r.file, r.line])).toEqual([['upload/nightly.csv', 3]]);

    const again = await send(`/api/imports/uploads?mapping=booking-per-row&facilityId=${F}&file=copy.csv&sha256=${SHA}`, FILE, 'text/csv').expect(200);
    expect(again.body).toMatchObject({ status: 'duplicate', reason: `the same content was imported already (import #${res.body.id}, "upload/nightly.csv")`, summary: null });
  });

  it('a file the mapping does not fit is previewed as refused, naming what is missing', async () => {
    const res = await send(`/api/imports/preview?mapping=booking-per-row&facilityId=${F}&file=other.csv`, 'id,name\n1,x\n', 'text/csv').expect(200);
    expect(res.body.preview.refused).toMatch(/^missing columns "booking_number", "person_id", .*; the file's columns are "id", "name"$/);
    expect(res.body.sha256).toBe(createHash('sha256').update('id,name\n1,x\n').digest('hex'));
  });

  it('bad requests are refused naming the field', async () => {
    const fields = async (path: string, status: number, type?: string) => (await send(path, FILE, type).expect(status)).body.errors;
    expect(await fields(`/api/imports/preview?mapping=nope&facilityId=${F}&file=a.csv`, 400)).toEqual([
      { field: 'mapping', message: 'no mapping "nope" (known: booking-per-row, ojbc-booking-report, pierce-county)' },
    ]);
    expect(await fields('/api/imports/preview?mapping=booking-per-row&file=a.csv', 400)).toEqual([{ field: 'facilityId', message: 'is required: the mapping "booking-per-row" names no facility' }]);
    expect(await fields('/api/imports/preview?mapping=booking-per-row&facilityId=nowhere&file=a.csv', 400)).toEqual([{ field: 'facilityId', message: '"nowhere" is not a configured facility' }]);
    expect(await fields(`/api/imports/preview?mapping=booking-per-row&facilityId=${F}&file=../a.csv`, 400)).toEqual([
      { field: 'file', message: 'must be a file name, without folders or control characters' },
    ]);
    expect(await fields(`/api/imports/uploads?mapping=booking-per-row&facilityId=${F}&file=a.csv`, 400)).toEqual([{ field: 'sha256', message: 'is required: the sha256 the preview answered' }]);
    const json = await t.http.post(`/api/imports/preview?mapping=booking-per-row&facilityId=${F}&file=a.json`).set('Authorization', t.admin).send({ a: 1 }).expect(415);
    expect(json.body.errors).toEqual([{ field: 'Content-Type', message: 'must not be application/json' }]);
  });
});
