/**
 * The shipped Pierce County mapping against the bespoke replay it replaces, on the real data:
 * the same events (content and order per booking) and, through the API, the same holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bookingEvents, groupBookings, parsePierceCsv, PIERCE_FACILITY } from '../scripts/pierce-county.js';
import { parseMapping } from '../src/imports/mapping.js';
import { runImport, type ImportSink } from '../src/imports/runner.js';
import type { ImportEvent } from '../src/imports/engine.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { apiSink } from './support/imports.js';

const CSV = resolve(process.cwd(), '../shared/data/pierce-county-immigration-holds.csv');
const present = existsSync(CSV);
if (!present) console.warn(`SKIPPED: Pierce County import: ${CSV} is not here (it is in CI, beside the clone).`);

const mapping = parseMapping(readFileSync('mappings/pierce-county.yaml', 'utf8'), 'mappings/pierce-county.yaml');
const NOW = '2026-11-24T12:00:00Z';

function collector(): ImportSink & { events: ImportEvent[] } {
  const events: ImportEvent[] = [];
  return {
    events,
    knownEvents: async () => [],
    postEvents: async (batch) => {
      events.push(...batch);
      return { accepted: batch.length, duplicates: 0, rejected: [] };
    },
    keepRejects: async () => {},
  };
}

const withoutId = ({ eventId: _, ...rest }: Record<string, unknown>) => rest;

(present ? describe : describe.skip)('Pierce County, WA with mappings/pierce-county.yaml', () => {
  it('gives the events the bespoke replay gave, booking by booking, and nothing to reject', async () => {
    const sink = collector();
    const summary = await runImport(createReadStream(CSV), mapping, sink, { facilityId: PIERCE_FACILITY.id, file: 'pierce.csv', now: NOW });
    expect(summary).toMatchObject({ refused: null, rowsRead: 691, bookings: 204, bookingsImported: 204, detainers: 204, rejectedRows: 0 });
    const replay = groupBookings(parsePierceCsv(readFileSync(CSV, 'utf8'))).flatMap((b) => bookingEvents(b)) as Array<Record<string, unknown>>;
    expect(sink.events.map(withoutId)).toEqual(replay.map(withoutId));
  });

  describe('through the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.close());

    it('gives the same holds, to the second, as the replay; a second import changes nothing', async () => {
      const replayed = 'pierce-replayed';
      for (const id of [PIERCE_FACILITY.id, replayed]) await t.http.put(`/api/facilities/${id}`).set('Authorization', t.admin).send(PIERCE_FACILITY.body).expect(200);
      const events = groupBookings(parsePierceCsv(readFileSync(CSV, 'utf8'))).flatMap((b) => bookingEvents(b, replayed));
      expect((await t.http.post('/api/events').set('Authorization', t.admin).send({ events }).expect(200)).body.rejected).toEqual([]);

      const sink = apiSink(t);
      const first = await runImport(createReadStream(CSV), mapping, sink, { facilityId: PIERCE_FACILITY.id, file: 'pierce.csv', now: NOW });
      expect(first).toMatchObject({ events: events.length, accepted: events.length, duplicates: 0, retracted: 0, refusedByServer: 0, rejectedRows: 0 });

      const view = async (facilityId: string) => {
        const items = (await t.http.get(`/api/holds?facilityId=${facilityId}&limit=1000`).set('Authorization', t.admin).expect(200)).body.items as Array<Record<string, unknown>>;
        return items.map((h): Record<string, unknown> => ({ ...h, id: undefined, facilityId: undefined, custodyId: undefined })).sort((a, b) => String(a.bookingId).localeCompare(String(b.bookingId)));
      };
      const imported = await view(PIERCE_FACILITY.id);
      expect(imported).toHaveLength(204);
      expect(imported).toEqual(await view(replayed));

      const before = await t.ds.query('SELECT id, deadline_at, compliant, overage_ms FROM holds ORDER BY id');
      const again = await runImport(createReadStream(CSV), mapping, sink, { facilityId: PIERCE_FACILITY.id, file: 'pierce.csv', now: NOW });
      expect(again).toMatchObject({ accepted: 0, duplicates: events.length, retracted: 0, rejectedRows: 0 });
      expect(await t.ds.query('SELECT id, deadline_at, compliant, overage_ms FROM holds ORDER BY id')).toEqual(before);
    });
  });
});
