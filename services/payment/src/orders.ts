import { randomUUID } from 'node:crypto';
import { ApiError, logger } from '@copyreg/kit';
import type { FilingSnapshot, PaymentConfirmedSignal, PaymentMethod } from '@copyreg/proto';
import type { Knex } from 'knex';
import { type PaymentGateway, yuanOf } from './alipay';
import { paymentConfig } from './config';
import type { NoticeDeps } from './notices';
import { refundSurplus } from './refunds';
import type { RegistrationPort } from './registration';

/**
 * Fee orders (缴费订单) and payment events. One order per registration, 150 元 per work (FEE_FEN),
 * its method fixed when it is made (付款方式选择后将无法变更). Every payment event is stored once
 * and tells the workflow once. A second payment of a paid order (the user paid twice, from two
 * tabs) is stored as `surplus`: it never tells the workflow, and is refunded.
 */
export interface PaymentDeps {
  db: Knex;
  gateway: () => Promise<PaymentGateway>;
  registration: RegistrationPort;
  loadSnapshot: (filingId: string, versionNo?: number) => Promise<FilingSnapshot | undefined>;
}

export interface OrderRow {
  order_id: string;
  filing_id: string;
  applicant_id: string;
  method: PaymentMethod;
  amount_fen: number;
  out_trade_no: string;
  qr_code: string | null;
  created_at: Date;
}

export interface PaymentRow {
  payment_id: string;
  order_id: string;
  filing_id: string;
  method: PaymentMethod;
  provider: string;
  provider_trade_no: string | null;
  amount_fen: number;
  /** surplus: an online payment received after the order was paid; refunded, never told to the workflow. */
  status: 'pending' | 'confirmed' | 'rejected' | 'surplus';
  payer_name: string | null;
  reference: string | null;
  paid_on: string | Date | null;
  reject_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  confirmed_at: Date | null;
  signalled_at: Date | null;
  created_at: Date;
}

export const orderOf = (db: Knex, filingId: string): Promise<OrderRow | undefined> =>
  db('payment.orders').where({ filing_id: filingId }).first();

/** The order for the registration, made once with the chosen method; online orders get their QR code. */
export async function ensureOrder(deps: PaymentDeps, filingId: string, method: PaymentMethod): Promise<OrderRow> {
  const { db } = deps;
  let order = await orderOf(db, filingId);
  if (!order) {
    const snapshot = await deps.loadSnapshot(filingId);
    if (!snapshot) throw new ApiError('NOT_FOUND', '作品不存在');
    const orderId = randomUUID();
    await db('payment.orders')
      .insert({
        order_id: orderId,
        filing_id: filingId,
        applicant_id: snapshot.applicantId,
        method,
        amount_fen: paymentConfig().FEE_FEN, // 150 元/件: one registration is one work
        out_trade_no: `CR${orderId.replaceAll('-', '')}`,
      })
      .onConflict('filing_id')
      .ignore();
    order = (await orderOf(db, filingId)) as OrderRow;
  }
  if (order.method !== method) throw new ApiError('PAYMENT_METHOD_LOCKED', '付款方式选择后将无法变更');
  if (method === 'online' && !order.qr_code) {
    const snapshot = await deps.loadSnapshot(filingId);
    const gateway = await deps.gateway();
    const { qrCode } = await gateway.precreate({
      outTradeNo: order.out_trade_no,
      amountFen: order.amount_fen,
      subject: `作品自愿登记费-${snapshot?.serialNo ?? filingId}`,
    });
    await db('payment.orders').where({ order_id: order.order_id }).update({ qr_code: qrCode });
    order = { ...order, qr_code: qrCode };
  }
  return order;
}

export const signalOf = (p: PaymentRow): PaymentConfirmedSignal => ({
  paymentId: p.payment_id,
  method: p.method,
  amountFen: p.amount_fen,
});

/**
 * The payment for this provider trade number, stored once: the first one of the order pays it
 * (`confirmed`), a later one is `surplus`. The order's row lock makes payments of one order
 * arrive one at a time, so two trades paying it at once cannot both be the confirmed one.
 */
async function recordOnlinePayment(db: Knex, order: OrderRow, tradeNo: string): Promise<PaymentRow> {
  return db.transaction(async (trx) => {
    await trx('payment.orders').where({ order_id: order.order_id }).forUpdate().first('order_id');
    const known: PaymentRow | undefined = await trx('payment.payments')
      .where({ provider: 'alipay', provider_trade_no: tradeNo })
      .first();
    if (known) return known;
    const paid = await trx('payment.payments').where({ order_id: order.order_id, status: 'confirmed' }).first();
    await trx('payment.payments')
      .insert({
        payment_id: randomUUID(),
        order_id: order.order_id,
        filing_id: order.filing_id,
        method: 'online',
        provider: 'alipay',
        provider_trade_no: tradeNo,
        amount_fen: order.amount_fen,
        status: paid ? 'surplus' : 'confirmed',
        confirmed_at: trx.fn.now(),
      })
      .onConflict(['provider', 'provider_trade_no'])
      .ignore();
    return trx('payment.payments').where({ provider: 'alipay', provider_trade_no: tradeNo }).first();
  });
}

/**
 * Tells the workflow about a confirmed payment unless it was told already. The row lock makes
 * concurrent duplicates wait; a crash between the signal and the commit signals again next time,
 * which the workflow ignores (same paymentId).
 */
