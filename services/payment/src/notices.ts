import { type MailerDeps, type NoticeFacts, noticeSentAt, sendNotice } from '@copyreg/notices';
import type { FilingSnapshot, RegistrationState } from '@copyreg/proto';
import type { Knex } from 'knex';
import { yuanOf } from './alipay';
import { links } from './links';
import type { PaymentRow } from './orders';

/**
 * The payment service's part of the mail: the facts only its tables hold (the e-invoice, finance's
 * reason, a surplus payment), handed to @copyreg/notices, which renders and sends.
 */
export interface NoticeDeps extends MailerDeps {
  loadSnapshot: (filingId: string, versionNo?: number) => Promise<FilingSnapshot | undefined>;
  /** The workflow's state (reasons, deadlines, registration number); undefined when there is none. */
  loadState: (filingId: string) => Promise<RegistrationState | undefined>;
}

/** The latest issued e-invoice of the filing, as the 电子发票 mail's facts. */
export async function invoiceNoticeFacts(
  db: Knex,
  filingId: string,
): Promise<Pick<NoticeFacts, 'attachment'> & { invoiceNo: string; amountYuan: string }> {
  const invoice = await db('payment.invoices')
    .where({ filing_id: filingId })
    .whereNotNull('sha256')
    .orderBy('invoice_seq', 'desc')
    .first();
  if (!invoice) throw new Error(`no invoice issued for filing ${filingId} yet`);
  return {
    invoiceNo: invoice.invoice_no,
    amountYuan: yuanOf(invoice.amount_fen),
    attachment: { bucket: invoice.bucket, key: invoice.object_key, filename: `电子发票-${invoice.invoice_no}.pdf` },
  };
}

/** Finance's reason for the last rejected offline payment (线下付款核对未通过). */
export async function lastRejectReason(db: Knex, filingId: string): Promise<string | undefined> {
  const rejected = await db('payment.payments')
    .where({ filing_id: filingId, status: 'rejected' })
    .orderBy('decided_at', 'desc')
    .first('reject_reason');
  return rejected?.reject_reason ?? undefined;
}

/** 重复缴费将退还: once per surplus payment, to the applicant's mailbox. */
export async function sendSurplusRefundNotice(deps: NoticeDeps, payment: PaymentRow): Promise<{ sent: boolean }> {
  const filingId = payment.filing_id;
  const noticeKey = `${filingId}:surplus_refund:${payment.payment_id}`;
  return sendNotice(deps, { noticeKey, kind: 'surplus_refund', filingId }, async () => {
    const snapshot = await deps.loadSnapshot(filingId);
    if (!snapshot) throw new Error(`notice ${noticeKey}: filing ${filingId} has no snapshot`);
    return {
      recipient: snapshot.content.invoiceEmail,
      context: {
        title: snapshot.content.title,
        serialNo: snapshot.serialNo,
        link: links.payment(filingId),
        tradeNo: payment.provider_trade_no ?? undefined,
        amountYuan: yuanOf(payment.amount_fen),
      },
    };
  });
}

/** Whether the e-invoice mail left (电子发票已发送): a pickup applicant may collect the paper certificate only after it. */
export async function invoiceSent(db: Knex, filingId: string): Promise<boolean> {
  return (await noticeSentAt(db, filingId, 'invoice')) !== undefined;
}
