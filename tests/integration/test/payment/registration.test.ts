import { randomUUID } from 'node:crypto';
import { invoiceSent } from '@copyreg/payment';
import { reviewUpdate } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cookieFor, type Harness, makeFiling, startHarness, startRegistration } from './support';

/**
 * The real registration workflow (workflows/) with the real payment activities and the payment
 * API; the other services' activities are stand-ins that return what they would.
 */
describe('the registration workflow with the real payment service', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A registration signed by everyone and submitted: waiting for the fee. */
  async function submitted() {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const wf = await startRegistration(h, s);
    expect(await wf.until()).toMatchObject({ status: 'awaiting_payment', waitingOn: 'payment-method' });
    return { s, handle: wf.handle, wf, cookie: await cookieFor(applicantId) };
  }

  it('online: order → QR → paid at the gateway → the registration enters review; refused → refunded once; each notice mailed once', async () => {
    const { s, handle, wf, cookie } = await submitted();
    const chosen = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(chosen.status).toBe(200);
    expect(chosen.body.online.payUrl).toContain('/pay/');
    await fetch(chosen.body.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    const inReview = await wf.until((st) => st.status === 'initial_review');
    const [payment] = await h.deps.db('payment.payments').where({ filing_id: s.filingId });
    expect(inReview.payment).toMatchObject({ method: 'online', paymentId: payment.payment_id });
    // The gateway re-sends: nothing changes.
    await fetch(`${h.gateway}/dev/trades/${chosen.body.online.outTradeNo}/notify?copies=10`, { method: 'POST' });
    expect(await wf.until()).toEqual(inReview);
    expect(await wf.confirmedSignals()).toBe(1);

    await handle.executeUpdate(reviewUpdate, {
      args: [
        {
          stage: 'initial',
          reviewerId: randomUUID(),
          reviewerRole: 'initial_reviewer',
          decision: 'refuse',
          reasons: ['不属于著作权法保护的作品'],
        },
      ],
    });
    // Refused, refunded and told: waiting on nothing more.
    const refused = await wf.until((st) => st.status === 'refused' && st.waitingOn === 'none');
    const refundId = refused.payment.refundId;
    const refunds = await h.deps.db('payment.refunds').where({ filing_id: s.filingId });
    expect(refunds).toHaveLength(1);
    expect(refundId).toBe(refunds[0].refund_id);
    expect(refunds[0].status).toBe('done');
    expect((await call(h, 'GET', `/orders/${s.filingId}`, { cookie })).body.status).toBe('refunded');

    const mails = h.mail.messages(s.content.invoiceEmail);
    expect(mails.map((x) => x.subject).filter((x) => x.includes('不予登记'))).toHaveLength(1);
    const subjects = mails.map((m) => m.subject);
    expect(subjects.filter((x) => x.includes('进行电子签章'))).toHaveLength(2); // signer_turn for each signer
    expect(subjects.filter((x) => x.includes('待缴费'))).toHaveLength(1);
    expect(mails.find((m) => m.subject.includes('不予登记'))?.text).toContain('不属于著作权法保护的作品');
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
    await wf.done();
  });

  it('offline: confirmed by finance → review → certified: the invoice is issued and mailed once, then invoiceSent', async () => {
    const { s, handle, wf, cookie } = await submitted();
    await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'offline' } });
    await wf.until((st) => st.status === 'payment_verifying');
    const entered = await call(h, 'POST', `/orders/${s.filingId}/offline`, {
      cookie,
      body: { channel: 'bank_transfer', payerName: '张三', reference: 'TRANSFER-001', paidOn: '2026-11-20' },
    });
    const finance = await cookieFor(randomUUID(), ['finance']);
    await call(h, 'POST', `/finance/offline/${entered.body.offline.paymentId}/reject`, {
      cookie: finance,
      body: { reason: '金额不符' },
    });
    await wf.until((st) => st.status === 'awaiting_payment');
    const again = await call(h, 'POST', `/orders/${s.filingId}/offline`, {
      cookie,
      body: { channel: 'bank_transfer', payerName: '张三', reference: 'TRANSFER-002', paidOn: '2026-11-21' },
    });
    await wf.until((st) => st.status === 'payment_verifying');
    await call(h, 'POST', `/finance/offline/${again.body.offline.paymentId}/confirm`, { cookie: finance });
    const inReview = await wf.until((st) => st.status === 'initial_review');
    expect(inReview.payment.paymentId).toBe(again.body.offline.paymentId);

    for (const stage of ['initial', 'final'] as const) {
      await handle.executeUpdate(reviewUpdate, {
        args: [
          { stage, reviewerId: randomUUID(), reviewerRole: `${stage}_reviewer`, decision: 'approve', reasons: [] },
        ],
      });
    }
    await wf.until((st) => st.status === 'certified');
    expect(await invoiceSent(h.deps.db, s.filingId)).toBe(true);
    const mails = h.mail.messages(s.content.invoiceEmail);
    const invoiceMails = mails.filter((m) => m.subject.includes('电子发票'));
    expect(invoiceMails).toHaveLength(1);
    expect(invoiceMails[0]?.attachments[0]?.contentType).toBe('application/pdf');
    expect(mails.filter((m) => m.subject.includes('线下付款核对未通过'))).toHaveLength(1);
    expect(mails.find((m) => m.subject.includes('线下付款核对未通过'))?.text).toContain('金额不符');
    expect(mails.find((m) => m.subject.includes('已发证'))?.text).toMatch(/浙作登字-\d{4}-I-\d{8}/);
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body).toMatchObject({
      status: 'paid',
      invoice: { downloadUrl: `/api/payment/orders/${s.filingId}/invoice.pdf` },
    });
    await wf.done();
  });
});
