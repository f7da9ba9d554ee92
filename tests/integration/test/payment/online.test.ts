import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ensureOrder, queryPayment } from '@copyreg/payment';
import { choosePaymentMethodUpdate } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  cookieFor,
  eventually,
  gatewayNotification,
  type Harness,
  makeFiling,
  postNotification,
  startHarness,
  startRegistration,
} from './support';

describe('online payment (支付宝扫码): order, QR, verified notifications, exactly once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** An applicant with a submitted registration (the real workflow), and the online order with its QR code. */
  async function onlineOrder() {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const cookie = await cookieFor(applicantId);
    const chosen = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(chosen.status).toBe(200);
    return { s, wf, cookie, order: chosen.body };
  }
  const payments = (filingId: string) => h.deps.db('payment.payments').where({ filing_id: filingId });
  const notifications = (outTradeNo: string) => h.deps.db('payment.notifications').where({ out_trade_no: outTradeNo });

  it('goes from order to confirmed: QR code, the payment page, one payment event, one signal', async () => {
    const { s, wf, cookie, order } = await onlineOrder();
    expect(order).toMatchObject({ filingId: s.filingId, amountFen: 15000, status: 'unpaid', method: 'online' });
    expect(order.online.payUrl).toBe(`${h.gateway}/pay/${order.online.outTradeNo}`);
    expect(order.online.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(await wf.until((st) => st.payment.method === 'online')).toMatchObject({
      status: 'awaiting_payment',
      waitingOn: 'payment',
    });
    const png = await fetch(`${h.api}/api/payment/orders/${s.filingId}/qr.png`, { headers: { cookie } });
    expect(png.headers.get('content-type')).toBe('image/png');

    // The payment page the QR code opens, and the user pays on it.
    expect(await (await fetch(order.online.payUrl)).text()).toContain('¥ 150.00');
    const paid = await fetch(order.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    expect(((await paid.json()) as { status: string }).status).toBe('TRADE_SUCCESS');

    // The gateway sent two copies; both were answered `success`, only one was applied.
    await eventually(async () => {
      const outcomes = (await notifications(order.online.outTradeNo)).map((n) => n.outcome).sort();
      expect(outcomes).toEqual(['applied', 'duplicate']);
    });
    const inReview = await wf.until((st) => st.status === 'initial_review');
    const rows = await payments(s.filingId);
    expect(rows).toHaveLength(1);
    expect(inReview.payment).toMatchObject({ method: 'online', paymentId: rows[0].payment_id });
    expect(await wf.confirmedSignals()).toBe(1);
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body).toMatchObject({ status: 'paid', paymentId: rows[0].payment_id });
    await wf.done();
  });

  it('the same notification delivered ten times: one payment event, one signal', async () => {
    const { s, wf, order } = await onlineOrder();
    await fetch(order.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    // The gateway's own two copies are in.
    await eventually(async () => expect(await notifications(order.online.outTradeNo)).toHaveLength(2));
    const inReview = await wf.until((st) => st.status === 'initial_review');
    const resent = await fetch(`${h.gateway}/dev/trades/${order.online.outTradeNo}/notify?copies=10`, {
      method: 'POST',
    });
    const { answers } = (await resent.json()) as { answers: string[] };
    expect(answers).toEqual(Array(10).fill('success'));
    expect(await payments(s.filingId)).toHaveLength(1);
    expect(await wf.until()).toEqual(inReview);
    expect(await wf.confirmedSignals()).toBe(1);
    const outcomes = (await notifications(order.online.outTradeNo)).map((n) => n.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(11);
    await wf.done();
  });

  const forged = (outTradeNo: string, change: Record<string, string>, privatePem?: string) =>
    gatewayNotification(h, outTradeNo, change, privatePem);
  const post = (params: Record<string, string>) => postNotification(h, params);

  it('a forged, tampered, wrong-amount, wrong-app or unknown-order notification changes nothing and is logged', async () => {
    const { s, wf, cookie, order } = await onlineOrder();
    const outTradeNo = order.online.outTradeNo;
    const unknown = `CR${randomUUID().replaceAll('-', '')}`;
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();

    expect(await post(await forged(outTradeNo, {}, stranger))).toBe('failure'); // signed by someone else
    const tampered = await forged(outTradeNo, {});
    expect(await post({ ...tampered, total_amount: '0.01' })).toBe('failure'); // changed after signing
    expect(await post(await forged(outTradeNo, { total_amount: '0.01' }))).toBe('failure'); // signed, wrong amount
    expect(await post(await forged(outTradeNo, { app_id: '2099000000000000' }))).toBe('failure');
    expect(await post(await forged(outTradeNo, { out_trade_no: unknown }))).toBe('failure');
    expect(await post(await forged(outTradeNo, { trade_status: 'WAIT_BUYER_PAY' }))).toBe('success'); // not acted on
    expect(await post({})).toBe('failure');

    expect(await payments(s.filingId)).toHaveLength(0);
    expect(await wf.until()).toMatchObject({ status: 'awaiting_payment', payment: { method: 'online' } });
    expect(await wf.confirmedSignals()).toBe(0);
    const logged = await h.deps.db('payment.notifications').whereIn('out_trade_no', [outTradeNo, unknown]);
    expect(logged.map((n) => n.outcome).sort()).toEqual(
      ['bad_signature', 'bad_signature', 'ignored_status', 'unknown_order', 'wrong_amount', 'wrong_app'].sort(),
    );
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body.status).toBe('unpaid');
    await wf.done();
  });

  it('ten copies arriving at the same moment: still one payment event, one signal', async () => {
    const { s, wf, order } = await onlineOrder();
    const outTradeNo = order.online.outTradeNo;
    await h.deps.db('payment.dev_gateway_trades').where({ out_trade_no: outTradeNo }).update({ notify_url: null });
    await fetch(order.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    const notification = await forged(outTradeNo, {}); // the gateway's key: a genuine notification
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(notification)));
    expect(answers).toEqual(Array(10).fill('success'));
    expect(await payments(s.filingId)).toHaveLength(1);
    const inReview = await wf.until((st) => st.status === 'initial_review');
    expect(inReview.payment.paymentId).toBe((await payments(s.filingId))[0].payment_id);
    expect(await wf.confirmedSignals()).toBe(1);
    await wf.done();
  });

  it('the gateway re-sends until it is answered `success`; a payment whose workflow cannot be told is kept and told later', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    // No workflow yet: the order exists (made by an earlier choice), the signal cannot be delivered.
    const order = await ensureOrder(h.deps, s.filingId, 'online');
    await fetch(order.qr_code as string, { method: 'POST', headers: { accept: 'application/json' } });
    await eventually(async () => {
      const outcomes = (await notifications(order.out_trade_no)).map((n) => n.outcome);
      expect(outcomes.filter((o) => o === 'signal_failed').length).toBeGreaterThanOrEqual(3); // 2 copies + re-sends
    });
    expect(await payments(s.filingId)).toHaveLength(1);
    // The workflow appears (signed and submitted); the gateway's next re-send tells it, once.
    const wf = await startRegistration(h, s);
    await eventually(async () => {
      const outcomes = (await notifications(order.out_trade_no)).map((n) => n.outcome);
      expect(outcomes).toContain('applied');
    }, 60_000);
    const inReview = await wf.until((st) => st.status === 'initial_review');
    expect(inReview.payment.paymentId).toBe((await payments(s.filingId))[0].payment_id);
    expect(await wf.confirmedSignals()).toBe(1);
    await wf.done();
  });

  it('when no notification comes, the trade query finds the payment (and a late notification does not signal again)', async () => {
    const { s, wf, order } = await onlineOrder();
    expect(await queryPayment(h.deps, s.filingId)).toBeNull(); // not paid yet
    // Pay at the gateway with notifications that go nowhere.
    await h.deps
      .db('payment.dev_gateway_trades')
      .where({ out_trade_no: order.online.outTradeNo })
      .update({ notify_url: null });
    await fetch(order.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    const found = await queryPayment(h.deps, s.filingId);
    const rows = await payments(s.filingId);
    expect(found).toEqual({ paymentId: rows[0].payment_id, method: 'online', amountFen: 15000 });
    expect(await queryPayment(h.deps, s.filingId)).toEqual(found); // asked again: the same payment
    // The notification arrives late: stored once, the workflow (which has the query's answer) is not signalled.
    await h.deps
      .db('payment.dev_gateway_trades')
      .where({ out_trade_no: order.online.outTradeNo })
      .update({ notify_url: `${h.api}/api/payment/gateway/alipay/notify` });
    const late = await fetch(`${h.gateway}/dev/trades/${order.online.outTradeNo}/notify?copies=2`, { method: 'POST' });
    expect(((await late.json()) as { answers: string[] }).answers).toEqual(['success', 'success']);
    expect(await payments(s.filingId)).toHaveLength(1);
    expect(await wf.until()).toMatchObject({ status: 'awaiting_payment' });
    expect(await wf.confirmedSignals()).toBe(0);
    await wf.done();
  });

  it('the method is chosen once; only the applicant who filed it sees the order', async () => {
    const { s, wf, cookie } = await onlineOrder();
    const again = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'offline' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PAYMENT_METHOD_LOCKED');
    const same = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(same.status).toBe(200);
    expect((await call(h, 'GET', `/orders/${s.filingId}`)).status).toBe(401);
    const other = await call(h, 'GET', `/orders/${s.filingId}`, { cookie: await cookieFor(randomUUID()) });
    expect(other.status).toBe(404);
    const finance = await call(h, 'GET', `/orders/${s.filingId}`, {
      cookie: await cookieFor(randomUUID(), ['finance']),
    });
    expect(finance.status).toBe(200);
    const bad = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'cash' } });
    expect(bad.status).toBe(400);
    await wf.done();
  });

  it('choosing the method under one Idempotency-Key: two at once and a third after, one choice, one answer', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const cookie = await cookieFor(applicantId);
    const key = randomUUID();
    const choose = (method = 'online') =>
      call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method }, idempotencyKey: key });
    const [a, b] = await Promise.all([choose(), choose()]);
    const c = await choose();
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    expect(await h.deps.db('payment.orders').where({ filing_id: s.filingId })).toHaveLength(1);
    // The same key with another choice is refused, and the choice stands.
    const reused = await choose('offline');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await wf.until()).toMatchObject({ status: 'awaiting_payment', payment: { method: 'online' } });
    await wf.done();
  });

  it("the workflow's refusal of the choice is the HTTP answer, in its words; no order is made", async () => {
    const applicantId = randomUUID();
    const cookie = await cookieFor(applicantId);
    // Signed but not submitted: the workflow refuses any method.
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s, { submit: false });
    const early = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'INVALID_STATE', message: '当前不在缴费阶段' });
    expect(await h.deps.db('payment.orders').where({ filing_id: s.filingId })).toHaveLength(0);
    expect(await wf.until()).toMatchObject({ status: 'awaiting_submission' });
    await wf.done();

    // Chosen once (online, through the API): the workflow itself refuses another method.
    const paid = await makeFiling(h, { applicantId });
    const chosen = await startRegistration(h, paid);
    expect(
      (await call(h, 'POST', `/orders/${paid.filingId}/method`, { cookie, body: { method: 'online' } })).status,
    ).toBe(200);
    const refused = await chosen.handle
      .executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'offline' }] })
      .then(
        () => undefined,
        (err: { cause?: { type?: string; message?: string } }) => err.cause,
      );
    expect(refused).toMatchObject({ type: 'PAYMENT_METHOD_LOCKED', message: '缴费方式一经选择不可更改' });
    expect(await chosen.until()).toMatchObject({ status: 'awaiting_payment', payment: { method: 'online' } });
    await chosen.done();

    // No workflow at all: the filing was never submitted.
    const lone = await makeFiling(h, { applicantId });
    const none = await call(h, 'POST', `/orders/${lone.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('INVALID_STATE');
  });
});
