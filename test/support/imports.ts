import type { ImportEvent } from '../../src/imports/engine.js';
import type { ImportSink, PostResult, RejectRow } from '../../src/imports/runner.js';
import type { TestApp } from './test-app.js';

/** The importer's sink over a test app's HTTP API, as the CLI's is over a real server's. */
export function apiSink(t: TestApp, key = t.admin): ImportSink {
  return {
    async knownEvents(facilityId: string, idPrefix: string, bookingIds: string[]) {
      const res = await t.http.post('/api/imports/events-in-force').set('Authorization', key).send({ facilityId, idPrefix, bookingIds });
      if (res.status !== 200) throw new Error(`events-in-force: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.events;
    },
    async postEvents(events: ImportEvent[]): Promise<PostResult> {
      const res = await t.http.post('/api/events').set('Authorization', key).send({ events });
      if (res.status !== 200) throw new Error(`events: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async keepRejects(facilityId: string, file: string, rejects: RejectRow[]) {
      const res = await t.http.post('/api/imports/rejects').set('Authorization', key).send({ facilityId, file, rejects });
      if (res.status !== 200) throw new Error(`rejects: ${res.status} ${JSON.stringify(res.body)}`);
    },
  };
}
