import { createPaymentDeps, ensureOrder, issueInvoice, queryPayment, refundPayment } from '@copyreg/payment';
import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the payment service: orders, trade queries, refunds, e-invoices. Each is idempotent. */
export function createPaymentActivities(
  deps: ActivityDeps,
): Pick<RegistrationActivities, 'openPaymentOrder' | 'queryPayment' | 'refundPayment' | 'issueInvoice'> {
  const payment = createPaymentDeps(deps);
  return {
    /** The order with the chosen method (one per registration; online: with its QR code). */
    async openPaymentOrder({ filingId, method }) {
      const order = await ensureOrder(payment, filingId, method);
      return { orderId: order.order_id };
    },
    /** Asks the gateway when no notification came; null while unpaid. */
    queryPayment: ({ filingId }) => queryPayment(payment, filingId),
    /** 不予登记并退费: online through the gateway, offline as a finance task. */
    async refundPayment(input) {
      const { refundId } = await refundPayment(payment, input);
      return { refundId };
    },
    issueInvoice: (input) => issueInvoice(payment, input),
  };
}
