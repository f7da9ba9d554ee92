import { createPaymentDeps, sendNotice } from '@copyreg/payment';
import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Mail notices from Chinese templates; a retry never sends twice (see services/payment/src/notices.ts). */
export function createNoticeActivities(deps: ActivityDeps): Pick<RegistrationActivities, 'sendNotice'> {
  const payment = createPaymentDeps(deps);
  return {
    async sendNotice(input) {
      await sendNotice(payment, input);
    },
  };
}
