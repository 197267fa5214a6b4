/**
 * The shipped Pierce County mapping on the real data gives exactly the verdicts the bespoke replay
 * it replaced gave (recorded in test/fixtures/imports/pierce-verdicts.json before that replay was
 * removed), to the second; importing the file again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { importPierce, PIERCE_CSV, PIERCE_FACILITY, pierceEvents, piercePresent } from './support/pierce.js';
import { apiSink } from './support/imports.js';
import { startTestApp, type TestApp } from './support/test-app.js';

if (!piercePresent) console.warn(`SKIPPED: Pierce County import: ${PIERCE_CSV} is not here (it is in CI, beside the clone).`);

const recorded = JSON.parse(readFileSync('test/fixtures/imports/pierce-verdicts.json', 'utf8')) as { columns: string[]; holds: unknown[][] };

(piercePresent ? describe : describe.skip)('Pierce County, WA with mappings/pierce-county.yaml', () => {
  it('maps every row, nothing to reject: a detainer and its whole story for each of the 204 bookings', async () => {
    const events = await pierceEvents();
    const types = new Map<string, number>();
    for (const e of events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    expect(events).toHaveLength(827);
    expect(Object.fromEntries(types)).toEqual({
      'booking.opened': 204,
      'detainer.lodged': 204,
      'detainer.cancelled': 11,
      'booking.release_eligible': 204,
      'booking.custody_transferred': 121,
      'booking.released': 83,
    });
  });

  describe('through the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      await t.http.put(`/api/facilities/${PIERCE_FACILITY.id}`).set('Authorization', t.admin).send(PIERCE_FACILITY.body).expect(200);
    });
    afterAll(() => t?.close());

    const verdicts = async () => {
      const items = (await t.http.get(`/api/holds?facilityId=${PIERCE_FACILITY.id}&limit=1000`).set('Authorization', t.admin).expect(200)).body.items as Array<Record<string, unknown>>;
      return items.map((h) => recorded.columns.map((c) => h[c])).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    };

    it('gives the verdicts the bespoke replay gave, to the second; a second import changes nothing', async () => {
      const sink = apiSink(t);
      const first = await importPierce(sink);
      expect(first).toMatchObject({ refused: null, rowsRead: 691, bookings: 204, bookingsImported: 204, detainers: 204, duplicates: 0, retracted: 0, refusedByServer: 0, rejectedRows: 0 });
      expect(first.accepted).toBe(first.events);
      expect(await verdicts()).toEqual(recorded.holds);

      const before = await t.ds.query('SELECT id, deadline_at, compliant, overage_ms FROM holds ORDER BY id');
      const again = await importPierce(sink);
      expect(again).toMatchObject({ accepted: 0, duplicates: first.events, retracted: 0, rejectedRows: 0 });
      expect(await t.ds.query('SELECT id, deadline_at, compliant, overage_ms FROM holds ORDER BY id')).toEqual(before);
      expect(await verdicts()).toEqual(recorded.holds);
    });
  });
});
