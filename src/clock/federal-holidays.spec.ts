import { describe, expect, it } from '@jest/globals';
import { federalHolidayOn, observedFederalHolidays } from './federal-holidays.js';
import { naiveIsObservedHoliday } from './naive-clock.testing.js';

/** OPM's published lists of observed federal holidays (opm.gov, "Federal Holidays"). */
const OPM_PUBLISHED: Record<number, string[]> = {
  2016: ['2016-01-01', '2016-01-18', '2016-02-15', '2016-05-30', '2016-07-04', '2016-09-05', '2016-10-10', '2016-11-11', '2016-11-24', '2016-12-26'],
  2017: ['2017-01-02', '2017-01-16', '2017-02-20', '2017-05-29', '2017-07-04', '2017-09-04', '2017-10-09', '2017-11-10', '2017-11-23', '2017-12-25'],
  2021: ['2021-01-01', '2021-01-18', '2021-02-15', '2021-05-31', '2021-06-18', '2021-07-05', '2021-09-06', '2021-10-11', '2021-11-11', '2021-11-25', '2021-12-24', '2021-12-31'],
  2022: ['2022-01-17', '2022-02-21', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-10-10', '2022-11-11', '2022-11-24', '2022-12-26'],
  2023: ['2023-01-02', '2023-01-16', '2023-02-20', '2023-05-29', '2023-06-19', '2023-07-04', '2023-09-04', '2023-10-09', '2023-11-10', '2023-11-23', '2023-12-25'],
  2026: ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25'],
  2027: ['2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-10-11', '2027-11-11', '2027-11-25', '2027-12-24', '2027-12-31'],
};

describe('observed federal holidays', () => {
  it.each(Object.entries(OPM_PUBLISHED))('match OPM published list for %s', (year, dates) => {
    expect(observedFederalHolidays(Number(year)).map((h) => h.observed)).toEqual(dates);
  });

  it('cross the year boundary: New Year 2022 (a Saturday) is observed Friday 31 December 2021', () => {
    expect(federalHolidayOn('2021-12-31')).toEqual({ observed: '2021-12-31', actual: '2022-01-01', name: "New Year's Day" });
    expect(federalHolidayOn('2022-01-01')).toBeUndefined();
  });

  it('observe Veterans Day on a weekend (Sunday 11 Nov 2018 -> Monday 12 Nov)', () => {
    expect(federalHolidayOn('2018-11-12')?.name).toBe('Veterans Day');
    expect(federalHolidayOn('2018-11-11')).toBeUndefined();
  });

  it('add MLK Day from 1986 and Juneteenth from 2021 only', () => {
    expect(federalHolidayOn('1985-01-21')).toBeUndefined();
    expect(federalHolidayOn('1986-01-20')?.name).toBe('Birthday of Martin Luther King, Jr.');
    expect(federalHolidayOn('2020-06-19')).toBeUndefined();
    expect(federalHolidayOn('2021-06-18')?.name).toBe('Juneteenth National Independence Day');
  });

  it('agree day by day with the OPM rule for 1990-2060 (every day of every year)', () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(1990, 0, 1); t <= Date.UTC(2060, 11, 31); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      if (Boolean(federalHolidayOn(iso)) !== naiveIsObservedHoliday(iso)) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
  });

  it('number 10 a year before 2021 and 11 from 2021, counted by actual year, for 2015-2030', () => {
    for (let y = 2015; y <= 2030; y++) {
      const ofYear = [y - 1, y, y + 1].flatMap((oy) => observedFederalHolidays(oy)).filter((h) => h.actual.startsWith(`${y}-`));
      expect(ofYear.length).toBe(y >= 2021 ? 11 : 10);
      for (const h of ofYear) expect(new Date(`${h.observed}T00:00:00Z`).getUTCDay()).not.toBe(0);
      for (const h of ofYear) expect(new Date(`${h.observed}T00:00:00Z`).getUTCDay()).not.toBe(6);
    }
  });
});
