import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { ImportEvent } from './engine.js';
import { MappingError, parseMapping, type Mapping } from './mapping.js';
import { runImport, type ImportSink, type ImportSummary, type RejectRow } from './runner.js';

const NOW = '2026-11-24T12:00:00Z';
const shipped = (name: string) => parseMapping(readFileSync(`mappings/${name}.yaml`, 'utf8'), name);
const fixture = (name: string) => readFileSync(`test/fixtures/imports/${name}`);

async function* chunks(bytes: Buffer, size = 64 * 1024) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface Collected extends ImportSummary {
  sent: ImportEvent[];
  kept: RejectRow[];
}

async function run(mapping: Mapping, bytes: Buffer | string, known: Array<{ bookingId: string; eventId: string }> = [], chunkSize?: number): Promise<Collected> {
  const sent: ImportEvent[] = [];
  const kept: RejectRow[] = [];
  const sink: ImportSink = {
    knownEvents: async (_f, _p, ids) => known.filter((k) => ids.includes(k.bookingId)),
    postEvents: async (events) => {
      sent.push(...events);
      return { accepted: events.length, duplicates: 0, rejected: [] };
    },
    keepRejects: async (_f, _file, rows) => {
      kept.push(...rows);
    },
  };
  const s = await runImport(chunks(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), chunkSize), mapping, sink, { facilityId: 'f', file: 'export', now: NOW });
  return { ...s, sent, kept };
}

const MINI = `
name: mini
format: csv
timeZone: America/Chicago
idPrefix: t
booking:
  id: bk
  personId: person
  bookedAt: { from: booked, format: "yyyy-MM-dd HH:mm" }
detainers:
  - when: { from: hold, equals: "Y" }
    id: { value: d1 }
    form: { value: I-247A }
    lodgedAt: { sameAs: bookedAt }
releaseEligible:
  at: { from: eligible, format: "yyyy-MM-dd HH:mm" }
custodyEnd:
  at: { from: left, format: "yyyy-MM-dd HH:mm" }
  disposition: to
  transferredTo: [{ equals: ICE, to: ICE }]
`;
const mini = (extra = '') => parseMapping(MINI + extra, 'mini.yaml');
const HEADER = 'bk,person,booked,hold,eligible,left,to\n';

describe('the mapping file', () => {
  it('names the path of every problem: an unknown key, a bad zone, a bad pattern, a missing part', () => {
    const bad = MINI.replace('timeZone: America/Chicago', 'timeZone: Mars/Base\ncolour: red').replace('equals: "Y"', 'matches: "(["').replace('  personId: person\n', '');
    let error: MappingError | null = null;
    try {
      parseMapping(bad, 'bad.yaml');
    } catch (e) {
      error = e as MappingError;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'colour: is not a known key',
        'timeZone: must be an IANA region zone such as America/Chicago',
        'detainers.0.when.matches: is not a valid regular expression',
        expect.stringMatching(/^booking\.personId: /),
      ]),
    );
    expect(error!.message).toContain('mapping bad.yaml is not usable');
  });

  it('refuses what is not YAML, and XML keys in a CSV mapping', () => {
    expect(() => parseMapping('a: [', 'x.yaml')).toThrow(/not YAML or JSON/);
    expect(() => parseMapping(MINI.replace('  - when:', '  - each: Charge\n    when:'), 'x.yaml')).toThrow(/each: is for XML only/);
  });

  it('the example in docs/imports.md is a valid mapping', () => {
    const doc = readFileSync('docs/imports.md', 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1];
    expect(parseMapping(example, 'docs example').name).toBe('county-x');
  });

  it('the shipped mappings are valid', () => {
    for (const name of ['pierce-county', 'booking-per-row', 'ojbc-booking-report']) expect(shipped(name).name).toBe(name);
  });
});

