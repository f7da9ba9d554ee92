import { createHash, createSign, createVerify, randomInt } from 'node:crypto';
import { config, createDb, developmentOnly, listen, logger } from '@copyreg/kit';
import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { paymentConfig } from './config';
import { ensureKeyPair } from './gateway-keys';

/**
 * The development payment gateway: plays Alipay's side for alipay.trade.precreate / query /
 * refund with its own key pair, shows a payment page the user "pays" on (the QR code points at
 * it), and posts the asynchronous notification as Alipay does — signed RSA2, re-sent until the
 * answer is exactly `success`, and in more than one copy, since duplicates are normal.
 * Development and tests only; production points ALIPAY_GATEWAY at Alipay.
 */
interface Trade {
  out_trade_no: string;
  trade_no: string;
  app_id: string;
  total_amount: string;
  subject: string;
  notify_url: string | null;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
  refund_amount: string | null;
  paid_at: Date | null;
  created_at: Date;
}

/** Alipay's time format, in China time. */
const alipayTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

/** Sorted `k=v` pairs, without sign (and, for notifications, sign_type): Alipay's string to sign. */
export function signContent(params: Record<string, string>, omitSignType: boolean): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && !(omitSignType && k === 'sign_type') && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export const rsa2Sign = (content: string, privatePem: string) =>
  createSign('RSA-SHA256').update(content, 'utf8').sign(privatePem, 'base64');

export interface DevGatewayOptions {
  /** This gateway's own address, for the payment page links in QR codes. */
  publicBase: string;
  notifyCopies?: number;
  resendSeconds?: number;
}

