import { z } from 'zod';
import { Id } from './common';
import { PaymentMethod } from './registration';

/**
 * Contracts of the payment service (缴费): HTTP bodies and the public shapes of its rows.
 * Amounts are integers in fen (分); 150 元/件 is 15000.
 */

export const OfflineChannel = z.enum(['bank_transfer', 'alipay_transfer']); // 银行公对公转账 / 支付宝转账
export type OfflineChannel = z.infer<typeof OfflineChannel>;

export const PaymentStatus = z.enum(['pending', 'confirmed', 'rejected']);
export const RefundStatus = z.enum(['pending', 'done']);

/** The applicant's order as the payment page shows it (版权缴费). */
export const PaymentOrderView = z
  .object({
    filingId: Id,
    amountFen: z.number().int().positive(),
    /** unpaid → (offline) verifying → paid → (refused) refund_pending → refunded. */
    status: z.enum(['unpaid', 'verifying', 'paid', 'refund_pending', 'refunded']),
    /** Absent until chosen; cannot change afterwards. */
    method: PaymentMethod.optional(),
    online: z
      .object({
        outTradeNo: z.string(),
        /** What the QR code encodes (the gateway's payment link); open it to pay in the browser. */
        payUrl: z.string(),
        /** The QR code as a PNG data URL, ready for <img src>. */
        qrDataUrl: z.string(),
      })
      .optional(),
    /** The latest offline reference the applicant entered, with finance's answer. */
    offline: z
      .object({
        paymentId: Id,
        channel: OfflineChannel,
        payerName: z.string(),
        reference: z.string(),
        paidOn: z.iso.date(),
        status: PaymentStatus,
        rejectReason: z.string().optional(),
      })
      .optional(),
    paymentId: Id.optional(),
    confirmedAt: z.iso.datetime().optional(),
    invoice: z
      .object({
        invoiceNo: z.string(),
        issuedAt: z.iso.datetime(),
        /** When the invoice mail left (电子发票已发送); a pickup applicant collects the paper certificate after it. */
        sentAt: z.iso.datetime().optional(),
        downloadUrl: z.string(),
      })
      .optional(),
    refund: z.object({ refundId: Id, status: RefundStatus, doneAt: z.iso.datetime().optional() }).optional(),
    /** 我的办件's timeline: every refund of the work (不予登记, or a surplus payment), oldest first. */
    refunds: z
      .array(
        z.object({
          refundId: Id,
          /** refused: the registration was refused; surplus: a second payment of a paid order. */
          reason: z.enum(['refused', 'surplus']),
          amountFen: z.number().int().positive(),
          status: RefundStatus,
          openedAt: z.iso.datetime(),
          doneAt: z.iso.datetime().optional(),
        }),
      )
      .default([]),
  })
  .meta({ id: 'PaymentOrderView' });
export type PaymentOrderView = z.infer<typeof PaymentOrderView>;

export const ChooseMethodBody = z.object({ method: PaymentMethod });

export const OfflineReferenceBody = z.object({
  channel: OfflineChannel,
  /** 付款人 (the paying account's name). */
  payerName: z.string().trim().min(1).max(100),
  /** 付款凭证号 / 交易流水号. */
  reference: z.string().trim().min(4).max(100),
  paidOn: z.iso.date(),
});

/** A row of finance's offline-payment list (线下付款核对). */
export const OfflinePaymentItem = z
  .object({
    paymentId: Id,
    filingId: Id,
    serialNo: z.string(),
    title: z.string(),
    amountFen: z.number().int(),
    channel: OfflineChannel,
    payerName: z.string(),
    reference: z.string(),
    paidOn: z.iso.date(),
    status: PaymentStatus,
    rejectReason: z.string().optional(),
    submittedAt: z.iso.datetime(),
    decidedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'OfflinePaymentItem' });
export type OfflinePaymentItem = z.infer<typeof OfflinePaymentItem>;

export const OfflineListQuery = z.object({
  status: PaymentStatus.default('pending'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const RejectOfflineBody = z.object({ reason: z.string().trim().min(1).max(500) });

/** A refund (退费) as finance sees it: online ones are done by the gateway, offline ones are tasks. */
export const RefundItem = z
  .object({
    refundId: Id,
    paymentId: Id,
    filingId: Id,
    serialNo: z.string(),
    title: z.string(),
    method: PaymentMethod,
    amountFen: z.number().int(),
    status: RefundStatus,
    /** For an offline refund: where the money came from, to send it back. */
    payerName: z.string().optional(),
    reference: z.string().optional(),
    note: z.string().optional(),
    createdAt: z.iso.datetime(),
    doneAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'RefundItem' });
export type RefundItem = z.infer<typeof RefundItem>;

export const RefundListQuery = z.object({
  status: RefundStatus.default('pending'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const CompleteRefundBody = z.object({ note: z.string().trim().min(1).max(500) });
