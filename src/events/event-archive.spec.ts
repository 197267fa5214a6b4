import { describe, expect, it } from '@jest/globals';
import { archiveLine, readArchiveLine } from './event-archive.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('export lines', () => {
  it('are canonical JSON, keys sorted at every depth, one per line', () => {
    expect(archiveLine({ type: 't', eventId: 'e', charges: [{ level: 'felony', code: 'X' }] }, new Date('2026-11-02T10:00:00+01:00'))).toBe(
      '{"event":{"charges":[{"code":"X","level":"felony"}],"eventId":"e","type":"t"},"receivedAt":"2026-11-02T09:00:00.000Z"}\n',
    );
  });

  it('read back give the event and its receipt time', () => {
    const line = archiveLine({ eventId: 'e', type: 't' }, new Date('2026-11-02T09:00:00Z')).trimEnd();
    expect(readArchiveLine(line, NOW)).toEqual({ ok: true, event: { eventId: 'e', type: 't' }, receivedAt: new Date('2026-11-02T09:00:00Z') });
  });

  it('that are not export lines say which field is wrong', () => {
    expect(readArchiveLine('[1]', NOW)).toEqual({ ok: false, eventId: null, errors: [{ field: 'line', message: 'must be an object {"event": {...}, "receivedAt": "..."}, as an export writes it' }] });
    expect(readArchiveLine('{"event":{"eventId":"e"},"receivedAt":"yesterday","seq":4}', NOW)).toEqual({
      ok: false,
      eventId: 'e',
      errors: [
        { field: 'seq', message: 'unknown field; a line is {"event": {...}, "receivedAt": "..."}' },
        { field: 'receivedAt', message: 'must be an ISO 8601 instant with an offset or Z' },
      ],
    });
    expect(readArchiveLine('{"event":"e","receivedAt":"2026-11-24T12:00:01Z"}', NOW)).toEqual({
      ok: false,
      eventId: null,
      errors: [
        { field: 'event', message: 'must be an event object' },
        { field: 'receivedAt', message: 'is after now (2026-11-24T12:00:00.000Z): a receipt cannot lie ahead' },
      ],
    });
  });
});
