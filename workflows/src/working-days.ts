import type { WorkingCalendar } from '@copyreg/proto';

/**
 * Working-day arithmetic on the official Chinese calendar (法定节假日与调休). Pure: the calendar
 * comes in as data (ops.calendar_days through the loadWorkingCalendar activity). Dates are
 * ISO `YYYY-MM-DD` in China Standard Time (UTC+8, no daylight saving).
 */

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar date in China at an instant. */
export function chinaDate(instantMs: number): string {
  return new Date(instantMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China calendar day ends (the next day's 00:00 +08:00). */
export function endOfChinaDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS);
}

export interface CalendarIndex {
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
  years: ReadonlySet<number>;
}

export function indexCalendar(calendar: WorkingCalendar): CalendarIndex {
  return {
    holidays: new Set(calendar.holidays),
    makeupWorkdays: new Set(calendar.makeupWorkdays),
    years: new Set(calendar.years),
  };
}

/** A make-up workday (调休上班) is a working day even on a weekend; a holiday never is. */
export function isWorkingDay(date: string, cal: CalendarIndex): boolean {
  if (cal.makeupWorkdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The date of the n-th working day after `start` (the start day itself is not counted). */
export function addWorkingDays(start: string, n: number, cal: CalendarIndex): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let ms = Date.parse(`${start}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${start}`);
  let left = n;
  while (left > 0) {
    ms += DAY_MS;
    if (isWorkingDay(new Date(ms).toISOString().slice(0, 10), cal)) left--;
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** The review deadline: the end (China time) of the n-th working day after the day review began. */
export function workingDayDeadline(startMs: number, n: number, cal: CalendarIndex): Date {
  return endOfChinaDay(addWorkingDays(chinaDate(startMs), n, cal));
}

/** Years not covered by the data (only weekends count there): ops should add them. */
export function missingYears(fromYear: number, toYear: number, cal: CalendarIndex): number[] {
  const out: number[] = [];
  for (let y = fromYear; y <= toYear; y++) if (!cal.years.has(y)) out.push(y);
  return out;
}
