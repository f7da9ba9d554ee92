import { recordStatus } from '@copyreg/filing';
import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the filing service: the registration read model the lists are made from. */
export function createFilingActivities({ db }: ActivityDeps): Pick<RegistrationActivities, 'recordStatus'> {
  return {
    recordStatus: (input) => recordStatus(db, input),
  };
}
