import { Api, ApiError, createApp, getObject, IdempotencyStore, logger, rateLimit } from '@copyreg/kit';
import { noticeSentAt } from '@copyreg/notices';
import {
  ChooseMethodBody,
  CompleteRefundBody,
  holds,
  OfflineListQuery,
  OfflinePaymentItem,
  OfflineReferenceBody,
  PaymentOrderView,
  pageOf,
  permissions,
  RefundItem,
  RefundListQuery,
  RejectOfflineBody,
  type SessionUser,
} from '@copyreg/proto';
import express from 'express';
import type { Client as ObjectStore } from 'minio';
import QRCode from 'qrcode';
import { z } from 'zod';
import { paymentConfig } from './config';
import type { NoticeDeps } from './notices';
import { confirmOffline, rejectOffline, submitOfflineReference } from './offline';
import {
  ensureOrder,
  handleAlipayNotification,
  type OrderRow,
  orderOf,
  type PaymentDeps,
  type PaymentRow,
} from './orders';
import { completeRefund, type RefundRow } from './refunds';

/** The payment API under /api/payment: the applicant's order and choice, finance's lists and decisions. */
export interface PaymentAppDeps extends PaymentDeps, NoticeDeps {
  store: ObjectStore;
}

const BASE = '/api/payment';
const FilingParams = z.object({ filingId: z.uuid() });
const PaymentParams = z.object({ paymentId: z.uuid() });
const RefundParams = z.object({ refundId: z.uuid() });
const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);
/** An offline payment is pending, confirmed or rejected (surplus is an online payment's). */
const offlineStatus = (p: PaymentRow) => p.status as Exclude<PaymentRow['status'], 'surplus'>;
const isoDate = (d: Date | string | null) =>
  d instanceof Date ? d.toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }) : String(d ?? '').slice(0, 10);

