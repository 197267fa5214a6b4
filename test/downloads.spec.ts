/** Downloads name their files per RFC 6266/5987, whatever the ids carry; PDFs print names in any script. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { attachment } from '../src/common/content-disposition.js';
import { ev, facilityBody } from './support/factories.js';
import { readPdf } from './support/pdf-text.js';
import { bytes } from './support/bytes.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ID = 'Жанна-李"; filename="evil.exe';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-24T12:00:00.000Z' });
  await t.http
    .put('/api/facilities/dl')
    .set('Authorization', t.admin)
    .send(facilityBody({ name: 'Округ 县 مقاطعة' }))
    .expect(200);
  await t.http
    .post('/api/events')
    .set('Authorization', t.admin)
    .send({ events: [ev.opened({ facilityId: 'dl', bookingId: ID, personId: ID, occurredAt: '2026-11-01T10:00:00Z', person: { name: 'Жанна Иванова 李小龍 زينب' } })] })
    .expect(200);
});
afterAll(() => t.close());

describe('Content-Disposition', () => {
  it('is a safe ASCII fallback and the UTF-8 name percent-encoded', () => {
    expect(attachment('history-Ж "a";b.pdf')).toBe(`attachment; filename="history-___a__b.pdf"; filename*=UTF-8''history-%D0%96%20%22a%22%3Bb.pdf`);
    expect(attachment("it's (x)*.csv")).toBe(`attachment; filename="it_s__x__.csv"; filename*=UTF-8''it%27s%20%28x%29%2A.csv`);
  });

  it('of every download of a history whose ids are in other scripts and carry quotes: 200, one filename of each kind', async () => {
    const enc = encodeURIComponent(ID).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const ascii = ID.replace(/[^A-Za-z0-9._-]/g, '_');
    for (const [path, name] of [
      [`/api/bookings/${encodeURIComponent(ID)}/history`, 'history-'],
      [`/api/people/${encodeURIComponent(ID)}/history`, 'history-person-'],
    ]) {
      for (const format of ['csv', 'pdf']) {
        const res = await t.http.get(`${path}?format=${format}`).set('Authorization', t.admin).buffer(true);
        expect([path, format, res.status]).toEqual([path, format, 200]);
        expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}${ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}${enc}.${format}`);
      }
    }
  });

  it('of the reports', async () => {
    const res = await t.http.get('/api/reports/illinois-trust-act?facilityId=dl&year=2026&format=csv').set('Authorization', t.admin).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="illinois-trust-act-dl-2026.csv"; filename*=UTF-8''illinois-trust-act-dl-2026.csv`);
  });
});

describe('the history PDF of a person named in Cyrillic, Chinese and Arabic', () => {
  const pdf = async (path: string) => (await bytes(t.http.get(path).set('Authorization', t.admin)).expect(200)).body as Buffer;

  it('is set in the shipped fonts, each stretch in one that has its glyphs, none drawn as .notdef', async () => {
    for (const path of [`/api/people/${encodeURIComponent(ID)}/history?format=pdf`, `/api/bookings/${encodeURIComponent(ID)}/history?format=pdf`]) {
      const { fonts, runs } = readPdf(await pdf(path));
      expect([path, [...fonts.values()].map((f) => `${f.name} ${f.embedded ? 'embedded' : 'standard'}`).sort()]).toEqual([
        path,
        ['DejaVuSans embedded', 'DejaVuSans-Bold embedded', 'DejaVuSansMono embedded', 'NotoSansHans-Regular embedded'],
      ]);
      // Glyph 0 is .notdef, the empty box of a character the font lacks; a code no ToUnicode entry names would read as U+FFFD.
      expect(runs.filter((r) => r.codes.includes(0) || r.text.includes('\uFFFD'))).toEqual([]);
      // The facility heading and the person's line, stretch by stretch (runs of one font joined, as
      // a wrapped line cuts one in two): Arabic in visual order, right to left, each word's letters reversed.
      const stretches = runs.reduce<Array<[string, string]>>((out, r) => {
        if (out.length && out[out.length - 1][0] === r.font) out[out.length - 1][1] += r.text;
        else out.push([r.font, r.text]);
        return out;
      }, []);
      const from = (start: string, n: number) => stretches.slice(stretches.findIndex(([, text]) => text.startsWith(start))).slice(0, n);
      expect(from('Округ ', 4)).toEqual([
        ['DejaVuSans-Bold', 'Округ '],
        ['NotoSansHans-Regular', '县 '],
        ['DejaVuSans-Bold', `ةعطاقم — booking ${ID.slice(0, 6)}`],
        ['NotoSansHans-Regular', '李"; '],
      ]);
      expect(from('Facility dl, time zone', 5)).toEqual([
        ['DejaVuSans', `Facility dl, time zone America/New_York. Person ${ID.slice(0, 6)}`],
        ['NotoSansHans-Regular', '李"; '],
        ['DejaVuSans', 'filename="evil.exe, named Жанна Иванова '],
        ['NotoSansHans-Regular', '李小龍 '],
        ['DejaVuSans', 'بنيز.Booked 2026-11-01T05:00:00.000-05:00; release-eligible not recorded; left custody still in custody.'],
      ]);
    }
  });
});

describe('the history PDF of a person named in Korean, Hindi, Tamil, Thai and Amharic', () => {
  it('sets each script in its shipped font, none drawn as .notdef; an emoji no font has is printed as its code point', async () => {
    const NAME = '홍길동 अमित தமிழ் สมชาย አበበ 😀 🦀';
    await t.http
      .post('/api/events')
      .set('Authorization', t.admin)
      .send({ events: [ev.opened({ facilityId: 'dl', bookingId: 'asia-1', personId: 'asia-p', occurredAt: '2026-11-02T10:00:00Z', person: { name: NAME } })] })
      .expect(200);
    const res = await bytes(t.http.get('/api/bookings/asia-1/history?format=pdf').set('Authorization', t.admin)).expect(200);
    const { fonts, runs } = readPdf(res.body as Buffer);
    expect([...fonts.values()].map((f) => f.name).sort()).toEqual([
      'DejaVuSans',
      'DejaVuSans-Bold',
      'DejaVuSansMono',
      'NanumGothic',
      'NotoSansDevanagari-Regular',
      'NotoSansEthiopic-Regular',
      'NotoSansHans-Regular',
      'NotoSansTamil-Regular',
      'NotoSansThai-Regular',
    ]);
    expect(runs.filter((r) => r.codes.includes(0) || r.text.includes('\uFFFD'))).toEqual([]);
    const line = runs.slice(runs.findIndex((r) => r.text.includes('named ')));
    // The name, stretch by stretch; Devanagari's i-sign is drawn before its consonant, so it reads back in that order.
    expect(line.slice(1, 8).map((r) => [r.font, r.text])).toEqual([
      ['NanumGothic', '홍길동 '],
      ['NotoSansDevanagari-Regular', 'अिमत '],
      ['NotoSansTamil-Regular', 'தமிழ் '],
      ['NotoSansThai-Regular', 'สมชาย '],
      ['NotoSansEthiopic-Regular', 'አበበ '],
      // DejaVu draws some emoji (in black and white); one no shipped font has is printed as its code point.
      ['DejaVuSans', '😀 '],
      ['DejaVuSans', '[U+1F980].'],
    ]);
  });
});
