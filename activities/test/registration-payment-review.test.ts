import { randomUUID } from 'node:crypto';
import {
  amendUpdate,
  choosePaymentMethodUpdate,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  type ReviewUpdate,
  recordDeliveryUpdate,
  reviewUpdate,
  SearchAttr,
  stateQuery,
  submitUpdate,
  withdrawUpdate,
} from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import {
  approveBoth,
  expectRefused,
  openTimers,
  payment,
  recordHistory,
  reviewer,
  type Setup,
  setup,
  signAll,
  status,
  submitAndPay,
  until,
} from './registration-harness';

const submit = (t: Setup) => t.handle.executeUpdate(submitUpdate, { args: [{ actorId: t.input.applicantId }] });
const choose = (t: Setup, method: 'online' | 'offline') =>
  t.handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method }] });
const seq = (t: Setup) => t.fakes.named('recordStatus').length;

describe('registration workflow: payment (缴费)', () => {
  it('online: the method is chosen once; the same choice again is idempotent; duplicate notifications change nothing', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await expectRefused(t.handle.executeUpdate(submitUpdate, { args: [{ actorId: randomUUID() }] }), 'FORBIDDEN');
      await expectRefused(choose(t, 'online'), 'INVALID_STATE'); // not submitted yet
      const submitted = await submit(t);
      expect(submitted).toMatchObject({ status: 'awaiting_payment', waitingOn: 'payment-method' });
      await expectRefused(submit(t), 'INVALID_STATE', '作品已提交');

      expect((await choose(t, 'online')).waitingOn).toBe('payment');
      const before = seq(t);
      expect((await choose(t, 'online')).payment.method).toBe('online');
      expect(seq(t)).toBe(before);
      await expectRefused(choose(t, 'offline'), 'PAYMENT_METHOD_LOCKED', '缴费方式一经选择不可更改');
      expect(t.fakes.named('openPaymentOrder')).toHaveLength(1);

      const paid = payment('online');
      await t.handle.signal(paymentConfirmedSignal, paid);
      await t.handle.signal(paymentConfirmedSignal, paid);
      const s = await until(t.handle, status('initial_review'));
      expect(s.payment).toMatchObject({ method: 'online', paymentId: paid.paymentId });
      const afterPay = seq(t);
      await t.handle.signal(paymentConfirmedSignal, paid);
      await t.handle.signal(paymentConfirmedSignal, payment('online')); // a second, different payment
      const again = await t.handle.query(stateQuery);
      expect(again.payment.paymentId).toBe(paid.paymentId);
      expect(again.statusSince).toBe(s.statusSince);
      expect(seq(t)).toBe(afterPay);
      expect(t.fakes.named('loadWorkingCalendar')).toHaveLength(1);
      // Withdrawal after payment is refused.
      await expectRefused(
        t.handle.executeUpdate(withdrawUpdate, { args: [{ actorId: t.input.applicantId }] }),
        'INVALID_STATE',
      );
      await t.handle.terminate('test done');
    });
  });

  it('online: without a notification the workflow asks the gateway', async () => {
    const t = await setup({ timing: { paymentQueryAfter: '500 ms' } });
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submit(t);
      t.fakes.queryResults.push(null, payment('online'));
      await choose(t, 'online');
      const s = await until(t.handle, status('initial_review'));
      expect(t.fakes.named('queryPayment').length).toBeGreaterThanOrEqual(2);
      expect(s.payment.paymentId).toBeDefined();
      await t.handle.terminate('test done');
      await recordHistory(t, 'payment-queried-gateway');
    });
  });

  it('offline: waits for finance; a rejection sends it back; only a verified payment enters review', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submit(t);
      const verifying = await choose(t, 'offline');
      expect(verifying).toMatchObject({ status: 'payment_verifying', waitingOn: 'finance' });
      await expectRefused(choose(t, 'online'), 'PAYMENT_METHOD_LOCKED');
      await expectRefused(
        t.handle.executeUpdate(withdrawUpdate, { args: [{ actorId: t.input.applicantId }] }),
        'INVALID_STATE',
      );

      const rejectedId = randomUUID();
      await t.handle.signal(paymentRejectedSignal, { paymentId: rejectedId, reason: '付款金额不符' });
      const back = await until(t.handle, status('awaiting_payment'));
      expect(back.payment.rejectedReason).toBe('付款金额不符');
      await expect.poll(() => t.fakes.outbox.map((m) => m.kind), { timeout: 10_000 }).toContain('payment_rejected');
      // The duplicate rejection changes nothing (asserted once the workflow has taken it and is idle).
      const n = seq(t);
      await t.handle.signal(paymentRejectedSignal, { paymentId: rejectedId, reason: '付款金额不符' });
      expect((await until(t.handle, () => true)).status).toBe('awaiting_payment');
      expect(seq(t)).toBe(n);

      // The applicant enters a new reference: back to finance.
      expect((await choose(t, 'offline')).status).toBe('payment_verifying');
      await t.handle.signal(paymentConfirmedSignal, payment('offline'));
      const s = await until(t.handle, status('initial_review'));
      expect(s.payment.method).toBe('offline');
      expect(t.fakes.named('openPaymentOrder')).toHaveLength(1);
      await t.handle.terminate('test done');
      await recordHistory(t, 'offline-payment-rejected-then-verified');
    });
  });

  it('reminds about an unpaid fee on the configured interval', async () => {
    const t = await setup({ timing: { paymentReminderEvery: '1 second' } });
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submit(t);
      await expect
        .poll(() => t.fakes.outbox.filter((m) => m.kind === 'payment_reminder').length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      await choose(t, 'online');
      await t.handle.signal(paymentConfirmedSignal, payment());
      await until(t.handle, status('initial_review'));
      const count = t.fakes.outbox.filter((m) => m.kind === 'payment_reminder').length;
      // Idle in review, the workflow keeps no timer as short as the reminder interval (only the
      // review deadline's and warning's, weeks away): no reminder can come any more.
      expect((await openTimers(t.handle)).filter((ms) => ms <= 1000)).toEqual([]);
      expect(t.fakes.outbox.filter((m) => m.kind === 'payment_reminder').length).toBe(count);
      await t.handle.terminate('test done');
      await recordHistory(t, 'payment-reminded');
    });
  });
});