export function createPaymentApp(deps: PaymentAppDeps) {
  const { db } = deps;
  const api = new Api('payment API (缴费)', BASE, new IdempotencyStore(db));

  /** The applicant who filed it (or finance/admin staff); anyone else gets 404, not a hint it exists. */
  async function authorise(user: SessionUser | undefined, filingId: string): Promise<OrderRow | undefined> {
    if (!user) throw new ApiError('UNAUTHENTICATED', '请先登录');
    const order = await orderOf(db, filingId);
    const owner = order?.applicant_id ?? (await deps.loadSnapshot(filingId))?.applicantId;
    if (!owner) throw new ApiError('NOT_FOUND', '作品不存在');
    const staff = holds(user.roles, 'financeDesk');
    if (owner !== user.userId && !staff) throw new ApiError('NOT_FOUND', '作品不存在');
    return order;
  }

  async function view(filingId: string): Promise<PaymentOrderView> {
    const order = await orderOf(db, filingId);
    const payments: PaymentRow[] = order
      ? await db('payment.payments').where({ order_id: order.order_id }).orderBy('created_at', 'desc')
      : [];
    const confirmed = payments.find((p) => p.status === 'confirmed');
    const offline = payments.find((p) => p.method === 'offline');
    const refunds: RefundRow[] = await db('payment.refunds').where({ filing_id: filingId }).orderBy('created_at');
    const refund = confirmed ? refunds.find((r) => r.payment_id === confirmed.payment_id) : undefined;
    const invoice = confirmed
      ? await db('payment.invoices').where({ payment_id: confirmed.payment_id }).whereNotNull('sha256').first()
      : undefined;
    const sentAt = invoice ? await noticeSentAt(db, filingId, 'invoice') : undefined;
    const status = refund
      ? refund.status === 'done'
        ? 'refunded'
        : 'refund_pending'
      : confirmed
        ? 'paid'
        : payments.some((p) => p.status === 'pending')
          ? 'verifying'
          : 'unpaid';
    return {
      filingId,
      amountFen: order?.amount_fen ?? paymentConfig().FEE_FEN,
      status,
      ...(order ? { method: order.method } : {}),
      ...(order?.method === 'online' && order.qr_code
        ? {
            online: {
              outTradeNo: order.out_trade_no,
              payUrl: order.qr_code,
              qrDataUrl: await QRCode.toDataURL(order.qr_code, { margin: 1, width: 240 }),
            },
          }
        : {}),
      ...(offline
        ? {
            offline: {
              paymentId: offline.payment_id,
              channel: offline.provider as 'bank_transfer' | 'alipay_transfer',
              payerName: offline.payer_name ?? '',
              reference: offline.reference ?? '',
              paidOn: isoDate(offline.paid_on),
              status: offlineStatus(offline),
              ...(offline.reject_reason ? { rejectReason: offline.reject_reason } : {}),
            },
          }
        : {}),
      ...(confirmed ? { paymentId: confirmed.payment_id, confirmedAt: iso(confirmed.confirmed_at) } : {}),
      ...(invoice
        ? {
            invoice: {
              invoiceNo: invoice.invoice_no,
              issuedAt: iso(invoice.issued_at) as string,
              ...(sentAt ? { sentAt: sentAt.toISOString() } : {}),
              downloadUrl: `${BASE}/orders/${filingId}/invoice.pdf`,
            },
          }
        : {}),
      ...(refund
        ? {
            refund: {
              refundId: refund.refund_id,
              status: refund.status,
              ...(refund.done_at ? { doneAt: iso(refund.done_at) } : {}),
            },
          }
        : {}),
      refunds: refunds.map((r) => ({
        refundId: r.refund_id,
        // A refund of the order's confirmed payment is the refusal's; any other payment was surplus.
        reason: r.payment_id === confirmed?.payment_id ? 'refused' : 'surplus',
        amountFen: r.amount_fen,
        status: r.status,
        openedAt: iso(r.created_at) as string,
        ...(r.done_at ? { doneAt: iso(r.done_at) } : {}),
      })),
    };
  }

  api.route({
    method: 'get',
    path: '/orders/:filingId',
    summary: '缴费信息：金额、付款方式、二维码、线下付款核对状态、发票、退费',
    tags: ['applicant'],
    access: 'user',
    params: FilingParams,
    response: PaymentOrderView,
    handler: async ({ params, user }) => {
      await authorise(user, params.filingId);
      return view(params.filingId);
    },
  });

  api.route({
    method: 'post',
    path: '/orders/:filingId/method',
    summary: '选择付款方式（选择后无法变更）；线上付款返回支付二维码',
    tags: ['applicant'],
    access: ['applicant'],
    params: FilingParams,
    body: ChooseMethodBody,
    response: PaymentOrderView,
    handler: async ({ params, body, user, operationId }) => {
      const order = await authorise(user, params.filingId);
      if (order && order.method !== body.method)
        throw new ApiError('PAYMENT_METHOD_LOCKED', '付款方式选择后将无法变更', 'method');
      if (!order) {
        // The workflow decides whether a method may be chosen now; its refusal is the answer.
        await deps.registration.choosePaymentMethod(params.filingId, body.method, operationId);
      }
      await ensureOrder(deps, params.filingId, body.method);
      return view(params.filingId);
    },
  });

  api.route({
    method: 'get',
    path: '/orders/:filingId/qr.png',
    summary: '支付二维码图片（线上付款）',
    tags: ['applicant'],
    access: 'user',
    params: FilingParams,
    response: z.any(),
    handler: async ({ params, user, res }) => {
      const order = await authorise(user, params.filingId);
      if (order?.method !== 'online' || !order.qr_code) throw new ApiError('NOT_FOUND', '尚未生成支付二维码');
      res.type('png').send(await QRCode.toBuffer(order.qr_code, { margin: 1, width: 320 }));
    },
  });

  api.route({
    method: 'post',
    path: '/orders/:filingId/offline',
    summary: '线下付款：填写付款人和付款凭证号，待财务核对',
    tags: ['applicant'],
    access: ['applicant'],
    params: FilingParams,
    body: OfflineReferenceBody,
    response: PaymentOrderView,
    status: 201,
    handler: async ({ params, body, user }) => {
      await authorise(user, params.filingId);
      const payment = await submitOfflineReference(deps, params.filingId, body);
      // After finance rejected a reference, the same choice again puts the registration back
      // into 线下付款待核对 (the workflow's rule); on a first reference it changes nothing.
      await deps.registration.choosePaymentMethod(params.filingId, 'offline').catch((err: unknown) => {
        logger.warn(
          { err, filingId: params.filingId, paymentId: payment.payment_id },
          'workflow not told of the new reference',
        );
      });
      return view(params.filingId);
    },
  });

  api.route({
    method: 'get',
    path: '/orders/:filingId/invoice.pdf',
    summary: '下载电子发票',
    tags: ['applicant'],
    access: 'user',
    params: FilingParams,
    response: z.any(),
    handler: async ({ params, user, res }) => {
      await authorise(user, params.filingId);
      const invoice = await db('payment.invoices')
        .where({ filing_id: params.filingId })
        .whereNotNull('sha256')
        .orderBy('invoice_seq', 'desc')
        .first();
      if (!invoice) throw new ApiError('NOT_FOUND', '电子发票尚未开具');
      const bytes = await getObject(deps.store, { bucket: invoice.bucket, key: invoice.object_key });
      res
        .type('pdf')
        .setHeader(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`电子发票-${invoice.invoice_no}.pdf`)}`,
        )
        .send(bytes);
    },
  });

  // --- finance (缴费核对) -----------------------------------------------------------------------

  async function describe(filingId: string) {
    const s = await deps.loadSnapshot(filingId);
    return { serialNo: s?.serialNo ?? '', title: s?.content.title ?? '' };
  }
  const offlineItem = async (p: PaymentRow): Promise<OfflinePaymentItem> => ({
    paymentId: p.payment_id,
    filingId: p.filing_id,
    ...(await describe(p.filing_id)),
    amountFen: p.amount_fen,
    channel: p.provider as 'bank_transfer' | 'alipay_transfer',
    payerName: p.payer_name ?? '',
    reference: p.reference ?? '',
    paidOn: isoDate(p.paid_on),
    status: offlineStatus(p),
    ...(p.reject_reason ? { rejectReason: p.reject_reason } : {}),
    submittedAt: iso(p.created_at) as string,
    ...(p.decided_at ? { decidedAt: iso(p.decided_at) } : {}),
  });

  api.route({
    method: 'get',
    path: '/finance/offline',
    summary: '线下付款核对列表（按状态）',
    tags: ['finance'],
    access: permissions.financeDesk,
    query: OfflineListQuery,
    response: pageOf(OfflinePaymentItem),
    handler: async ({ query }) => {
      const base = db('payment.payments').where({ method: 'offline', status: query.status });
      const count = (await base.clone().count<{ count: string }[]>('* as count'))[0]?.count ?? 0;
      const rows: PaymentRow[] = await base
        .clone()
        .orderBy('created_at', query.status === 'pending' ? 'asc' : 'desc')
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize);
      return {
        items: await Promise.all(rows.map(offlineItem)),
        total: Number(count),
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/finance/offline/:paymentId/confirm',
    summary: '核对通过：付款确认，作品进入审核',
    tags: ['finance'],
    access: ['finance'],
    params: PaymentParams,
    response: OfflinePaymentItem,
    handler: async ({ params, user }) => offlineItem(await confirmOffline(deps, params.paymentId, user.userId)),
  });

  api.route({
    method: 'post',
    path: '/finance/offline/:paymentId/reject',
    summary: '核对不通过（填写原因），申请人可重新填写付款信息',
    tags: ['finance'],
    access: ['finance'],
    params: PaymentParams,
    body: RejectOfflineBody,
    response: OfflinePaymentItem,
    handler: async ({ params, body, user }) =>
      offlineItem(await rejectOffline(deps, params.paymentId, user.userId, body.reason)),
  });

  const refundItem = async (r: RefundRow): Promise<RefundItem> => {
    const p: PaymentRow = await db('payment.payments').where({ payment_id: r.payment_id }).first();
    return {
      refundId: r.refund_id,
      paymentId: r.payment_id,
      filingId: r.filing_id,
      ...(await describe(r.filing_id)),
      method: r.method,
      amountFen: r.amount_fen,
      status: r.status,
      ...(p.payer_name ? { payerName: p.payer_name } : {}),
      // Offline: the applicant's reference; online: the gateway's trade number to refund.
      ...((p.reference ?? p.provider_trade_no) ? { reference: (p.reference ?? p.provider_trade_no) as string } : {}),
      ...(r.note ? { note: r.note } : {}),
      createdAt: iso(r.created_at) as string,
      ...(r.done_at ? { doneAt: iso(r.done_at) } : {}),
    };
  };

  api.route({
    method: 'get',
    path: '/finance/refunds',
    summary: '退费列表（线下退费为待办任务）',
    tags: ['finance'],
    access: permissions.financeDesk,
    query: RefundListQuery,
    response: pageOf(RefundItem),
    handler: async ({ query }) => {
      const base = db('payment.refunds').where({ status: query.status });
      const count = (await base.clone().count<{ count: string }[]>('* as count'))[0]?.count ?? 0;
      const rows: RefundRow[] = await base
        .clone()
        .orderBy('created_at', 'asc')
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize);
      return {
        items: await Promise.all(rows.map(refundItem)),
        total: Number(count),
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/finance/refunds/:refundId/done',
    summary: '线下退费已完成（填写退款凭证）',
    tags: ['finance'],
    access: ['finance'],
    params: RefundParams,
    body: CompleteRefundBody,
    response: RefundItem,
    handler: async ({ params, body, user }) =>
      refundItem(await completeRefund(db, params.refundId, user.userId, body.note)),
  });

  return createApp(api, (app) => {
    // Alipay's asynchronous notification: a form post, answered in plain text with exactly
    // `success` (anything else makes the gateway re-send). Public: the signature is the authority.
    app.post(
      `${BASE}/gateway/alipay/notify`,
      rateLimit('notify'),
      express.urlencoded({ extended: false, limit: '64kb' }),
      async (req, res) => {
        try {
          const params = Object.fromEntries(
            Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
          ) as Record<string, string>;
          const { answer } = await handleAlipayNotification(deps, params);
          res.type('text/plain').send(answer);
        } catch (err) {
          logger.error({ err }, 'gateway notification failed; the gateway will re-send');
          res.status(500).type('text/plain').send('failure');
        }
      },
    );
  });
}
