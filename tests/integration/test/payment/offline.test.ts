import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cookieFor, type Harness, makeFiling, startHarness, startRegistration } from './support';

describe('offline payment (线下付款): the applicant enters the reference, finance confirms or rejects', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function offlineOrder() {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const cookie = await cookieFor(applicantId);
    const chosen = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'offline' } });
    expect(chosen.body).toMatchObject({ method: 'offline', status: 'unpaid' });
    expect(chosen.body.online).toBeUndefined();
    expect(await wf.until()).toMatchObject({ status: 'payment_verifying', payment: { method: 'offline' } });
    return { s, wf, cookie };
  }
  const reference = (ref: string) => ({
    channel: 'bank_transfer',
    payerName: '杭州某某文化有限公司',
    reference: ref,
    paidOn: '2026-11-20',
  });

  it('confirmed by finance: the workflow gets paymentConfirmed once', async () => {
    const { s, wf, cookie } = await offlineOrder();
    const ref = `BANK${Date.now()}`;
    const entered = await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference(ref) });
    expect(entered.status).toBe(201);
    expect(entered.body).toMatchObject({
      status: 'verifying',
      offline: { reference: ref, status: 'pending', channel: 'bank_transfer' },
    });
    // A second reference while the first waits is refused.
    const twice = await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference(`${ref}X`) });
    expect(twice.status).toBe(409);

    const finance = await cookieFor(randomUUID(), ['finance']);
    const list = await call(h, 'GET', '/finance/offline?status=pending&pageSize=100', { cookie: finance });
    const item = list.body.items.find((i: { filingId: string }) => i.filingId === s.filingId);
    expect(item).toMatchObject({
      reference: ref,
      payerName: '杭州某某文化有限公司',
      amountFen: 15000,
      title: '西湖晨雾',
      serialNo: s.serialNo,
    });

    // Only finance decides; an applicant cannot list or confirm.
    expect((await call(h, 'GET', '/finance/offline', { cookie })).status).toBe(403);
    expect((await call(h, 'POST', `/finance/offline/${item.paymentId}/confirm`, { cookie })).status).toBe(403);
    // Nor can finance staff decide on the payment for their own work (separation of duties).
    const ownFinance = await cookieFor(s.applicantId, ['applicant', 'finance']);
    for (const [action, body] of [
      ['confirm', undefined],
      ['reject', { reason: '对不上' }],
    ] as const) {
      const own = await call(h, 'POST', `/finance/offline/${item.paymentId}/${action}`, { cookie: ownFinance, body });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toContain('不能核对本人提交作品的缴费');
    }
    expect(await wf.until()).toMatchObject({ status: 'payment_verifying' });

    const confirmed = await call(h, 'POST', `/finance/offline/${item.paymentId}/confirm`, { cookie: finance });
    expect(confirmed.body.status).toBe('confirmed');
    // Confirming again (a double click) changes nothing.
    expect((await call(h, 'POST', `/finance/offline/${item.paymentId}/confirm`, { cookie: finance })).status).toBe(200);
    const inReview = await wf.until((st) => st.status === 'initial_review');
    expect(inReview.payment).toMatchObject({ paymentId: item.paymentId, method: 'offline' });
    expect(await wf.confirmedSignals()).toBe(1);
    expect(await wf.rejectedSignals()).toBe(0);
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body).toMatchObject({ status: 'paid', paymentId: item.paymentId });
    // Paid: no further reference.
    expect(
      (await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference(`${ref}Y`) })).status,
    ).toBe(409);
    await wf.done();
  });

  it('rejected with a reason: the workflow gets paymentRejected once, and the applicant may enter another', async () => {
    const { s, wf, cookie } = await offlineOrder();
    const first = await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference('WRONG-REF-1') });
    const paymentId = first.body.offline.paymentId;
    const finance = await cookieFor(randomUUID(), ['finance']);
    expect(
      (await call(h, 'POST', `/finance/offline/${paymentId}/reject`, { cookie: finance, body: { reason: '' } })).status,
    ).toBe(400);
    const rejected = await call(h, 'POST', `/finance/offline/${paymentId}/reject`, {
      cookie: finance,
      body: { reason: '银行流水中未找到该笔款项' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '银行流水中未找到该笔款项' });
    // Rejecting again changes nothing; confirming a rejected reference is refused.
    await call(h, 'POST', `/finance/offline/${paymentId}/reject`, { cookie: finance, body: { reason: '再次' } });
    expect((await call(h, 'POST', `/finance/offline/${paymentId}/confirm`, { cookie: finance })).status).toBe(409);
    const back = await wf.until((st) => st.status === 'awaiting_payment');
    expect(back.payment).toMatchObject({ method: 'offline', rejectedReason: '银行流水中未找到该笔款项' });
    expect(await wf.rejectedSignals()).toBe(1);
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body).toMatchObject({
      status: 'unpaid',
      offline: { status: 'rejected', rejectReason: '银行流水中未找到该笔款项' },
    });

    const second = await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference('RIGHT-REF-2') });
    expect(second.status).toBe(201);
    await call(h, 'POST', `/finance/offline/${second.body.offline.paymentId}/confirm`, { cookie: finance });
    const inReview = await wf.until((st) => st.status === 'initial_review');
    expect(inReview.payment.paymentId).toBe(second.body.offline.paymentId);
    expect(await wf.confirmedSignals()).toBe(1);
    expect(await wf.rejectedSignals()).toBe(1);
    await wf.done();
  });

  it('an online order takes no offline reference', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    const cookie = await cookieFor(applicantId);
    await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    const r = await call(h, 'POST', `/orders/${s.filingId}/offline`, { cookie, body: reference('REF-ONLINE') });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('PAYMENT_METHOD_LOCKED');
    await wf.done();
  });
});
