import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  cookieFor,
  eventually,
  gatewayNotification,
  type Harness,
  makeFiling,
  payOnline,
  postNotification,
  startHarness,
  startRegistration,
} from './support';

describe('a second payment of a paid order (the user paid twice, from two tabs)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const payments = (filingId: string) =>
    h.deps.db('payment.payments').where({ filing_id: filingId }).orderBy('created_at', 'asc');
  /** A trade number in Alipay's shape (the gateway's own for the second payment). */
  const tradeNo = () =>
    `2026113022${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e9)).padStart(9, '0')}`;

  it('is recorded as surplus, answered `success`, refunded by finance, the applicant told once; the workflow is not told', async () => {
    const s = await makeFiling(h);
    const wf = await startRegistration(h, s);
    const { order, cookie } = await payOnline(h, s, wf);
    const outTradeNo: string = order.online.outTradeNo;
    // The gateway's own two copies of the first payment are in; the registration has settled in review.
    await eventually(async () =>
      expect(await h.deps.db('payment.notifications').where({ out_trade_no: outTradeNo })).toHaveLength(2),
    );
    const inReview = await wf.until();
    expect(inReview.status).toBe('initial_review');
    const [first] = await payments(s.filingId);

    // The second payment's notification, genuine (the gateway's key), ten copies at the same
    // moment (a later one, after finance's refund, is below).
    const secondTradeNo = tradeNo();
    const second = await gatewayNotification(h, outTradeNo, { trade_no: secondTradeNo });
    const answers = await Promise.all(Array.from({ length: 10 }, () => postNotification(h, second)));
    expect(answers).toEqual(Array(10).fill('success'));

    // Postgres: the surplus payment once, never told to the workflow; one refund task for finance.
    const rows = await payments(s.filingId);
    expect(rows.map((p) => [p.provider_trade_no, p.status])).toEqual([
      [first.provider_trade_no, 'confirmed'],
      [secondTradeNo, 'surplus'],
    ]);
    const surplus = rows[1];
    expect(surplus).toMatchObject({ amount_fen: 15000, method: 'online', signalled_at: null });
    const refunds = await h.deps.db('payment.refunds').where({ filing_id: s.filingId });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ payment_id: surplus.payment_id, status: 'pending', amount_fen: 15000 });
    const outcomes = (await h.deps.db('payment.notifications').where({ trade_no: secondTradeNo })).map(
      (n) => n.outcome,
    );
    expect(outcomes.sort()).toEqual(['surplus', ...Array(9).fill('duplicate')].sort());

    // The mail catcher: one notice to the applicant, naming the surplus trade.
    const told = h.mail.messages(s.content.invoiceEmail).filter((m) => m.subject.includes('重复缴费'));
    expect(told).toHaveLength(1);
    for (const part of [secondTradeNo, '¥150.00', '原路退还', '西湖晨雾']) expect(told[0]?.text).toContain(part);

    // The workflow: the same state, the first payment, one paymentConfirmed signal in its history.
    expect(await wf.until()).toEqual(inReview);
    expect(inReview.payment.paymentId).toBe(first.payment_id);
    expect(await wf.confirmedSignals()).toBe(1);
    expect((await call(h, 'GET', `/orders/${s.filingId}`, { cookie })).body).toMatchObject({
      status: 'paid',
      paymentId: first.payment_id,
    });

    // Finance sees the task with the trade to refund, and marks it done; the order stays paid.
    const finance = await cookieFor(randomUUID(), ['finance']);
    const list = await call(h, 'GET', '/finance/refunds?status=pending&pageSize=100', { cookie: finance });
    const item = list.body.items.find((i: { refundId: string }) => i.refundId === refunds[0].refund_id);
    expect(item).toMatchObject({
      paymentId: surplus.payment_id,
      method: 'online',
      amountFen: 15000,
      reference: secondTradeNo,
      status: 'pending',
    });
    expect(item.note).toContain('重复缴费');
    const done = await call(h, 'POST', `/finance/refunds/${item.refundId}/done`, {
      cookie: finance,
      body: { note: '已原路退回重复付款' },
    });
    expect(done.body).toMatchObject({ status: 'done', note: '已原路退回重复付款' });
    const after = (await call(h, 'GET', `/orders/${s.filingId}`, { cookie })).body;
    expect(after.status).toBe('paid');
    // 我的办件's timeline shows the surplus payment's refund.
    expect(after.refunds).toMatchObject([
      { refundId: item.refundId, reason: 'surplus', amountFen: 15000, status: 'done' },
    ]);
    // A late copy after that changes nothing and tells nobody again.
    expect(await postNotification(h, second)).toBe('success');
    expect(await h.deps.db('payment.refunds').where({ filing_id: s.filingId })).toHaveLength(1);
    expect(h.mail.messages(s.content.invoiceEmail).filter((m) => m.subject.includes('重复缴费'))).toHaveLength(1);
    expect(await wf.until()).toEqual(inReview);
    await wf.done();
  });
});
