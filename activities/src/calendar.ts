import type { RegistrationActivities, WorkingCalendar } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/**
 * The official working calendar (法定节假日与调休) as data the workflow computes review deadlines
 * from. Read from ops.calendar_days, which staff extend with a new year's rows (no deploy).
 */
export function createCalendarActivities({ db }: ActivityDeps): Pick<RegistrationActivities, 'loadWorkingCalendar'> {
  return {
    async loadWorkingCalendar({ fromYear, toYear }): Promise<WorkingCalendar> {
      // to_char: a pg `date` would otherwise come back as a JS Date at local midnight.
      const days: { day: string; kind: 'holiday' | 'makeup_workday' }[] = await db('ops.calendar_days')
        .whereBetween('year', [fromYear, toYear])
        .orderBy('day')
        .select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'kind');
      const years: { year: number }[] = await db('ops.calendar_years')
        .whereBetween('year', [fromYear, toYear])
        .orderBy('year')
        .select('year');
      return {
        holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
        makeupWorkdays: days.filter((d) => d.kind === 'makeup_workday').map((d) => d.day),
        years: years.map((y) => y.year),
      };
    },
  };
}
