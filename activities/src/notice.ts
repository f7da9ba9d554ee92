import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Mail notices from Chinese templates; a retry never sends twice. */
export function createNoticeActivities(_deps: ActivityDeps): Pick<RegistrationActivities, 'sendNotice'> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    sendNotice: todo('sendNotice'),
  };
}
