import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** The official working calendar (法定节假日与调休) as data the workflow computes deadlines from. */
export function createCalendarActivities(_deps: ActivityDeps): Pick<RegistrationActivities, 'loadWorkingCalendar'> {
  return {
    loadWorkingCalendar: () => Promise.reject(new Error('loadWorkingCalendar: not implemented yet')),
  };
}