describe('CSV exports', () => {
  it('the generic template: detainers, releases, transfers; a booking without a detainer skipped; a date-only time kept as a reject', async () => {
    const s = await run(shipped('booking-per-row'), fixture('booking-per-row.csv'));
    expect(s).toMatchObject({ refused: null, rowsRead: 5, bookings: 5, bookingsImported: 3, bookingsSkipped: 1, detainers: 3, rejectedRows: 1 });
    expect(s.kept).toEqual([{ line: 6, content: expect.stringMatching(/^B-1005,/), reason: expect.stringContaining('"2026-11-05" is a date without a time of day') }]);
    const b1 = s.sent.filter((e) => e.bookingId === 'B-1001');
    expect(b1.map((e) => [e.type, e.occurredAt])).toEqual([
      ['booking.opened', '2026-11-02T08:15:00-06:00'],
      ['detainer.lodged', '2026-11-02T10:00:00-06:00'],
      ['booking.release_eligible', '2026-11-05T15:00:00-06:00'],
      ['booking.custody_transferred', '2026-11-06T09:00:00-06:00'],
    ]);
    expect(b1[0]).toMatchObject({ personId: 'P-1', person: { name: 'Doe, Jane', dateOfBirth: '1990-01-02' }, charges: [{ description: 'THEFT 2', level: 'felony' }] });
    expect(b1[1]).toMatchObject({ detainerId: 'B-1001-detainer', form: 'I-247A', agency: 'ICE' });
    expect(b1[2]).toMatchObject({ reason: 'bail_posted' });
    expect(b1[3]).toMatchObject({ toAgency: 'ICE' });
    // No form in the row: the mapping's default, said in the summary rather than silently.
    expect(s.sent.find((e) => e.bookingId === 'B-1002' && e.type === 'detainer.lodged')).toMatchObject({ form: 'other', agency: 'ICE' });
    expect(Object.keys(s.notes)).toEqual(expect.arrayContaining([expect.stringContaining('detainers.0.form: not in the source (detainer_form empty)')]));
    expect(s.sent.filter((e) => e.bookingId === 'B-1002').map((e) => e.type)).toContain('booking.released');
    expect(s.sent.filter((e) => e.bookingId === 'B-1004').map((e) => e.type)).toEqual(['booking.opened', 'detainer.lodged', 'detainer.cancelled', 'booking.release_eligible', 'booking.released']);
    // Only contract fields: no row numbers or precision unless the mapping asks.
    expect(s.sent.filter((e) => 'extensions' in e)).toEqual([]);
  });

  it('event ids come from the source: the same file gives the same ids, a corrected value a new id and a retraction of the old', async () => {
    const file = `${HEADER}B1,P1,2026-11-02 08:00,Y,2026-11-03 10:00,2026-11-04 10:00,\n`;
    const a = await run(mini(), file);
    const b = await run(mini(), file);
    expect(b.sent.map((e) => e.eventId)).toEqual(a.sent.map((e) => e.eventId));
    expect(a.sent.every((e) => /^t:B1:[a-z.0-9-]+:[0-9a-f]{12}$/.test(e.eventId))).toBe(true);

    const known = a.sent.map((e) => ({ bookingId: e.bookingId, eventId: e.eventId }));
    const corrected = await run(mini(), file.replace('2026-11-04 10:00', '2026-11-04 11:00'), known);
    const left = a.sent.find((e) => e.type === 'booking.released')!;
    expect(corrected.retracted).toBe(1);
    expect(corrected.sent.filter((e) => e.type === 'event.retracted')).toEqual([
      expect.objectContaining({ retractsEventId: left.eventId, bookingId: 'B1', occurredAt: NOW, reason: expect.stringContaining('corrected export') }),
    ]);
    expect(corrected.sent.find((e) => e.type === 'booking.released')!.eventId).not.toBe(left.eventId);

    // The detainer gone from a booking: the booking is still asked about, and what was imported retracted.
    const noHold = await run(mini(), file.replace(',Y,', ',N,'), known);
    expect(noHold).toMatchObject({ bookingsSkipped: 1, retracted: known.length });
  });

  it('reads a BOM, CRLF line ends, UTF-16 with its mark, and Latin-1 when the mapping says so', async () => {
    const text = `${HEADER}B1,P1,2026-11-02 08:00,Y,,,\nB2,P2,2026-11-02 09:00,Y,,,\n`;
    const expected = (await run(mini(), text)).sent;
    expect(expected).toHaveLength(4);
    const crlf = text.replace(/\n/g, '\r\n');
    expect((await run(mini(), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]))).sent).toEqual(expected);
    // A chunk boundary inside a UTF-16 character.
    expect((await run(mini(), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]), [], 7)).sent).toEqual(expected);
    const latin1 = Buffer.from(`${HEADER}B1,José,2026-11-02 08:00,Y,,,\n`, 'latin1');
    const refused = await run(mini(), latin1);
    expect(refused.refused).toMatch(/not valid utf-8 text.*csv\.encoding: latin1/);
    const read = await run(mini('csv:\n  encoding: latin1\n'), latin1);
    expect(read.sent[0]).toMatchObject({ personId: 'José' });
    expect((await run(mini(), Buffer.from(crlf, 'utf16le'))).refused).toMatch(/UTF-16 without a byte order mark/);
  });

  it('refuses a file without a column the mapping reads, naming it', async () => {
    const s = await run(mini(), 'bk,person,booked,hold,eligible\nB1,P1,2026-11-02 08:00,Y,\n');
    expect(s.refused).toBe('missing columns "left", "to"; the file\'s columns are "bk", "person", "booked", "hold", "eligible"');
    expect(s.sent).toEqual([]);
  });

  it('keeps a row with an unbalanced quote, a wrong number of fields or a date that does not parse as a reject, and imports the rest', async () => {
    const s = await run(
      mini(),
      `${HEADER}B1,P1,2026-11-02 08:00,Y,,,\nB2,P2,2026-11-02 09:00,Y,,,,extra\nB3,P3,2026-13-45 08:00,Y,,,\nB4,P4,2026-03-08 02:30,Y,,,\nB5,"P5,2026-11-02 08:00,Y,,,\nB6,P6,2026-11-02 08:00,Y,,,\n`,
    );
    expect(s.sent.map((e) => e.bookingId)).toEqual(['B1', 'B1']);
    s.kept.sort((a, b) => a.line - b.line);
    expect(s.kept.map((r) => [r.line, r.reason.replace(/:.*/s, '')])).toEqual([
      [3, 'not a CSV row'],
      [4, 'booking B3'],
      [5, 'booking B4'],
      [6, 'not a CSV row'],
    ]);
    expect(s.kept[1].reason).toContain('"2026-13-45 08:00" is not a time in the format "yyyy-MM-dd HH:mm"');
    expect(s.kept[2].reason).toContain('does not exist in America/Chicago');
    expect(s.kept[3].content).toContain('B6,P6'); // the quote never closed: the rest of the file is that one kept row
    expect(s.rowsRead).toBe(5); // B5 and B6 are one broken record
  });

  it('a booking whose rows are not together is kept as a reject (its halves would retract each other)', async () => {
    const s = await run(mini(), `${HEADER}B1,P1,2026-11-02 08:00,Y,,,\nB2,P2,2026-11-02 09:00,Y,,,\nB1,P1,2026-11-02 08:00,Y,,,\n`);
    expect(s.kept).toEqual([expect.objectContaining({ line: 4, reason: expect.stringContaining('its rows are not together') })]);
  });

  it('dateOnly: startOfDay takes the facility-local start of the day and says so; extensions carry source and precision only when asked', async () => {
    const m = mini('dateOnly: startOfDay\nextensions: { source: true, precision: true }\n');
    const spec = m.releaseEligible!.at as { format: string | string[] };
    spec.format = ['yyyy-MM-dd HH:mm', 'yyyy-MM-dd'];
    const s = await run(m, `${HEADER}B1,P1,2026-11-02 08:00,Y,2026-11-03,,\n`);
    const eligible = s.sent.find((e) => e.type === 'booking.release_eligible')!;
    expect(eligible).toMatchObject({ occurredAt: '2026-11-03T00:00:00-06:00', extensions: { source: { file: 'export', lines: [2] }, precision: 'day' } });
    expect(s.sent.find((e) => e.type === 'booking.opened')!.extensions).toEqual({ source: { file: 'export', lines: [2] } });
    expect(Object.keys(s.notes)).toEqual([expect.stringContaining('releaseEligible.at: a date without a time of day; the facility-local start')]);
  });

  it('maps the events the custody work adds (booking.eligibility_ended, detainer.amended) when a mapping asks', async () => {
    const m = mini(`eligibilityEnded:\n  - when: { from: to, equals: WARRANT }\n    at: { from: left, format: "yyyy-MM-dd HH:mm" }\n    reason: { value: warrant }\n`);
    m.detainers[0].amended = { when: { from: 'eligible', present: true }, at: { from: 'eligible', format: 'yyyy-MM-dd HH:mm' }, form: { value: 'I-247D' } };
    m.custodyEnd!.when = { from: 'to', equals: 'ICE' };
    const s = await run(m, `${HEADER}B1,P1,2026-11-02 08:00,Y,2026-11-03 10:00,2026-11-04 10:00,WARRANT\n`);
    expect(s.sent.find((e) => e.type === 'booking.eligibility_ended')).toMatchObject({ occurredAt: '2026-11-04T10:00:00-06:00', reason: 'warrant' });
    expect(s.sent.find((e) => e.type === 'detainer.amended')).toMatchObject({ detainerId: 'd1', form: 'I-247D' });
  });

  it('streams: a file of 100,000 rows in small chunks keeps memory flat', async () => {
    const rows = 100_000;
    let made = 0;
    async function* big() {
      yield Buffer.from(HEADER);
      while (made < rows) {
        let chunk = '';
        for (let i = 0; i < 2000 && made < rows; i++, made++) chunk += `B${made},P${made},2026-11-02 08:00,${made % 10 === 0 ? 'Y' : 'N'},2026-11-03 10:00,2026-11-04 10:00,ICE\n`;
        yield Buffer.from(chunk);
      }
    }
    let sent = 0;
    let peak = 0;
    const sink: ImportSink = {
      knownEvents: async () => [],
      postEvents: async (events) => {
        sent += events.length;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        return { accepted: events.length, duplicates: 0, rejected: [] };
      },
      keepRejects: async () => {},
    };
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const s = await runImport(big(), mini(), sink, { facilityId: 'f', file: 'big', now: NOW });
    expect(s).toMatchObject({ rowsRead: rows, bookingsImported: rows / 10, bookingsSkipped: rows - rows / 10, rejectedRows: 0 });
    expect(sent).toBe((rows / 10) * 4);
    // ~10 MB of CSV read; what is held at once is a batch of events and the set of bookings seen.
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  });
});

