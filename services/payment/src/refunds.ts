import { randomUUID } from 'node:crypto';
import { ApiError, logger } from '@copyreg/kit';
import type { Knex } from 'knex';
import { type NoticeDeps, sendSurplusRefundNotice } from './notices';
import type { PaymentDeps, PaymentRow } from './orders';

/**
 * Refunds when a registration is refused (不予登记并退费): online through the gateway (idempotent
 * there by our refund id as out_request_no), offline as a finance task marked done by finance.
 * A surplus payment (a second payment of a paid order) is refunded as a finance task too.
 * One refund per payment.
 */
export interface RefundRow {
  refund_id: string;
  payment_id: string;
  filing_id: string;
  method: 'online' | 'offline';
  amount_fen: number;
  status: 'pending' | 'done';
  note: string | null;
  done_by: string | null;
  done_at: Date | null;
  created_at: Date;
}

export async function refundPayment(
  deps: PaymentDeps,
  input: { filingId: string; paymentId: string },
): Promise<{ refundId: string; status: RefundRow['status'] }> {
  const { db } = deps;
  const payment: PaymentRow | undefined = await db('payment.payments')
    .where({ payment_id: input.paymentId, filing_id: input.filingId, status: 'confirmed' })
    .first();
  if (!payment) throw new Error(`refund: no confirmed payment ${input.paymentId} for filing ${input.filingId}`);
  const refund = await openRefund(db, payment);
  if (refund.status === 'pending' && refund.method === 'online') {
    const order = await db('payment.orders').where({ order_id: payment.order_id }).first('out_trade_no');
    await (await deps.gateway()).refund({
      outTradeNo: order.out_trade_no,
      amountFen: refund.amount_fen,
      outRequestNo: refund.refund_id.replaceAll('-', ''),
    });
    await db('payment.refunds')
      .where({ refund_id: refund.refund_id })
      .update({ status: 'done', done_at: db.fn.now(), note: '原路退回（支付宝）' });
    logger.info({ refundId: refund.refund_id, filingId: input.filingId }, 'online refund done');
    return { refundId: refund.refund_id, status: 'done' };
  }
  return { refundId: refund.refund_id, status: refund.status };
}

/** The payment's one refund, opened as pending if it has none yet. */
async function openRefund(db: Knex, payment: PaymentRow, note?: string): Promise<RefundRow> {
  await db('payment.refunds')
    .insert({
      refund_id: randomUUID(),
      payment_id: payment.payment_id,
      filing_id: payment.filing_id,
      method: payment.method,
      amount_fen: payment.amount_fen,
      status: 'pending',
      note: note ?? null,
    })
    .onConflict('payment_id')
    .ignore();
  return db('payment.refunds').where({ payment_id: payment.payment_id }).first();
}

/**
 * A surplus payment (the order was already paid, the user paid again): a refund task for finance
 * (listed with the provider's trade number) and one notice to the applicant. Safe to repeat and
 * to run concurrently: one refund per payment, one notice per noticeKey.
 */
export async function refundSurplus(
  deps: PaymentDeps & NoticeDeps,
  payment: PaymentRow,
): Promise<{ refundId: string; noticeSent: boolean }> {
  if (payment.status !== 'surplus') throw new Error(`refundSurplus: payment ${payment.payment_id} is not surplus`);
  const refund = await openRefund(
    deps.db,
    payment,
    `重复缴费（支付宝交易号 ${payment.provider_trade_no}），请原路退回`,
  );
  const { sent } = await sendSurplusRefundNotice(deps, payment);
  if (sent)
    logger.info({ refundId: refund.refund_id, paymentId: payment.payment_id }, 'surplus payment: refund opened');
  return { refundId: refund.refund_id, noticeSent: sent };
}

/** Finance marks a refund task (offline, or a surplus payment) done: the transfer back was made. */
export async function completeRefund(db: Knex, refundId: string, financeId: string, note: string): Promise<RefundRow> {
  const refund: RefundRow | undefined = await db('payment.refunds').where({ refund_id: refundId }).first();
  if (!refund) throw new ApiError('NOT_FOUND', '退费任务不存在');
  if (refund.status === 'pending') {
    await db('payment.refunds')
      .where({ refund_id: refundId, status: 'pending' })
      .update({ status: 'done', done_by: financeId, done_at: db.fn.now(), note });
  }
  return db('payment.refunds').where({ refund_id: refundId }).first();
}
