import { readFileSync } from 'node:fs';
import type { WorkingCalendar } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  chinaDate,
  endOfChinaDay,
  indexCalendar,
  isWorkingDay,
  missingYears,
  workingDayDeadline,
} from '../src/working-days';

interface CalendarFile {
  years: { year: number; status: string; holidays: string[]; makeupWorkdays: string[] }[];
}
const file: CalendarFile = JSON.parse(readFileSync(new URL('../data/official-calendar.json', import.meta.url), 'utf8'));
const data: WorkingCalendar = {
  holidays: file.years.flatMap((y) => y.holidays),
  makeupWorkdays: file.years.flatMap((y) => y.makeupWorkdays),
  years: file.years.map((y) => y.year),
};
const cal = indexCalendar(data);
const weekendsOnly = indexCalendar({ holidays: [], makeupWorkdays: [], years: [] });

describe('official calendar data', () => {
  it('covers 2025–2027 and marks 2027 as provisional', () => {
    expect(file.years.map((y) => [y.year, y.status])).toEqual([
      [2025, 'official'],
      [2026, 'official'],
      [2027, 'provisional'],
    ]);
  });
  it('has every make-up workday on a weekend and no date both holiday and workday', () => {
    for (const d of data.makeupWorkdays) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(data.holidays.filter((d) => data.makeupWorkdays.includes(d))).toEqual([]);
  });
  it('has the 2026 schedule of the State Council', () => {
    const y2026 = file.years.find((y) => y.year === 2026);
    expect(y2026?.holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(y2026?.makeupWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });
});

describe('isWorkingDay', () => {
  it('counts a weekday, not a weekend', () => {
    expect(isWorkingDay('2026-03-02', cal)).toBe(true); // Monday
    expect(isWorkingDay('2026-03-07', cal)).toBe(false); // Saturday
  });
  it('does not count a public holiday on a weekday', () => {
    expect(isWorkingDay('2026-10-05', cal)).toBe(false); // 国庆, Monday
    expect(isWorkingDay('2025-01-28', cal)).toBe(false); // 除夕 2025, Tuesday
  });
  it('counts a make-up workday (调休上班) on a weekend', () => {
    expect(isWorkingDay('2026-02-14', cal)).toBe(true); // Saturday
    expect(isWorkingDay('2025-01-26', cal)).toBe(true); // Sunday
  });
});

describe('addWorkingDays', () => {
  it('skips weekends', () => {
    expect(addWorkingDays('2026-03-06', 1, cal)).toBe('2026-03-09'); // Fri → Mon
    expect(addWorkingDays('2026-03-02', 5, cal)).toBe('2026-03-09');
    expect(addWorkingDays('2026-03-02', 0, cal)).toBe('2026-03-02');
  });
  it('skips the Spring Festival and counts its make-up Saturdays', () => {
    // Fri 2026-02-13 → Sat 02-14 is a make-up workday.
    expect(addWorkingDays('2026-02-13', 1, cal)).toBe('2026-02-14');
    // Then 02-15..23 are off; Tue 02-24 is the next working day.
    expect(addWorkingDays('2026-02-13', 2, cal)).toBe('2026-02-24');
    // Without the official data the same count lands a week earlier.
    expect(addWorkingDays('2026-02-13', 2, weekendsOnly)).toBe('2026-02-17');
  });
  it('crosses National Day and its make-up Saturday (2026-10-10)', () => {
    expect(addWorkingDays('2026-09-30', 1, cal)).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-09', 1, cal)).toBe('2026-10-10');
  });
  it('gives 30 working days across the 2025/2026 new year', () => {
    // 2025-12-01 (Mon): 22 working days from 12-02 to 12-31; in 2026, 01-01..03 are off, Sun 01-04 is
    // a make-up workday (23), 01-05..09 (24–28), Mon 01-12 (29), Tue 01-13 (30).
    const d = addWorkingDays('2025-12-01', 30, cal);
    expect(d).toBe('2026-01-13');
    expect(addWorkingDays('2025-12-01', 30, weekendsOnly)).toBe('2026-01-12');
  });
  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays('2026-01-01', -1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-01-01', 1.5, cal)).toThrow(RangeError);
  });
});

describe('deadline instants in China time', () => {
  it('takes the China date of an instant', () => {
    expect(chinaDate(Date.parse('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
    expect(chinaDate(Date.parse('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
  });
  it('ends a day at midnight +08:00', () => {
    expect(endOfChinaDay('2026-03-02').toISOString()).toBe('2026-03-02T16:00:00.000Z');
  });
  it('counts from the China day of the submission', () => {
    // 2026-03-06 17:00Z is Saturday 01:00 in China: 1 working day later is Monday 03-09… no, Tuesday:
    // the start day (Sat) is not counted, Mon 03-09 is the first working day.
    expect(workingDayDeadline(Date.parse('2026-03-06T17:00:00Z'), 1, cal).toISOString()).toBe(
      '2026-03-09T16:00:00.000Z',
    );
  });
  it('names the years the data does not cover', () => {
    expect(missingYears(2026, 2028, cal)).toEqual([2028]);
  });
});
