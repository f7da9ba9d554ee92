import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities over the filing schema: the registration read model. */
export function createFilingActivities(_deps: ActivityDeps): Pick<RegistrationActivities, 'recordStatus'> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    recordStatus: todo('recordStatus'),
  };
}