export async function signalConfirmedOnce(deps: PaymentDeps, paymentId: string): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const p: PaymentRow | undefined = await trx('payment.payments')
      .where({ payment_id: paymentId, status: 'confirmed' })
      .whereNull('signalled_at')
      .forUpdate()
      .first();
    if (!p) return false;
    await deps.registration.paymentConfirmed(p.filing_id, signalOf(p));
    await trx('payment.payments').where({ payment_id: paymentId }).update({ signalled_at: trx.fn.now() });
    return true;
  });
}

export type NotificationOutcome =
  | 'applied'
  | 'duplicate'
  | 'surplus'
  | 'surplus_failed'
  | 'bad_signature'
  | 'wrong_app'
  | 'unknown_order'
  | 'wrong_amount'
  | 'wrong_method'
  | 'ignored_status'
  | 'signal_failed';

/**
 * The gateway's asynchronous notification (异步通知). Verified before anything happens; only a
 * verified TRADE_SUCCESS / TRADE_FINISHED for a known online order with the order's amount is
 * stored. A second trade for an order already paid is a surplus payment: refunded (a finance
 * task) and the applicant told, once; the workflow is not told. Every notification is logged
 * with its outcome. The answer is exactly `success` when nothing is left for the gateway to re-send.
 */
export async function handleAlipayNotification(
  deps: PaymentDeps & NoticeDeps,
  params: Record<string, string>,
): Promise<{ answer: 'success' | 'failure'; outcome: NotificationOutcome }> {
  const { db } = deps;
  const gateway = await deps.gateway();
  const outcome = await (async (): Promise<NotificationOutcome> => {
    if (!gateway.verifyNotification(params)) return 'bad_signature';
    if (params.app_id !== gateway.appId) return 'wrong_app';
    const order = await db('payment.orders')
      .where({ out_trade_no: params.out_trade_no ?? '' })
      .first<OrderRow>();
    if (!order) return 'unknown_order';
    if (params.total_amount !== yuanOf(order.amount_fen)) return 'wrong_amount';
    if (params.trade_status !== 'TRADE_SUCCESS' && params.trade_status !== 'TRADE_FINISHED') return 'ignored_status';
    if (order.method !== 'online') return 'wrong_method';
    const tradeNo = params.trade_no;
    if (!tradeNo) return 'bad_signature';
    const before = await db('payment.payments').where({ provider: 'alipay', provider_trade_no: tradeNo }).first();
    const payment = await recordOnlinePayment(db, order, tradeNo);
    if (payment.status === 'surplus') {
      try {
        const { noticeSent } = await refundSurplus(deps, payment);
        return noticeSent ? 'surplus' : 'duplicate';
      } catch (err) {
        // Stored; the refund or the notice is not done yet: the gateway re-sends, and the next copy finishes it.
        logger.error({ err, paymentId: payment.payment_id }, 'surplus payment stored but not yet refunded or told');
        return 'surplus_failed';
      }
    }
    try {
      const signalled = await signalConfirmedOnce(deps, payment.payment_id);
      return before && !signalled ? 'duplicate' : 'applied';
    } catch (err) {
      // Stored, but the workflow was not told: answer `failure` so the gateway re-sends (and the
      // workflow's own trade query finds it meanwhile).
      logger.error({ err, paymentId: payment.payment_id }, 'payment stored but the workflow was not signalled');
      return 'signal_failed';
    }
  })();
  await db('payment.notifications').insert({
    provider: 'alipay',
    out_trade_no: params.out_trade_no?.slice(0, 64) ?? null,
    trade_no: params.trade_no?.slice(0, 64) ?? null,
    notify_id: params.notify_id?.slice(0, 128) ?? null,
    outcome,
    params: JSON.stringify(params),
  });
  const accepted = ['applied', 'duplicate', 'surplus', 'ignored_status'].includes(outcome);
  const log = { outcome, outTradeNo: params.out_trade_no, notifyId: params.notify_id };
  if (accepted) logger.info(log, 'gateway notification');
  else logger.warn(log, 'gateway notification refused: nothing changed');
  return { answer: accepted ? 'success' : 'failure', outcome };
}

/**
 * The workflow's timer asks when no notification came (主动查询). A paid trade is stored like a
 * notification would have been, and returned to the workflow instead of signalled.
 */
export async function queryPayment(deps: PaymentDeps, filingId: string): Promise<PaymentConfirmedSignal | null> {
  const { db } = deps;
  const order = await orderOf(db, filingId);
  if (!order) return null;
  let payment: PaymentRow | undefined = await db('payment.payments')
    .where({ order_id: order.order_id, status: 'confirmed' })
    .first();
  if (!payment && order.method === 'online') {
    const trade = await (await deps.gateway()).query(order.out_trade_no);
    if (
      trade &&
      (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') &&
      trade.totalAmount === yuanOf(order.amount_fen)
    ) {
      payment = await recordOnlinePayment(db, order, trade.tradeNo);
      logger.info({ filingId, paymentId: payment.payment_id }, 'payment found by trade query');
    }
  }
  if (!payment) return null;
  // The workflow gets it as this activity's result: a late notification need not signal it.
  await db('payment.payments')
    .where({ payment_id: payment.payment_id })
    .whereNull('signalled_at')
    .update({ signalled_at: db.fn.now() });
  return signalOf(payment);
}
