import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { quietTiming, standInActivities } from '@copyreg/activities/stand-ins';
import { config, temporalClient, temporalConnectionOptions } from '@copyreg/kit';
import {
  type RegistrationActivities,
  type RegistrationInput,
  type RegistrationState,
  registrationWorkflowId,
  reviewUpdate,
  signUpdate,
  stateQuery,
  submitUpdate,
} from '@copyreg/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceSent } from '../src/index';
import { issueInvoice } from '../src/invoices';
import { sendNotice } from '../src/notices';
import { ensureOrder, queryPayment } from '../src/orders';
import { refundPayment } from '../src/refunds';
import { call, cookieFor, eventually, type Harness, makeFiling, startHarness } from './support';

/**
 * The real registration workflow (workflows/) with the real payment activities and the payment
 * API; the other services' activities are stand-ins that return what they would.
 */
describe('the registration workflow with the real payment service', () => {
  let h: Harness;
  const workers: Worker[] = [];
  let running: Promise<void>[] = [];
  const taskQueue = `registration-payment-${randomUUID()}`;

  beforeAll(async () => {
    h = await startHarness();
    h.deps.loadState = (filingId) => h.deps.registration.state(filingId);
    const activities: RegistrationActivities = {
      ...standInActivities('copyreg-test'),
      // The payment service's own, on the test database, bucket, gateway and mail catcher.
      openPaymentOrder: async ({ filingId, method }) => ({
        orderId: (await ensureOrder(h.deps, filingId, method)).order_id,
      }),
      queryPayment: ({ filingId }) => queryPayment(h.deps, filingId),
      refundPayment: async (i) => ({ refundId: (await refundPayment(h.deps, i)).refundId }),
      issueInvoice: (i) => issueInvoice(h.deps, i),
      sendNotice: async (i) => {
        await sendNotice(h.deps, i);
      },
    };
    const connection = await NativeConnection.connect(temporalConnectionOptions());
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: createRequire(import.meta.url).resolve('@copyreg/workflows'),
      logger: new DefaultLogger('WARN'),
    });
    for (const queue of [taskQueue, `${taskQueue}-documents`]) {
      workers.push(
        await Worker.create({
          connection,
          namespace: config().TEMPORAL_NAMESPACE,
          taskQueue: queue,
          workflowBundle,
          activities,
        }),
      );
    }
    running = workers.map((w) => w.run());
  });
  afterAll(async () => {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await h?.close();
  });

  /** A registration signed by everyone and submitted: waiting for the fee. */
  async function submitted() {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId });
    const input: RegistrationInput = {
      filingId: s.filingId,
      versionNo: 1,
      applicantId,
      region: '330100',
      workType: 'photography',
      signers: s.signers.map((x) => ({ signerId: x.signerId, kind: x.kind })),
      timing: quietTiming,
      documentsTaskQueue: `${taskQueue}-documents`,
    };
    const client = await temporalClient();
    const handle = await client.workflow.start('registrationWorkflow', {
      workflowId: registrationWorkflowId(s.filingId),
      taskQueue,
      args: [input],
    });
    const state = () => handle.query(stateQuery);
    for (const [i, signer] of s.signers.entries()) {
      await eventually(async () => expect((await state()).waitingOn).toBe(`signer:${i + 1}`), 20_000);
      await handle.executeUpdate(signUpdate, {
        args: [{ signerId: signer.signerId, placementId: `p-${i}`, versionNo: 1 }],
      });
    }
    const after = await eventually(async () => {
      const st = await state();
      if (st.status !== 'awaiting_payment') {
        await handle.executeUpdate(submitUpdate, { args: [{ actorId: applicantId }] });
      }
      const now = await state();
      expect(now.status).toBe('awaiting_payment');
      return now;
    });
    expect(after.status).toBe('awaiting_payment');
    return { s, handle, state, cookie: await cookieFor(applicantId) };
  }

  const until = async (get: () => Promise<RegistrationState>, status: RegistrationState['status']) =>
    eventually(async () => {
      const st = await get();
      expect(st.status).toBe(status);
      return st;
    }, 20_000);

  it('online: order → QR → paid at the gateway → the registration enters review; refused → refunded once; each notice mailed once', async () => {
    const { s, handle, state, cookie } = await submitted();
    const chosen = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
    expect(chosen.status).toBe(200);
    expect(chosen.body.online.payUrl).toContain('/pay/');
    await fetch(chosen.body.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
    const inReview = await until(state, 'initial_review');
    const [payment] = await h.deps.db('payment.payments').where({ filing_id: s.filingId });
    expect(inReview.payment).toMatchObject({ method: 'online', paymentId: payment.payment_id });
    // The gateway re-sends: nothing changes.
    await fetch(`${h.gateway}/dev/trades/${chosen.body.online.outTradeNo}/notify?copies=10`, { method: 'POST' });
    expect((await state()).statusSince).toBe(inReview.statusSince);

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
    await until(state, 'refused');
    const refundId = await eventually(async () => {
      const id = (await state()).payment.refundId;
      expect(id).toBeDefined();
      return id;
    });
    const refunds = await h.deps.db('payment.refunds').where({ filing_id: s.filingId });
    expect(refunds).toHaveLength(1);
    expect(refundId).toBe(refunds[0].refund_id);
    expect(refunds[0].status).toBe('done');
    expect((await call(h, 'GET', `/orders/${s.filingId}`, { cookie })).body.status).toBe('refunded');

    const mails = await eventually(async () => {
      const m = h.mail.messages(s.content.invoiceEmail);
      expect(m.map((x) => x.subject).filter((x) => x.includes('不予登记'))).toHaveLength(1);
      return m;
    });
    const subjects = mails.map((m) => m.subject);
    expect(subjects.filter((x) => x.includes('进行电子签章'))).toHaveLength(2); // signer_turn for each signer
    expect(subjects.filter((x) => x.includes('待缴费'))).toHaveLength(1);
    expect(mails.find((m) => m.subject.includes('不予登记'))?.text).toContain('不属于著作权法保护的作品');
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length);
    await handle.terminate('test done').catch(() => undefined);
  });

  it('offline: confirmed by finance → review → certified: the invoice is issued and mailed once, then invoiceSent', async () => {
    const { s, handle, state, cookie } = await submitted();
    await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'offline' } });
    await until(state, 'payment_verifying');
    const entered = await call(h, 'POST', `/orders/${s.filingId}/offline`, {
      cookie,
      body: { channel: 'bank_transfer', payerName: '张三', reference: 'TRANSFER-001', paidOn: '2026-11-20' },
    });
    const finance = await cookieFor(randomUUID(), ['finance']);
    await call(h, 'POST', `/finance/offline/${entered.body.offline.paymentId}/reject`, {
      cookie: finance,
      body: { reason: '金额不符' },
    });
    await until(state, 'awaiting_payment');
    const again = await call(h, 'POST', `/orders/${s.filingId}/offline`, {
      cookie,
      body: { channel: 'bank_transfer', payerName: '张三', reference: 'TRANSFER-002', paidOn: '2026-11-21' },
    });
    await until(state, 'payment_verifying');
    await call(h, 'POST', `/finance/offline/${again.body.offline.paymentId}/confirm`, { cookie: finance });
    const inReview = await until(state, 'initial_review');
    expect(inReview.payment.paymentId).toBe(again.body.offline.paymentId);

    for (const stage of ['initial', 'final'] as const) {
      await handle.executeUpdate(reviewUpdate, {
        args: [
          { stage, reviewerId: randomUUID(), reviewerRole: `${stage}_reviewer`, decision: 'approve', reasons: [] },
        ],
      });
    }
    await until(state, 'certified');
    await eventually(async () => expect(await invoiceSent(h.deps.db, s.filingId)).toBe(true), 20_000);
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
    await handle.terminate('test done').catch(() => undefined);
  });
});