describe('XML exports (OJBC)', () => {
  const ojbc = shipped('ojbc-booking-report');

  it('a Booking Report gives the booking, its local charges and the hold for ICE; form and receipt time reported as not in the source', async () => {
    const s = await run(ojbc, fixture('ojbc-booking-report.xml'));
    expect(s).toMatchObject({ refused: null, rowsRead: 1, bookingsImported: 1, detainers: 1, rejectedRows: 0 });
    expect(s.sent.map((e) => e.type)).toEqual(['booking.opened', 'detainer.lodged', 'booking.release_eligible']);
    expect(s.sent[0]).toMatchObject({
      bookingId: 'BK-2026-0042',
      personId: 'SUBJ-77',
      occurredAt: '2026-11-02T08:15:00-07:00',
      person: { name: 'Lopez & Ruiz, Ana', dateOfBirth: '1988-04-09' },
      charges: [{ code: '18-4-401', description: 'Theft 2', level: 'felony', disposition: 'pending' }],
    });
    expect(s.sent[1]).toMatchObject({ detainerId: 'Charge_02', form: 'other', agency: 'ICE', occurredAt: '2026-11-02T08:15:00-07:00' });
    expect(s.sent[2]).toMatchObject({ occurredAt: '2026-11-05T00:00:00-07:00' });
    expect(Object.keys(s.notes).sort()).toEqual([
      'booking.charges.disposition: not in the source (ChargeDisposition/DispositionText empty); the mapping\'s default "pending" was used',
      'detainers.0.form: not in the source; the mapping\'s default "other" was used',
      'detainers.0.lodgedAt: not in the source; the booking time was used',
      'releaseEligible.at: a date without a time of day; the facility-local start of that day was used (dateOnly: startOfDay)',
    ]);
  });

  it("a Custody Status Change Report gives the release, and no charges that would replace the booking report's", async () => {
    const s = await run(ojbc, fixture('ojbc-custody-status-change.xml'));
    expect(s.sent.map((e) => e.type)).toEqual(['booking.opened', 'detainer.lodged', 'booking.released']);
    expect(s.sent[0]).not.toHaveProperty('charges');
    expect(s.sent[2]).toMatchObject({ occurredAt: '2026-11-09T16:45:00-07:00' });
  });

  it('several documents under any wrapper element are one booking each', async () => {
    const one = fixture('ojbc-booking-report.xml')
      .toString()
      .replace(/<\?xml[^>]*\?>/, '');
    const s = await run(ojbc, `<?xml version="1.0"?><Batch>${one}${one.replace(/BK-2026-0042/g, 'BK-2026-0043')}</Batch>`);
    expect(s).toMatchObject({ rowsRead: 2, bookingsImported: 2 });
  });

  it('refuses external entities and a billion-laughs payload without expanding anything', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><BookingReport><Booking>&x;</Booking></BookingReport>`;
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><BookingReport>&lol3;</BookingReport>`;
    for (const doc of [xxe, laughs]) {
      const s = await run(ojbc, doc);
      expect(s.refused).toMatch(/DOCTYPE: DTDs and their entities are refused/);
      expect(s.sent).toEqual([]);
    }
    // An entity used without any declaration is not well-formed.
    expect((await run(ojbc, '<BookingReport>&lol;</BookingReport>')).refused).toMatch(/not well-formed XML/);
  });

  it('refuses a document of another kind, naming its root element', async () => {
    const s = await run(ojbc, '<?xml version="1.0"?><ArrestReport><Booking/></ArrestReport>');
    expect(s.refused).toBe('no <BookingReport> or <CustodyStatusChangeReport> element in the file (its root element is <ArrestReport>)');
  });
});
