import { randomUUID } from 'node:crypto';
import { refundPayment } from '@copyreg/payment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cookieFor, type Harness, makeFiling, payOnline, startHarness, startRegistration } from './support';

describe('refunds after refusal (不予登记并退费): recorded once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('online: refunded through the gateway, once', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const { order, state, cookie } = await payOnline(h, s, wf);
    const paymentId = state.payment.paymentId as string;

    const first = await refundPayment(h.deps, { filingId: s.filingId, paymentId });
    expect(first.status).toBe('done');
    // The activity retried: the same refund, no second call that moves money.
    const again = await refundPayment(h.deps, { filingId: s.filingId, paymentId });
    expect(again).toEqual(first);
    expect(await h.deps.db('payment.refunds').where({ payment_id: paymentId })).toHaveLength(1);
    const trade = (await (await fetch(`${h.gateway}/dev/trades/${order.online.outTradeNo}`)).json()) as {
      status: string;
      refund_amount: string;
    };
    expect(trade).toMatchObject({ status: 'TRADE_CLOSED', refund_amount: '150.00' });
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body).toMatchObject({ status: 'refunded', refund: { refundId: first.refundId, status: 'done' } });
    // 我的办件's timeline: the refund with its amount and dates.
    expect(view.body.refunds).toEqual([
      {
        refundId: first.refundId,
        reason: 'refused',
        amountFen: 15000,
        status: 'done',
        openedAt: expect.any(String),
        doneAt: expect.any(String),
      },
    ]);
    await wf.done();
  });

  it('offline: a finance task that finance marks done', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const cookie = await cookieFor(applicantId);
    await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'offline' } });
    const entered = await call(h, 'POST', `/orders/${s.filingId}/offline`, {
      cookie,
      body: { channel: 'alipay_transfer', payerName: '王五', reference: 'ALI20261120001', paidOn: '2026-11-20' },
    });
    const paymentId = entered.body.offline.paymentId;
    const finance = await cookieFor(randomUUID(), ['finance']);
    await call(h, 'POST', `/finance/offline/${paymentId}/confirm`, { cookie: finance });

    const task = await refundPayment(h.deps, { filingId: s.filingId, paymentId });
    expect(task.status).toBe('pending');
    expect(await refundPayment(h.deps, { filingId: s.filingId, paymentId })).toEqual(task);
    const list = await call(h, 'GET', '/finance/refunds?status=pending&pageSize=100', { cookie: finance });
    const item = list.body.items.find((i: { refundId: string }) => i.refundId === task.refundId);
    expect(item).toMatchObject({ method: 'offline', amountFen: 15000, payerName: '王五', reference: 'ALI20261120001' });
    expect(
      (await call(h, 'POST', `/finance/refunds/${task.refundId}/done`, { cookie, body: { note: 'x' } })).status,
    ).toBe(403);
    const done = await call(h, 'POST', `/finance/refunds/${task.refundId}/done`, {
      cookie: finance,
      body: { note: '已原路转回，凭证 TR20261124' },
    });
    expect(done.body).toMatchObject({ status: 'done', note: '已原路转回，凭证 TR20261124' });
    const after = (await call(h, 'GET', `/orders/${s.filingId}`, { cookie })).body;
    expect(after.status).toBe('refunded');
    expect(after.refunds).toMatchObject([
      { refundId: task.refundId, reason: 'refused', amountFen: 15000, status: 'done' },
    ]);
    await wf.done();
  });
});