export function createDevGatewayApp(db: Knex, opts: DevGatewayOptions): Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const keys = () => ensureKeyPair('dev-alipay');
  const appKey = () => ensureKeyPair('dev-app');
  const copies = opts.notifyCopies ?? paymentConfig().DEV_GATEWAY_NOTIFY_COPIES;
  const resendMs = (opts.resendSeconds ?? paymentConfig().DEV_GATEWAY_RESEND_SECONDS) * 1000;
  const trade = (outTradeNo: string): Promise<Trade | undefined> =>
    db('payment.dev_gateway_trades').where({ out_trade_no: outTradeNo }).first();

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: 'dev-gateway' });
  });

  // The OpenAPI gateway: signed request in, signed `<method>_response` out.
  app.post('/gateway.do', async (req, res, next) => {
    try {
      const params = { ...(req.query as Record<string, string>), ...(req.body as Record<string, string>) };
      const method = params.method ?? '';
      const respond = async (body: Record<string, unknown>) => {
        const json = JSON.stringify(body);
        const sign = rsa2Sign(json, (await keys()).privatePem);
        res.type('json').send(`{"${method.replaceAll('.', '_')}_response":${json},"sign":"${sign}"}`);
      };
      const ok = createVerify('RSA-SHA256')
        .update(signContent(params, false), 'utf8')
        .verify((await appKey()).publicPem, params.sign ?? '', 'base64');
      if (!ok) {
        await respond({
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-signature',
          sub_msg: '验签出错',
        });
        return;
      }
      const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
      const outTradeNo = biz.out_trade_no ?? '';
      if (method === 'alipay.trade.precreate') {
        await db('payment.dev_gateway_trades')
          .insert({
            out_trade_no: outTradeNo,
            trade_no: `${alipayTime(new Date()).replace(/\D/g, '').slice(0, 8)}22${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e9)).padStart(9, '0')}`,
            app_id: params.app_id,
            total_amount: biz.total_amount,
            subject: biz.subject ?? '',
            notify_url: params.notify_url ?? null,
            status: 'WAIT_BUYER_PAY',
          })
          .onConflict('out_trade_no')
          .ignore();
        const t = await trade(outTradeNo);
        if (t?.total_amount !== biz.total_amount) {
          await respond({
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'ACQ.CONTEXT_INCONSISTENT',
            sub_msg: '交易信息被篡改',
          });
          return;
        }
        await respond({
          code: '10000',
          msg: 'Success',
          out_trade_no: outTradeNo,
          qr_code: `${opts.publicBase}/pay/${outTradeNo}`,
        });
        return;
      }
      const t = await trade(outTradeNo);
      if (!t) {
        await respond({
          code: '40004',
          msg: 'Business Failed',
          sub_code: 'ACQ.TRADE_NOT_EXIST',
          sub_msg: '交易不存在',
        });
        return;
      }
      if (method === 'alipay.trade.query') {
        await respond({
          code: '10000',
          msg: 'Success',
          out_trade_no: t.out_trade_no,
          trade_no: t.trade_no,
          trade_status: t.status,
          total_amount: t.total_amount,
          ...(t.paid_at ? { send_pay_date: alipayTime(t.paid_at) } : {}),
        });
        return;
      }
      if (method === 'alipay.trade.refund') {
        if (t.status === 'WAIT_BUYER_PAY') {
          await respond({
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'ACQ.TRADE_STATUS_ERROR',
            sub_msg: '交易状态不合法',
          });
          return;
        }
        const first = t.refund_amount === null;
        if (first) {
          await db('payment.dev_gateway_trades')
            .where({ out_trade_no: outTradeNo })
            .update({ refund_amount: biz.refund_amount, status: 'TRADE_CLOSED' });
        }
        await respond({
          code: '10000',
          msg: 'Success',
          out_trade_no: t.out_trade_no,
          trade_no: t.trade_no,
          refund_fee: biz.refund_amount,
          fund_change: first ? 'Y' : 'N',
        });
        return;
      }
      await respond({
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'isv.invalid-method',
        sub_msg: `不支持 ${method}`,
      });
    } catch (err) {
      next(err);
    }
  });

  // The page the QR code opens: the user "pays" here.
  app.get('/pay/:outTradeNo', async (req, res) => {
    const t = await trade(req.params.outTradeNo);
    if (!t) {
      res.status(404).type('html').send('<p>交易不存在</p>');
      return;
    }
    const paid = t.status !== 'WAIT_BUYER_PAY';
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝（开发用）</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}button{font-size:1.2em;padding:.5em 2em}</style></head><body>
<h1>支付宝收银台（开发用）</h1><p>${esc(t.subject)}</p><p>订单号 ${esc(t.out_trade_no)}</p><p style="font-size:2em">¥ ${esc(t.total_amount)}</p>
${paid ? `<p>已支付（${t.status}）</p>` : `<form method="post"><button type="submit">确认付款</button></form>`}</body></html>`);
  });
  app.post('/pay/:outTradeNo', async (req, res) => {
    const updated = await db('payment.dev_gateway_trades')
      .where({ out_trade_no: req.params.outTradeNo, status: 'WAIT_BUYER_PAY' })
      .update({ status: 'TRADE_SUCCESS', paid_at: db.fn.now() });
    const t = await trade(req.params.outTradeNo);
    if (!t) {
      res.status(404).type('html').send('<p>交易不存在</p>');
      return;
    }
    if (updated) void deliver(t.out_trade_no, copies);
    if (req.accepts(['html', 'json']) === 'json') res.json({ status: t.status, tradeNo: t.trade_no });
    else res.type('html').send('<!doctype html><meta charset="utf-8"><p>支付成功，请返回平台查看缴费状态。</p>');
  });

  // Development and tests: the trade as the gateway sees it, and re-sending its notification.
  app.get('/dev/trades/:outTradeNo', async (req, res) => {
    const t = await trade(req.params.outTradeNo);
    if (!t) res.status(404).json({ error: { code: 'NOT_FOUND', message: '交易不存在' } });
    else res.json(t);
  });
  app.post('/dev/trades/:outTradeNo/notify', async (req, res) => {
    const n = Math.min(Number(req.query.copies ?? 1) || 1, 50);
    const t = await trade(req.params.outTradeNo);
    if (!t || t.status === 'WAIT_BUYER_PAY') {
      res.status(409).json({ error: { code: 'INVALID_STATE', message: '交易未支付' } });
      return;
    }
    res.json({ answers: await deliver(t.out_trade_no, n, false) });
  });

  /** The notification Alipay would post for this trade, signed with the gateway's key. */
  async function notification(t: Trade): Promise<Record<string, string>> {
    const paidAt = t.paid_at ?? new Date();
    const params: Record<string, string> = {
      notify_time: alipayTime(new Date()),
      notify_type: 'trade_status_sync',
      notify_id: createHash('sha256').update(`${t.trade_no}:${t.status}`).digest('hex').slice(0, 34),
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      app_id: t.app_id,
      seller_id: '2088000000000001',
      buyer_id: '2088000000000002',
      buyer_logon_id: 'dev***@example.com',
      trade_no: t.trade_no,
      out_trade_no: t.out_trade_no,
      subject: t.subject,
      trade_status: t.status === 'TRADE_CLOSED' ? 'TRADE_SUCCESS' : t.status,
      total_amount: t.total_amount,
      receipt_amount: t.total_amount,
      buyer_pay_amount: t.total_amount,
      invoice_amount: t.total_amount,
      point_amount: '0.00',
      gmt_create: alipayTime(t.created_at),
      gmt_payment: alipayTime(paidAt),
    };
    params.sign = rsa2Sign(signContent(params, true), (await keys()).privatePem);
    return params;
  }

  /** Posts `n` copies; unless told not to, re-sends (up to 8 times) while the answer is not `success`. */
  async function deliver(outTradeNo: string, n: number, retry = true): Promise<string[]> {
    const t = await trade(outTradeNo);
    if (!t?.notify_url) return [];
    const url = t.notify_url;
    const post = async () => {
      try {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
          body: new URLSearchParams(await notification(t)).toString(),
        });
        return await r.text();
      } catch (err) {
        logger.warn({ err, outTradeNo }, 'dev gateway: notification not delivered');
        return `error: ${(err as Error).message}`;
      }
    };
    const answers: string[] = [];
    for (let i = 0; i < n; i++) answers.push(await post());
    if (retry && !answers.includes('success')) {
      void (async () => {
        for (let attempt = 0; attempt < 8; attempt++) {
          await new Promise((r) => setTimeout(r, resendMs * 2 ** attempt));
          if ((await post()) === 'success') return;
        }
      })();
    }
    return answers;
  }

  return app;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  developmentOnly('the development payment gateway');
  const c = config();
  const db = createDb();
  const app = createDevGatewayApp(db, { publicBase: `http://127.0.0.1:${c.DEV_GATEWAY_PORT}` });
  ensureKeyPair('dev-alipay')
    .then(() => ensureKeyPair('dev-app'))
    .then(() => listen(app, c.DEV_GATEWAY_PORT))
    .then(() => logger.info({ port: c.DEV_GATEWAY_PORT }, 'development payment gateway started'))
    .catch((err) => {
      logger.error({ err }, 'development payment gateway failed');
      process.exit(1);
    });
}
