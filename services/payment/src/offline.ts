import { randomUUID } from 'node:crypto';
import { ApiError, logger } from '@copyreg/kit';
import type { Knex } from 'knex';
import { orderOf, type PaymentDeps, type PaymentRow, signalConfirmedOnce } from './orders';

/**
 * Offline payment (线下付款): a bank transfer (银行公对公转账) or an Alipay transfer (支付宝转账).
 * The applicant enters the payer and the reference; finance staff (缴费核对) match it against the
 * statement and confirm it (the registration then enters review) or reject it with a reason (the
 * applicant may enter another).
 */
export type OfflineChannel = 'bank_transfer' | 'alipay_transfer';

export async function submitOfflineReference(
  deps: PaymentDeps,
  filingId: string,
  input: { channel: OfflineChannel; payerName: string; reference: string; paidOn: string },
): Promise<PaymentRow> {
  const { db } = deps;
  const order = await orderOf(db, filingId);
  if (!order) throw new ApiError('INVALID_STATE', '请先选择付款方式');
  if (order.method !== 'offline') throw new ApiError('PAYMENT_METHOD_LOCKED', '已选择线上付款，付款方式无法变更');
  const existing: PaymentRow[] = await db('payment.payments')
    .where({ order_id: order.order_id })
    .whereIn('status', ['pending', 'confirmed']);
  if (existing.some((p) => p.status === 'confirmed')) throw new ApiError('CONFLICT', '该作品已缴费');
  if (existing.length) throw new ApiError('CONFLICT', '已提交的付款信息正在核对中，请耐心等待', 'reference');
  const paymentId = randomUUID();
  try {
    await db('payment.payments').insert({
      payment_id: paymentId,
      order_id: order.order_id,
      filing_id: filingId,
      method: 'offline',
      provider: input.channel,
      amount_fen: order.amount_fen,
      status: 'pending',
      payer_name: input.payerName,
      reference: input.reference,
      paid_on: input.paidOn,
    });
  } catch (err) {
    // Two submissions at once: the partial unique index lets one through.
    if ((err as { code?: string }).code === '23505') {
      throw new ApiError('CONFLICT', '已提交的付款信息正在核对中，请耐心等待', 'reference');
    }
    throw err;
  }
  return db('payment.payments').where({ payment_id: paymentId }).first();
}

/** Separation of duties: finance staff never decide on the payment for a work they filed themselves. */
async function refuseOwnFiling(trx: Knex, filingId: string, financeId: string): Promise<void> {
  const order = await trx('payment.orders').where({ filing_id: filingId }).first('applicant_id');
  if (order?.applicant_id === financeId) {
    throw new ApiError('FORBIDDEN', '不能核对本人提交作品的缴费，请由其他财务人员核对');
  }
}

/** Finance confirms a matched reference; repeating the confirmation changes nothing. */
export async function confirmOffline(deps: PaymentDeps, paymentId: string, financeId: string): Promise<PaymentRow> {
  const { db } = deps;
  await db.transaction(async (trx) => {
    const p: PaymentRow | undefined = await trx('payment.payments')
      .where({ payment_id: paymentId, method: 'offline' })
      .forUpdate()
      .first();
    if (!p) throw new ApiError('NOT_FOUND', '付款记录不存在');
    await refuseOwnFiling(trx, p.filing_id, financeId);
    if (p.status === 'rejected') throw new ApiError('INVALID_STATE', '该付款记录已被驳回');
    if (p.status === 'pending') {
      await trx('payment.payments').where({ payment_id: paymentId }).update({
        status: 'confirmed',
        decided_by: financeId,
        decided_at: trx.fn.now(),
        confirmed_at: trx.fn.now(),
      });
      logger.info({ paymentId, financeId }, 'offline payment confirmed');
    }
  });
  // Outside the decision: if the signal fails, confirming again (or the workflow's query) delivers it.
  await signalConfirmedOnce(deps, paymentId);
  return db('payment.payments').where({ payment_id: paymentId }).first();
}

/** Finance rejects a reference with a reason; the workflow is told once, with the reason. */
export async function rejectOffline(
  deps: PaymentDeps,
  paymentId: string,
  financeId: string,
  reason: string,
): Promise<PaymentRow> {
  const { db } = deps;
  await db.transaction(async (trx) => {
    const p: PaymentRow | undefined = await trx('payment.payments')
      .where({ payment_id: paymentId, method: 'offline' })
      .forUpdate()
      .first();
    if (!p) throw new ApiError('NOT_FOUND', '付款记录不存在');
    await refuseOwnFiling(trx, p.filing_id, financeId);
    if (p.status === 'confirmed') throw new ApiError('INVALID_STATE', '该付款记录已核对通过');
    if (p.status === 'rejected') return;
    await trx('payment.payments').where({ payment_id: paymentId }).update({
      status: 'rejected',
      reject_reason: reason,
      decided_by: financeId,
      decided_at: trx.fn.now(),
    });
    // Inside the transaction: the rejection and its signal happen together or not at all.
    await deps.registration.paymentRejected(p.filing_id, { paymentId, reason });
    await trx('payment.payments').where({ payment_id: paymentId }).update({ signalled_at: trx.fn.now() });
    logger.info({ paymentId, financeId }, 'offline payment rejected');
  });
  return db('payment.payments').where({ payment_id: paymentId }).first();
}
