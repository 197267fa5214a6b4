import { describe, expect, it } from '@jest/globals';
import { validateEvent, type JmsEvent } from '../events/event.schema.js';
import { addScreeningFact, emptyScreening, screeningAt, screeningInstants } from './screening-facts.js';

const at = (iso: string) => Date.parse(iso);
const event = (type: string, extra: object, eventId: string): JmsEvent => {
  const v = validateEvent({ eventId, type, occurredAt: '2026-01-01T00:00:00Z', facilityId: 'f', bookingId: 'b', ...extra });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.event;
};

describe('screening facts', () => {
  const s = emptyScreening();
  addScreeningFact(s, event('booking.opened', { personId: 'p', charges: [{ level: 'traffic', code: 'VTL 511' }] }, 'e1'), at('2026-01-01T00:00:00Z'));
  addScreeningFact(s, event('booking.charges_updated', { charges: [{ level: 'felony', classes: ['violent_felony'] }] }, 'e2'), at('2026-01-03T00:00:00Z'));
  addScreeningFact(s, event('booking.criminal_history', { convictions: [] }, 'e3'), at('2026-01-02T00:00:00Z'));
  addScreeningFact(s, event('booking.criminal_history', { convictions: [{ classes: ['serious_felony'], convictedAt: '2022-05-01', jurisdiction: 'NY' }] }, 'e4'), at('2026-01-04T00:00:00Z'));
  addScreeningFact(s, event('booking.flagged', { flag: 'victim' }, 'e5'), at('2026-01-02T00:00:00Z'));
  addScreeningFact(s, event('booking.unflagged', { flag: 'victim' }, 'e6'), at('2026-01-05T00:00:00Z'));
  addScreeningFact(s, event('booking.flagged', { flag: 'victim' }, 'e5'), at('2026-01-02T00:00:00Z')); // sent again: once

  it('are read as known at an instant: the latest list, the history (null before any), the flags set', () => {
    const brief = (t: number) => {
      const k = screeningAt(s, t);
      return [k.charges.map((c) => c.level), k.convictions === null ? null : k.convictions.map((c) => c.convictedAt), k.flags];
    };
    expect(brief(at('2026-01-01T12:00:00Z'))).toEqual([['traffic'], null, []]);
    expect(brief(at('2026-01-02T00:00:00Z'))).toEqual([['traffic'], [], ['victim']]);
    expect(brief(at('2026-01-04T00:00:00Z'))).toEqual([['felony'], ['2022-05-01'], ['victim']]);
    expect(brief(Infinity)).toEqual([['felony'], ['2022-05-01'], []]);
    expect(s.flags).toHaveLength(2);
  });

  it('change at the instants of their events', () => {
    expect(screeningInstants(s).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05']);
  });

  it('refuse an unknown class or flag naming the field', () => {
    const bad = (type: string, extra: object) => {
      const v = validateEvent({ eventId: 'x', type, occurredAt: '2026-01-01T00:00:00Z', facilityId: 'f', bookingId: 'b', ...extra });
      return v.ok ? [] : v.errors.map((e) => e.field);
    };
    expect(bad('booking.charges_updated', { charges: [{ level: 'felony', classes: ['felony', 'violent-felony'] }] })).toEqual(['charges.0.classes.1']);
    expect(bad('booking.criminal_history', { convictions: [{ classes: ['murder'], convictedAt: '2022-02-30' }] })).toEqual(['convictions.0.classes.0', 'convictions.0.convictedAt']);
    expect(bad('booking.criminal_history', {})).toEqual(['convictions']);
    expect(bad('booking.flagged', { flag: 'vip' })).toEqual(['flag']);
    expect(bad('booking.unflagged', { flag: 'victim', note: 'x' })).toEqual(['note']);
  });
});
