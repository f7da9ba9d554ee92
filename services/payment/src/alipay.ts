import { logger } from '@copyreg/kit';
import { AlipaySdk } from 'alipay-sdk';
import { paymentConfig } from './config';
import { ensureKeyPair } from './gateway-keys';

/**
 * The payment-gateway adapter, in the shape of Alipay's face-to-face QR payment
 * (alipay.trade.precreate → a QR code the user scans), trade query, refund and the asynchronous
 * notification. alipay-sdk signs the requests and verifies the responses and notifications (RSA2).
 * Real Alipay by configuration (ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY,
 * ALIPAY_GATEWAY); otherwise the development gateway and its key files (src/gateway-keys.ts).
 */
export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED';
export interface GatewayTrade {
  outTradeNo: string;
  tradeNo: string;
  status: TradeStatus;
  totalAmount: string;
}

export interface PaymentGateway {
  readonly provider: 'alipay';
  readonly appId: string;
  precreate(order: { outTradeNo: string; amountFen: number; subject: string }): Promise<{ qrCode: string }>;
  /** undefined when the gateway knows no such trade (the user never scanned the code). */
  query(outTradeNo: string): Promise<GatewayTrade | undefined>;
  /** Idempotent at the gateway by outRequestNo. */
  refund(input: { outTradeNo: string; amountFen: number; outRequestNo: string }): Promise<{ fundChange: boolean }>;
  /** RSA2 over the sorted parameters without sign (and sign_type), with the gateway's public key. */
  verifyNotification(params: Record<string, string>): boolean;
}

export const yuanOf = (fen: number) => (fen / 100).toFixed(2);

export class GatewayError extends Error {}

export async function alipayGateway(overrides: { gateway?: string; notifyUrl?: string } = {}): Promise<PaymentGateway> {
  const pc = paymentConfig();
  const dev = !pc.ALIPAY_PRIVATE_KEY;
  const privateKey = pc.ALIPAY_PRIVATE_KEY ?? (await ensureKeyPair('dev-app')).privatePem;
  const alipayPublicKey = pc.ALIPAY_PUBLIC_KEY ?? (await ensureKeyPair('dev-alipay')).publicPem;
  const sdk = new AlipaySdk({
    appId: pc.ALIPAY_APP_ID,
    privateKey,
    alipayPublicKey,
    gateway: overrides.gateway ?? pc.ALIPAY_GATEWAY,
    keyType: dev || privateKey.includes('BEGIN PRIVATE KEY') ? 'PKCS8' : 'PKCS1',
    timeout: 10_000,
  });
  const notifyUrl = overrides.notifyUrl ?? pc.PAYMENT_NOTIFY_URL;
  const exec = async (method: string, bizContent: Record<string, unknown>, extra: Record<string, string> = {}) => {
    const result = await sdk.exec(method, { ...extra, bizContent }, { validateSign: true });
    return result as { code: string; msg: string; subCode?: string; subMsg?: string; [k: string]: unknown };
  };

  return {
    provider: 'alipay',
    appId: pc.ALIPAY_APP_ID,
    async precreate({ outTradeNo, amountFen, subject }) {
      const r = await exec(
        'alipay.trade.precreate',
        { out_trade_no: outTradeNo, total_amount: yuanOf(amountFen), subject },
        { notify_url: notifyUrl },
      );
      if (r.code !== '10000' || typeof r.qrCode !== 'string') {
        throw new GatewayError(`alipay.trade.precreate failed: ${r.code} ${r.subCode ?? ''} ${r.subMsg ?? r.msg}`);
      }
      return { qrCode: r.qrCode };
    },
    async query(outTradeNo) {
      const r = await exec('alipay.trade.query', { out_trade_no: outTradeNo });
      if (r.code === '40004' && r.subCode === 'ACQ.TRADE_NOT_EXIST') return undefined;
      if (r.code !== '10000') throw new GatewayError(`alipay.trade.query failed: ${r.code} ${r.subCode ?? ''}`);
      return {
        outTradeNo: String(r.outTradeNo),
        tradeNo: String(r.tradeNo),
        status: r.tradeStatus as TradeStatus,
        totalAmount: String(r.totalAmount),
      };
    },
    async refund({ outTradeNo, amountFen, outRequestNo }) {
      const r = await exec('alipay.trade.refund', {
        out_trade_no: outTradeNo,
        refund_amount: yuanOf(amountFen),
        out_request_no: outRequestNo,
        refund_reason: '不予登记并退费',
      });
      if (r.code !== '10000') throw new GatewayError(`alipay.trade.refund failed: ${r.code} ${r.subCode ?? ''}`);
      return { fundChange: r.fundChange === 'Y' };
    },
    verifyNotification(params) {
      try {
        return sdk.checkNotifySignV2(params);
      } catch (err) {
        logger.warn({ err }, 'notification signature could not be checked');
        return false;
      }
    },
  };
}
