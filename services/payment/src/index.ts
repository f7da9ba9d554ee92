export { alipayGateway, type PaymentGateway } from './alipay';
export { createPaymentApp } from './app';
export { paymentConfig } from './config';
export { createPaymentDeps, type PaymentServiceDeps } from './deps';
export { issueInvoice } from './invoices';
export { noticeMessageId, noticeSentAt, sendNotice } from './notices';
export { confirmOffline, rejectOffline, submitOfflineReference } from './offline';
export { ensureOrder, handleAlipayNotification, queryPayment } from './orders';
export { refundPayment } from './refunds';
export { type RegistrationPort, temporalRegistrationPort } from './registration';
export { migrationSource } from './schema';

import type { Knex } from 'knex';
import { noticeSentAt as sentAt } from './notices';

/** Whether the e-invoice mail left (电子发票已发送): a pickup applicant may collect the paper certificate only after it. */
export async function invoiceSent(db: Knex, filingId: string): Promise<boolean> {
  return (await sentAt(db, filingId, 'invoice')) !== undefined;
}