describe('registration workflow: review (初审/终审)', () => {
  it('accepts a decision only from the role of the current stage, with reasons where required', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submitAndPay(t);
      const review = (u: Partial<ReviewUpdate> & Pick<ReviewUpdate, 'decision'>) =>
        t.handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.initial, reasons: [], ...u }] });

      await expectRefused(
        review({ reviewerRole: 'final_reviewer', decision: 'approve' }),
        'FORBIDDEN',
        '只有初审员可以进行初审',
      );
      await expectRefused(
        review({ ...reviewer.final, decision: 'approve' }),
        'INVALID_STATE',
        '该作品当前不在终审阶段',
      );
      await expectRefused(review({ decision: 'return' }), 'VALIDATION_FAILED', '退回修改须填写原因');
      await expectRefused(review({ decision: 'refuse' }), 'VALIDATION_FAILED', '不予登记须填写理由');
      expect((await t.handle.query(stateQuery)).reviewRounds).toEqual([]);

      expect((await review({ decision: 'approve' })).status).toBe('final_review');
      await expectRefused(review({ decision: 'approve' }), 'INVALID_STATE', '该作品当前不在初审阶段'); // duplicate
      await expectRefused(
        review({ ...reviewer.final, reviewerRole: 'initial_reviewer', decision: 'approve' }),
        'FORBIDDEN',
        '只有终审员可以进行终审',
      );
      // Pickup before the certificate exists.
      await expectRefused(
        t.handle.executeUpdate(recordDeliveryUpdate, { args: [{ kind: 'picked_up', actorId: randomUUID() }] }),
        'INVALID_STATE',
      );
      await t.handle.terminate('test done');
    });
  });

  it('return (退回修改) → amend → re-sign → submit goes to initial review without paying again and restarts the clock', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      const first = await submitAndPay(t);
      await t.handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.initial, decision: 'approve', reasons: [] }] });
      const returned = await t.handle.executeUpdate(reviewUpdate, {
        args: [{ ...reviewer.final, decision: 'return', reasons: ['作品样本不清晰', '权利归属说明不完整'] }],
      });
      expect(returned).toMatchObject({ status: 'returned', waitingOn: 'applicant' });
      expect(returned.returnReplyDeadline).toBeDefined();
      expect(returned.reviewDeadline).toBeUndefined();
      expect(returned.reviewRounds.at(-1)).toMatchObject({
        stage: 'final',
        decision: 'return',
        reasons: ['作品样本不清晰', '权利归属说明不完整'],
      });
      const record = t.fakes.named('recordStatus').at(-1)?.input as { status: string; remark?: string };
      expect(record).toMatchObject({ status: 'returned', remark: '作品样本不清晰；权利归属说明不完整' });
      await expect.poll(() => t.fakes.outbox.map((m) => m.kind), { timeout: 10_000 }).toContain('returned');

      await expectRefused(submit(t), 'INVALID_STATE', '退回修改的作品须先修改并重新签章后再提交');
      await t.handle.executeUpdate(amendUpdate, { args: [{ versionNo: 2, signers: t.input.signers }] });
      await signAll(t);
      await new Promise((r) => setTimeout(r, 20)); // the clock must visibly restart
      const again = await submit(t);
      expect(again).toMatchObject({ status: 'initial_review', waitingOn: 'initial-review' });
      expect(again.returnReplyDeadline).toBeUndefined();
      expect(Date.parse(again.reviewStartedAt ?? '')).toBeGreaterThan(Date.parse(first.reviewStartedAt ?? ''));
      expect(again.payment.paymentId).toBe(first.payment.paymentId);
      expect(t.fakes.named('openPaymentOrder')).toHaveLength(1);
      expect(t.fakes.outbox.filter((m) => m.kind === 'payment_due')).toHaveLength(1);
      const certified = await approveBoth(t);
      expect(certified.signingRounds.map((r) => r.voidedAt !== undefined)).toEqual([true, false]);
      expect(certified.reviewRounds.map((r) => `${r.stage}:${r.decision}`)).toEqual([
        'initial:approve',
        'final:return',
        'initial:approve',
        'final:approve',
      ]);
      await t.handle.terminate('test done');
      await recordHistory(t, 'returned-amended-resubmitted');
    });
  });

  it('a returned registration is reminded, then expires (视为撤回) when the reply deadline passes', async () => {
    const t = await setup({ timing: { returnReplyDeadline: '3 seconds', returnExpiringNoticeBefore: '2 seconds' } });
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submitAndPay(t);
      await t.handle.executeUpdate(reviewUpdate, {
        args: [{ ...reviewer.initial, decision: 'return', reasons: ['缺少身份证明'] }],
      });
      const result = await t.handle.result();
      expect(result.status).toBe('expired');
      // 补正期限将至 was sent once, before the deadline; then 已视为撤回, once.
      await expect
        .poll(() => t.fakes.outbox.map((m) => m.kind).filter((k) => k.startsWith('return') || k === 'expired'), {
          timeout: 10_000,
        })
        .toEqual(['returned', 'return_expiring', 'expired']);
      await recordHistory(t, 'returned-reminded-expired-mailed');
      expect((await t.handle.describe()).typedSearchAttributes.get(SearchAttr.RegistrationStatus)).toBe('expired');
    });
  });

  it('refuse (不予登记) refunds the payment and closes', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      const paid = await submitAndPay(t);
      await t.handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.initial, decision: 'approve', reasons: [] }] });
      await t.handle.executeUpdate(reviewUpdate, {
        args: [{ ...reviewer.final, decision: 'refuse', reasons: ['不属于著作权法保护的作品'] }],
      });
      const result = await t.handle.result();
      expect(result).toMatchObject({ status: 'refused', waitingOn: 'none' });
      expect(result.payment.refundId).toBe(`refund-${paid.payment.paymentId}`);
      expect(t.fakes.named('refundPayment').map((c) => c.input)).toEqual([
        { filingId: t.filingId, paymentId: paid.payment.paymentId },
      ]);
      await expect.poll(() => t.fakes.outbox.map((m) => m.kind), { timeout: 10_000 }).toContain('refused');
      expect(t.fakes.named('allocateRegistrationNumber')).toHaveLength(0);
      await recordHistory(t, 'refused-refunded');
    });
  });

  it('warns before the review deadline, then flags the registration overdue and notifies the supervisor', async () => {
    const t = await setup({ timing: { reviewDeadlineAfter: '3 seconds', reviewWarningAfter: '1 second' } });
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submitAndPay(t);
      await expect.poll(() => t.fakes.outbox.map((m) => m.kind), { timeout: 10_000 }).toContain('review_deadline_near');
      const overdue = await until(t.handle, (s) => s.overdue);
      expect(overdue.status).toBe('initial_review');
      await expect.poll(() => t.fakes.outbox.filter((m) => m.kind === 'overdue').length, { timeout: 10_000 }).toBe(1);
      expect(t.fakes.named('loadWorkingCalendar')).toHaveLength(0); // the drill override skips the calendar
      expect(t.fakes.named('recordStatus').at(-1)?.input).toMatchObject({ overdue: true });
      await expect
        .poll(async () => (await t.handle.describe()).typedSearchAttributes.get(SearchAttr.Overdue), { timeout: 5000 })
        .toBe(true);
      // Still reviewable when late; certification carries the flag.
      const certified = await approveBoth(t);
      expect(certified.overdue).toBe(true);
      await t.handle.terminate('test done');
      await recordHistory(t, 'review-warned-overdue');
    });
  });

  it('records delivery: pickup (自领) after the invoice was sent, then the registration closes', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submitAndPay(t);
      const certified = await approveBoth(t);
      expect(certified.payment.invoice).toBeDefined();
      await expectRefused(
        t.handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.final, decision: 'approve', reasons: [] }] }),
        'INVALID_STATE',
      );
      const delivered = await t.handle.executeUpdate(recordDeliveryUpdate, {
        args: [{ kind: 'picked_up', actorId: randomUUID() }],
      });
      expect(delivered.status).toBe('delivered');
      expect(delivered.delivery?.kind).toBe('picked_up');
      expect((await t.handle.result()).status).toBe('delivered');
      // The workflow has completed: every notice it sent is in the outbox.
      expect(t.fakes.outbox.map((m) => m.kind)).not.toContain('mailed');
      await recordHistory(t, 'certified-picked-up');
    });
  });
});
