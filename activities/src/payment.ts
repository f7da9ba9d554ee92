import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the payment service: orders, trade queries, refunds, e-invoices. */
export function createPaymentActivities(
  _deps: ActivityDeps,
): Pick<RegistrationActivities, 'openPaymentOrder' | 'queryPayment' | 'refundPayment' | 'issueInvoice'> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    openPaymentOrder: todo('openPaymentOrder'),
    queryPayment: todo('queryPayment'),
    refundPayment: todo('refundPayment'),
    issueInvoice: todo('issueInvoice'),
  };
}
