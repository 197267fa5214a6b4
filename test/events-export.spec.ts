/**
 * GET /api/events/export and its restore (POST /api/events/restore, npm run import -- --ndjson):
 * exported, restored into a fresh instance, exported again: the same bytes, the same chain, the
 * same holds and custody records.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/imports/cli.js';
import { ev, facilityBody, story } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

const NOW = '2026-11-24T12:00:00.000Z';
const dir = mkdtempSync(join(tmpdir(), 'export-'));
const F = 'exp-a';
const G = 'exp-b';
let source: TestApp;

/** Sent in several requests at several times: the receipt times differ, and a restore must keep each. */
beforeAll(async () => {
  source = await startTestApp({ now: NOW });
  for (const f of [F, G])
    await source.http
      .put(`/api/facilities/${f}`)
      .set('Authorization', source.admin)
      .send(facilityBody({ timeZone: 'America/Chicago' }))
      .expect(200);
  const post = async (events: object[]) => (await source.http.post('/api/events').set('Authorization', source.admin).send({ events }).expect(200)).body;
  source.clock.set('2026-11-20T10:00:00.000Z');
  expect(await post([...story(F, 'b1', '2026-11-05T20:00:00Z', { at: '2026-11-09T21:30:00Z', kind: 'released' }), ...story(G, 'g1', '2026-11-06T15:00:00Z')])).toMatchObject({
    accepted: 7,
    rejected: [],
  });
  source.clock.set('2026-11-21T08:30:00.000Z');
  const wrong = ev.eligible({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-10T10:00:00Z', eventId: 'b2-wrong' });
  expect(await post([...story(F, 'b2', null), wrong])).toMatchObject({ accepted: 3, rejected: [] });
  source.clock.set('2026-11-22T09:00:00.000Z');
  // A retraction, and an event refused (not in the log, so not exported).
  expect(
    await post([
      ev.retracted({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-22T09:00:00Z', retractsEventId: 'b2-wrong', eventId: 'b2-retract' }),
      ev.eligible({ facilityId: F, bookingId: 'b2', occurredAt: '2026-11-12T10:00:00Z', eventId: 'b2-right' }),
      { type: 'nonsense' },
    ]),
  ).toMatchObject({ accepted: 2, rejected: [{ index: 2 }] });
  // Many events in one request: the export is read in pages of 1,000.
  source.clock.set('2026-11-23T07:00:00.000Z');
  const many = Array.from({ length: 700 }, (_, i) => story(G, `m${i}`, '2026-11-10T10:00:00Z')).flat();
  expect(await post(many)).toMatchObject({ accepted: 2100, rejected: [] });
  source.clock.set(NOW);
});
afterAll(() => source?.close());

const exportOf = async (t: TestApp, facilityId?: string) => {
  const res = await t.http
    .get(`/api/events/export${facilityId ? `?facilityId=${facilityId}` : ''}`)
    .set('Authorization', t.admin)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
  expect(res.status).toBe(200);
  return { text: res.body as string, headers: res.headers };
};

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { INIT_CWD: process.cwd() }, { out: (l) => out.push(l), err: (l) => err.push(l), tty: false, now: () => new Date(NOW) });
  return { code, out, err };
}

const view = async (t: TestApp, path: string) => {
  const items = (await t.http.get(path).set('Authorization', t.admin).expect(200)).body.items as Array<Record<string, unknown>>;
  return items.map(({ id: _, custodyId: __, ...rest }) => rest).sort((a, b) => String(a.bookingId).localeCompare(String(b.bookingId)) || String(a.detainerId).localeCompare(String(b.detainerId)));
};

describe('GET /api/events/export', () => {
  it('writes every event of the facility, retractions included, in the order stored, with its receipt time', async () => {
    const { text, headers } = await exportOf(source, F);
    expect(headers['content-type']).toBe('application/x-ndjson');
    expect(headers['content-disposition']).toBe(`attachment; filename="events-${F}.ndjson"; filename*=UTF-8''events-${F}.ndjson`);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(9);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((l) => [l.event.bookingId, l.event.type, l.receivedAt])).toEqual([
      ['b1', 'booking.opened', '2026-11-20T10:00:00.000Z'],
      ['b1', 'detainer.lodged', '2026-11-20T10:00:00.000Z'],
      ['b1', 'booking.release_eligible', '2026-11-20T10:00:00.000Z'],
      ['b1', 'booking.released', '2026-11-20T10:00:00.000Z'],
      ['b2', 'booking.opened', '2026-11-21T08:30:00.000Z'],
      ['b2', 'detainer.lodged', '2026-11-21T08:30:00.000Z'],
      ['b2', 'booking.release_eligible', '2026-11-21T08:30:00.000Z'],
      ['b2', 'event.retracted', '2026-11-22T09:00:00.000Z'],
      ['b2', 'booking.release_eligible', '2026-11-22T09:00:00.000Z'],
    ]);
    // Canonical JSON: keys sorted at every depth, the event as sent.
    expect(lines[7]).toBe(
      '{"event":{"bookingId":"b2","eventId":"b2-retract","facilityId":"exp-a","occurredAt":"2026-11-22T09:00:00Z","reason":"entered in error","retractsEventId":"b2-wrong","type":"event.retracted"},"receivedAt":"2026-11-22T09:00:00.000Z"}',
    );
    const all = (await exportOf(source)).text.split('\n').filter(Boolean);
    expect(all).toHaveLength(9 + 3 + 2100);
    expect((await exportOf(source, G)).text.split('\n').filter(Boolean)).toHaveLength(3 + 2100);
  });

  it('refuses a facility that is not configured, naming it', async () => {
    const res = await source.http.get('/api/events/export?facilityId=nowhere').set('Authorization', source.admin).expect(404);
    expect(res.body.message).toBe('facility "nowhere" not found');
    expect((await source.http.get('/api/events/export?facility=x').set('Authorization', source.admin).expect(400)).body.errors[0].field).toBe('facility');
  });
});

describe('restored into a fresh instance', () => {
  let copy: TestApp;
  let url: string;
  beforeAll(async () => {
    copy = await startTestApp({ now: NOW });
    await copy.app.listen(0, '127.0.0.1');
    url = await copy.app.getUrl();
    for (const f of [F, G])
      await copy.http
        .put(`/api/facilities/${f}`)
        .set('Authorization', copy.admin)
        .send(facilityBody({ timeZone: 'America/Chicago' }))
        .expect(200);
  });
  afterAll(() => copy?.close());

  it('npm run import -- --ndjson puts it back: exported again, the same bytes; the same chain, holds and custody records', async () => {
    const original = (await exportOf(source)).text;
    const file = join(dir, 'all.ndjson');
    writeFileSync(file, original);
    const dry = await cli('--ndjson', '--dry-run', file);
    expect(dry.out.at(-1)).toBe('restore: 1 file, 2112 lines read, 0 accepted, 0 duplicates, 0 refused (dry run: nothing sent)');

    const r = await cli('--ndjson', '--url', url, '--key', ADMIN_KEY, file);
    expect(r.err).toEqual([]);
    expect(r.out.at(-1)).toBe('restore: 1 file, 2112 lines read, 2112 accepted, 0 duplicates, 0 refused');
    expect(r.code).toBe(0);

    expect((await exportOf(copy)).text).toBe(original);
    expect((await exportOf(copy, F)).text).toBe((await exportOf(source, F)).text);
    for (const f of [F, G]) {
      const verify = async (t: TestApp) => (await t.http.get(`/api/audit/verify?facilityId=${f}`).set('Authorization', t.admin).expect(200)).body;
      expect(await verify(copy)).toEqual(await verify(source));
      expect((await verify(copy)).ok).toBe(true);
    }
    for (const path of [`/api/holds?facilityId=${F}&limit=1000`, `/api/holds?facilityId=${G}&limit=1000`, `/api/custody?facilityId=${F}&limit=1000`, `/api/custody?facilityId=${G}&limit=1000`]) {
      const restored = await view(copy, path);
      expect(restored.length).toBeGreaterThan(0);
      expect(restored).toEqual(await view(source, path));
    }

    // Restored again: nothing changes.
    const again = await cli('--ndjson', '--url', url, '--key', ADMIN_KEY, file);
    expect(again.out.at(-1)).toBe('restore: 1 file, 2112 lines read, 0 accepted, 2112 duplicates, 0 refused');
    expect((await exportOf(copy)).text).toBe(original);
  });

  it('a line that is not an export line is refused with its line number and kept; the rest is restored', async () => {
    const line = (event: object, receivedAt: string) => JSON.stringify({ event, receivedAt });
    const body = [
      line(ev.opened({ facilityId: F, bookingId: 'late', occurredAt: '2026-11-01T10:00:00Z', eventId: 'late-open' }), '2026-11-02T10:00:00Z'),
      '',
      'not json',
      line(ev.lodged({ facilityId: F, bookingId: 'late', occurredAt: '2026-11-01T11:00:00Z', eventId: 'late-lodged' }), '2027-01-01T00:00:00Z'),
      line(ev.lodged({ facilityId: 'unknown', bookingId: 'x', occurredAt: '2026-11-01T11:00:00Z', eventId: 'x-lodged' }), '2026-11-02T10:00:00Z'),
    ].join('\n');
    const res = await copy.http.post('/api/events/restore').set('Authorization', copy.admin).set('Content-Type', 'application/x-ndjson').send(body).expect(200);
    expect(res.body).toEqual({
      lines: 4,
      accepted: 1,
      duplicates: 0,
      rejected: [
        { line: 3, eventId: null, errors: [{ field: 'line', message: expect.stringMatching(/^not valid JSON \(/) }] },
        { line: 4, eventId: 'late-lodged', errors: [{ field: 'receivedAt', message: 'is after now (2026-11-24T12:00:00.000Z): a receipt cannot lie ahead' }] },
        { line: 5, eventId: 'x-lodged', errors: [{ field: 'facilityId', message: 'unknown facility "unknown"; configure it first with PUT /api/facilities/unknown' }] },
      ],
    });
    const kept = (await copy.http.get('/api/events/rejected').set('Authorization', copy.admin).expect(200)).body.items;
    expect(kept.map((k: { eventId: string | null; body: unknown }) => [k.eventId, k.body]).sort()).toEqual(
      [
        [null, { restoreLine: 'not json' }],
        ['late-lodged', { restoreLine: body.split('\n')[3] }],
        ['x-lodged', JSON.parse(body.split('\n')[4]).event],
      ].sort(),
    );
    const stored = await copy.ds.query(`SELECT received_at FROM events WHERE event_id = 'late-open'`);
    expect(stored[0].received_at.toISOString()).toBe('2026-11-02T10:00:00.000Z');
  });

  it('refuses more than 5,000 lines, and a body that is not UTF-8, whole', async () => {
    const many = Array.from({ length: 5001 }, () => '{}').join('\n');
    expect((await copy.http.post('/api/events/restore').set('Authorization', copy.admin).set('Content-Type', 'application/x-ndjson').send(many).expect(400)).body.errors).toEqual([
      { field: 'body', message: 'at most 5000 lines per request, got 5001; send the export in parts' },
    ]);
    expect(
      (
        await copy.http
          .post('/api/events/restore')
          .set('Authorization', copy.admin)
          .set('Content-Type', 'application/x-ndjson')
          .send(Buffer.from([0xff, 0xfe, 0x41]))
          .expect(400)
      ).body.errors,
    ).toEqual([{ field: 'body', message: 'not valid UTF-8: send the export file as it was written' }]);
  });
});
