import type {
  AmendUpdate,
  DeliveryUpdate,
  NoticeInput,
  PaymentConfirmedSignal,
  PaymentMethod,
  RegistrationActivities,
  RegistrationInput,
  RegistrationState,
  ReviewUpdate,
  SignUpdate,
} from '@copyreg/proto';
// Runtime imports from proto are zod-free files only: zod would add ~1 MB to every cached workflow.
import {
  amendUpdate,
  choosePaymentMethodUpdate,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  recordDeliveryUpdate,
  reviewUpdate,
  signUpdate,
  stateQuery,
  submitUpdate,
  withdrawUpdate,
} from '@copyreg/proto/src/messages';
import { registrationTimingDefaults } from '@copyreg/proto/src/registration-defaults';
import { SearchAttr } from '@copyreg/proto/src/search-attributes';
import { TaskQueue } from '@copyreg/proto/src/task-queues';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { type Carried, describeWaiting, isErrorCode, Registration, refusal } from './registration-state';
import { chinaDate, indexCalendar, missingYears, workingDayDeadline } from './working-days';

/**
 * One registration (作品自愿登记), from the first 提交并电子签章 to the delivered paper certificate.
 * The diagram and rules are in DESIGN.md "The life of a registration"; the rules that decide which
 * message is accepted live in registration-state.ts. Workflow id: registrationWorkflowId(filingId).
 *
 * Every activity is idempotent, so they retry without limit (a failing one shows as a pending
 * activity in the Temporal UI for ops); document work runs on the documents task queue.
 */
const acts = proxyActivities<RegistrationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

type DocumentActivities = Pick<RegistrationActivities, 'renderApplicationForm' | 'applySignature' | 'issueCertificate'>;

/** Runs handlers' and the main loop's effects one at a time, in arrival order. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    // Called with no argument: `then(fn)` would hand fn the previous effect's result (an update's
    // state snapshot), which publish() took for its remark.
    const next = this.tail.then(() => fn());
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export async function registrationWorkflow(input: RegistrationInput, carried?: Carried): Promise<RegistrationState> {
  const timing = { ...registrationTimingDefaults, ...input.timing };
  const docs = proxyActivities<DocumentActivities>({
    taskQueue: input.documentsTaskQueue ?? TaskQueue.documents,
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  const reg = new Registration(input, carried ?? Registration.start(input, nowIso()));
  const { filingId } = input;
  const state = () => reg.state;
  const serial = new Serial();
  const locked = (fn: () => Promise<void>) => serial.run(fn);
  /** An update's effects, in turn; an activity's refusal (typed ApplicationFailure) becomes the update's. */
  const inTurn = <T>(fn: () => Promise<T>) =>
    serial.run(async () => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && isErrorCode(err.cause.type)) {
          throw refusal(err.cause.type, err.cause.message);
        }
        throw err;
      }
    });

  // --- Effects shared by handlers and the main loop (always inside `locked`) -----------------

  async function publish(remark?: string): Promise<void> {
    const s = state();
    upsertSearchAttributes([
      { key: SearchAttr.RegistrationStatus, value: s.status },
      { key: SearchAttr.WaitingOn, value: s.waitingOn },
      { key: SearchAttr.StatusSince, value: new Date(s.statusSince) },
      { key: SearchAttr.Region, value: input.region },
      { key: SearchAttr.WorkType, value: input.workType },
      { key: SearchAttr.Overdue, value: s.overdue },
      { key: SearchAttr.ReviewDeadline, value: s.reviewDeadline ? new Date(s.reviewDeadline) : null },
      { key: SearchAttr.SerialNumber, value: s.registrationNumber ?? null },
    ]);
    setCurrentDetails(describeWaiting(s));
    reg.data.seq += 1;
    await acts.recordStatus({
      filingId,
      seq: reg.data.seq,
      status: s.status,
      waitingOn: s.waitingOn,
      at: s.statusSince,
      versionNo: s.versionNo,
      overdue: s.overdue,
      ...(s.reviewDeadline ? { reviewDeadline: s.reviewDeadline } : {}),
      ...(s.registrationNumber ? { registrationNumber: s.registrationNumber } : {}),
      ...(remark ? { remark } : {}),
      ...(s.delivery ? { delivery: s.delivery } : {}),
    });
  }

  const notice = (n: Omit<NoticeInput, 'filingId'>) => acts.sendNotice({ ...n, filingId });

  async function openRound(): Promise<void> {
    if (state().status !== 'awaiting_signatures' || reg.roundOpened()) return;
    const round = reg.currentRound();
    const form = await docs.renderApplicationForm({ filingId, versionNo: round.versionNo });
    await acts.openSigningRound({
      filingId,
      versionNo: round.versionNo,
      round: round.round,
      signers: round.signers.map(({ signerId, kind }) => ({ signerId, kind })),
      form,
    });
    round.form = form;
    await activate(0);
  }

  async function activate(signerIndex: number): Promise<void> {
    const round = reg.currentRound();
    await acts.activateSigner({ filingId, round: round.round, signerIndex });
    const signer = round.signers[signerIndex];
    if (signer) signer.state = 'current';
    await notice({
      noticeKey: `${filingId}:signer_turn:r${round.round}:s${signerIndex}`,
      kind: 'signer_turn',
      round: round.round,
      signerIndex,
    });
    reg.data.nextSignerReminderAt = after(timing.signerReminderEvery);
    reg.transition('awaiting_signatures', `signer:${signerIndex + 1}`, nowIso());
    await publish();
  }

  async function voidRoundIfOpen(): Promise<void> {
    const round = reg.currentRound();
    if (!reg.roundOpened() || round.voidedAt) return;
    await acts.voidSigningRound({ filingId, round: round.round });
    round.voidedAt = nowIso();
  }

  /** Enters initial review (待初审) and starts the review clock: 30 working days from now. */
  async function enterReview(): Promise<void> {
    const now = Date.now();
    let deadline: Date;
    let warningAt: Date | undefined;
    if (timing.reviewDeadlineAfter) {
      deadline = new Date(now + msToNumber(timing.reviewDeadlineAfter));
      warningAt = timing.reviewWarningAfter ? new Date(now + msToNumber(timing.reviewWarningAfter)) : undefined;
    } else {
      const year = Number(chinaDate(now).slice(0, 4));
      const cal = indexCalendar(await acts.loadWorkingCalendar({ fromYear: year, toYear: year + 1 }));
      const missing = missingYears(year, year + 1, cal);
      if (missing.length) log.warn('working calendar lacks years; counting weekends only there', { missing });
      deadline = workingDayDeadline(now, timing.reviewWorkingDays, cal);
      const warnDays = timing.reviewWorkingDays - timing.reviewWarningWorkingDays;
      warningAt = warnDays > 0 ? workingDayDeadline(now, warnDays, cal) : undefined;
    }
    const s = state();
    s.reviewStartedAt = new Date(now).toISOString();
    s.reviewDeadline = deadline.toISOString();
    s.overdue = false;
    reg.data.reviewWarningAt = warningAt?.toISOString();
    reg.data.reviewWarningSent = false;
    delete s.returnReplyDeadline;
    reg.transition('initial_review', 'initial-review', nowIso());
    await publish();
  }

  async function applyPayment(p: PaymentConfirmedSignal): Promise<void> {
    const pay = state().payment;
    pay.paymentId = p.paymentId;
    pay.method ??= p.method;
    pay.confirmedAt = nowIso();
    delete pay.rejectedReason;
    reg.data.pendingPayment = undefined;
    await enterReview();
  }

  async function certify(): Promise<void> {
    const s = state();
    const registeredOn = chinaDate(Date.now());
    s.registrationNumber ??= await acts.allocateRegistrationNumber({
      filingId,
      workType: input.workType,
      year: Number(registeredOn.slice(0, 4)),
    });
    s.certificate ??= await docs.issueCertificate({
      filingId,
      versionNo: s.versionNo,
      registrationNumber: s.registrationNumber,
      registeredOn,
    });
    const paymentId = s.payment.paymentId;
    if (paymentId) s.payment.invoice ??= await acts.issueInvoice({ filingId, paymentId });
    await notice({ noticeKey: `${filingId}:certified`, kind: 'certified' });
    if (s.payment.invoice) await notice({ noticeKey: `${filingId}:invoice`, kind: 'invoice' });
    reg.data.certifying = false;
    reg.transition('certified', 'delivery', nowIso());
    await publish();
  }

  async function refund(): Promise<void> {
    const pay = state().payment;
    if (pay.paymentId && !pay.refundId) {
      pay.refundId = (await acts.refundPayment({ filingId, paymentId: pay.paymentId })).refundId;
    }
    await notice({ noticeKey: `${filingId}:refused`, kind: 'refused' });
    reg.data.refundPending = false;
    reg.transition('refused', 'none', nowIso());
    await publish();
  }

  // --- Handlers: registered before anything else runs; thin, the rules are in Registration ---

  setHandler(stateQuery, () => reg.snapshot());

  setHandler(
    signUpdate,
    (u: SignUpdate) =>
      inTurn(async () => {
        reg.checkSign(u);
        const round = reg.currentRound();
        const idx = reg.currentSignerIndex();
        const signer = round.signers[idx];
        if (!signer || !u.placementId) throw new Error('checked by checkSign');
        round.signedForm = await docs.applySignature({
          filingId,
          round: round.round,
          signerIndex: idx,
          signerId: u.signerId,
          placementId: u.placementId,
        });
        signer.state = 'signed';
        signer.signedAt = nowIso();
        if (idx + 1 < round.signers.length) {
          await activate(idx + 1);
        } else {
          reg.transition('awaiting_submission', 'applicant', nowIso());
          await publish();
        }
        return reg.snapshot();
      }),
    { validator: (u: SignUpdate) => reg.checkSign(u) },
  );

  setHandler(
    amendUpdate,
    (u: AmendUpdate) =>
      inTurn(async () => {
        reg.checkAmend(u);
        await voidRoundIfOpen();
        const s = state();
        s.versionNo = u.versionNo;
        s.signingRounds.push({
          round: reg.currentRound().round + 1,
          versionNo: u.versionNo,
          signers: u.signers.map((x) => ({ ...x, state: 'waiting' as const })),
        });
        delete s.returnReplyDeadline;
        reg.transition('awaiting_signatures', 'form', nowIso());
        await publish();
        return reg.snapshot();
      }),
    { validator: (u: AmendUpdate) => reg.checkAmend(u) },
  );

  setHandler(
    submitUpdate,
    (u: { actorId: string }) =>
      inTurn(async () => {
        reg.checkSubmit(u);
        if (state().payment.paymentId) {
          await enterReview(); // resubmission after a return: no second payment, the clock restarts
        } else {
          reg.data.nextPaymentReminderAt = after(timing.paymentReminderEvery);
          reg.transition('awaiting_payment', 'payment-method', nowIso());
          await publish();
          await notice({ noticeKey: `${filingId}:payment_due`, kind: 'payment_due' });
        }
        return reg.snapshot();
      }),
    { validator: (u: { actorId: string }) => reg.checkSubmit(u) },
  );

  setHandler(
    choosePaymentMethodUpdate,
    (u: { method: PaymentMethod }) =>
      inTurn(async () => {
        reg.checkChoosePaymentMethod(u);
        const pay = state().payment;
        if (pay.method === u.method) {
          // The same choice again changes nothing, except that after finance rejected an offline
          // reference, the applicant's new reference goes back to finance.
          if (u.method === 'offline' && state().status === 'awaiting_payment') {
            reg.transition('payment_verifying', 'finance', nowIso());
            await publish();
          }
          return reg.snapshot();
        }
        await acts.openPaymentOrder({ filingId, method: u.method });
        pay.method = u.method;
        if (u.method === 'offline') {
          reg.transition('payment_verifying', 'finance', nowIso());
        } else {
          reg.data.nextPaymentQueryAt = after(timing.paymentQueryAfter);
          reg.data.paymentQueries = 0;
          reg.transition('awaiting_payment', 'payment', nowIso());
        }
        await publish();
        return reg.snapshot();
      }),
    { validator: (u: { method: PaymentMethod }) => reg.checkChoosePaymentMethod(u) },
  );

  setHandler(
    reviewUpdate,
    (u: ReviewUpdate) =>
      inTurn(async () => {
        reg.checkReview(u);
        const s = state();
        const reasons = u.reasons ?? [];
        s.reviewRounds.push({
          stage: u.stage,
          reviewerId: u.reviewerId,
          decision: u.decision,
          reasons,
          decidedAt: nowIso(),
        });
        if (u.decision === 'approve' && u.stage === 'initial') {
          reg.transition('final_review', 'final-review', nowIso());
          await publish();
        } else if (u.decision === 'approve') {
          reg.data.certifying = true; // the main loop certifies; the reviewer need not wait for the PDF
          reg.transition('final_review', 'certification', nowIso());
          await publish();
        } else if (u.decision === 'return') {
          s.returnReplyDeadline = after(timing.returnReplyDeadline);
          reg.data.returnWarningSent = false;
          delete s.reviewDeadline;
          s.overdue = false;
          reg.transition('returned', 'applicant', nowIso());
          await publish(reasons.join('；'));
          await notice({ noticeKey: `${filingId}:returned:${s.reviewRounds.length}`, kind: 'returned' });
        } else {
          reg.data.refundPending = true;
          reg.transition('refused', 'refund', nowIso());
          await publish(reasons.join('；'));
        }
        return reg.snapshot();
      }),
    { validator: (u: ReviewUpdate) => reg.checkReview(u) },
  );

  setHandler(
    withdrawUpdate,
    (u: { actorId: string }) =>
      inTurn(async () => {
        reg.checkWithdraw(u);
        await voidRoundIfOpen();
        reg.transition('withdrawn', 'none', nowIso());
        await publish();
        return reg.snapshot();
      }),
    { validator: (u: { actorId: string }) => reg.checkWithdraw(u) },
  );

  setHandler(
    recordDeliveryUpdate,
    (u: DeliveryUpdate) =>
      inTurn(async () => {
        reg.checkDelivery(u);
        if (reg.hasDelivery(u)) return reg.snapshot(); // the same delivery again: a no-op success
        state().delivery = {
          kind: u.kind,
          ...(u.kind === 'mailed' ? { waybillNo: u.waybillNo } : {}),
          at: nowIso(),
        };
        reg.transition('delivered', 'none', nowIso());
        await publish();
        if (u.kind === 'mailed') await notice({ noticeKey: `${filingId}:mailed`, kind: 'mailed' });
        return reg.snapshot();
      }),
    { validator: (u: DeliveryUpdate) => reg.checkDelivery(u) },
  );

  setHandler(paymentConfirmedSignal, (p: PaymentConfirmedSignal) => {
    if (!reg.notePayment(p)) log.info('payment event ignored (duplicate or already paid)', { paymentId: p.paymentId });
  });
  setHandler(paymentRejectedSignal, (r: { paymentId: string; reason: string }) => {
    if (!reg.noteRejection(r)) log.info('payment rejection ignored', { paymentId: r.paymentId });
  });

  // --- The main loop: one phase per status; waits outside the lock, acts inside it ------------

  const suggested = () => workflowInfo().continueAsNewSuggested;
  /** Waits until something changes, the deadline (ISO) passes, or continueAsNew is suggested. */
  async function waitForChange(until?: string): Promise<boolean> {
    const rev = reg.revision;
    const done = () => reg.revision !== rev || suggested();
    if (!until) {
      await condition(done);
      return true;
    }
    return condition(done, Math.max(1, Date.parse(until) - Date.now()));
  }

  if (!carried) await locked(publish);

  while (!reg.finished) {
    const s = state();
    switch (s.status) {
      case 'awaiting_signatures': {
        if (!reg.roundOpened()) {
          await locked(openRound);
          break;
        }
        const reminderAt = reg.data.nextSignerReminderAt;
        if (reminderAt && Date.now() >= Date.parse(reminderAt)) {
          await locked(async () => {
            if (state().status !== 'awaiting_signatures') return;
            const round = reg.currentRound();
            const idx = reg.currentSignerIndex();
            reg.data.reminders += 1;
            await notice({
              noticeKey: `${filingId}:signer_reminder:r${round.round}:s${idx}:${reg.data.reminders}`,
              kind: 'signer_reminder',
              round: round.round,
              signerIndex: idx,
            });
            reg.data.nextSignerReminderAt = after(timing.signerReminderEvery);
          });
          break;
        }
        await waitForChange(reminderAt);
        break;
      }
      case 'awaiting_payment': {
        if (reg.data.pendingPayment) {
          const p = reg.data.pendingPayment;
          await locked(() => applyPayment(p));
          break;
        }
        const now = Date.now();
        const { nextPaymentReminderAt: remindAt, nextPaymentQueryAt: queryAt } = reg.data;
        if (remindAt && now >= Date.parse(remindAt)) {
          await locked(async () => {
            if (state().status !== 'awaiting_payment') return; // paid while this waited its turn
            reg.data.reminders += 1;
            await notice({ noticeKey: `${filingId}:payment_reminder:${reg.data.reminders}`, kind: 'payment_reminder' });
            reg.data.nextPaymentReminderAt = after(timing.paymentReminderEvery);
          });
          break;
        }
        if (queryAt && s.payment.method === 'online' && now >= Date.parse(queryAt)) {
          // No gateway notification yet: ask the gateway, backing off up to the reminder interval.
          const found = await acts.queryPayment({ filingId });
          reg.data.paymentQueries += 1;
          const delay = Math.min(
            msToNumber(timing.paymentQueryAfter) * 2 ** reg.data.paymentQueries,
            msToNumber(timing.paymentReminderEvery),
          );
          reg.data.nextPaymentQueryAt = new Date(Date.now() + delay).toISOString();
          if (found) reg.notePayment(found);
          break;
        }
        const next = [remindAt, s.payment.method === 'online' ? queryAt : undefined]
          .filter((x): x is string => x !== undefined)
          .sort()[0];
        await waitForChange(next);
        break;
      }
      case 'payment_verifying': {
        const { pendingPayment, pendingRejection } = reg.data;
        if (pendingPayment) {
          await locked(() => applyPayment(pendingPayment));
        } else if (pendingRejection) {
          await locked(async () => {
            reg.data.pendingRejection = undefined;
            state().payment.rejectedReason = pendingRejection.reason;
            reg.transition('awaiting_payment', 'payment', nowIso());
            await publish(pendingRejection.reason);
            await notice({
              noticeKey: `${filingId}:payment_rejected:${pendingRejection.paymentId}`,
              kind: 'payment_rejected',
            });
          });
        } else {
          await waitForChange();
        }
        break;
      }
      case 'initial_review':
      case 'final_review': {
        if (reg.data.certifying) {
          await locked(certify);
          break;
        }
        const now = Date.now();
        const warnAt = !reg.data.reviewWarningSent ? reg.data.reviewWarningAt : undefined;
        const deadline = !s.overdue ? s.reviewDeadline : undefined;
        if (warnAt && now >= Date.parse(warnAt)) {
          await locked(async () => {
            if (state().status !== 'initial_review' && state().status !== 'final_review') return;
            reg.data.reviewWarningSent = true;
            await notice({
              noticeKey: `${filingId}:review_deadline_near:${s.reviewStartedAt}`,
              kind: 'review_deadline_near',
            });
          });
          break;
        }
        if (deadline && now >= Date.parse(deadline)) {
          await locked(async () => {
            if (state().status !== 'initial_review' && state().status !== 'final_review') return;
            state().overdue = true;
            reg.touch();
            await publish();
            await notice({ noticeKey: `${filingId}:overdue:${s.reviewStartedAt}`, kind: 'overdue' });
          });
          break;
        }
        await waitForChange([warnAt, deadline].filter((x): x is string => x !== undefined).sort()[0]);
        break;
      }
      case 'returned': {
        const until = s.returnReplyDeadline;
        // Added after the first histories were recorded: registrations returned before it replay without it.
        const warnAt =
          until && !reg.data.returnWarningSent && patched('2026-11-return-expiring-notice')
            ? new Date(Date.parse(until) - msToNumber(timing.returnExpiringNoticeBefore)).toISOString()
            : undefined;
        if (warnAt && Date.now() >= Date.parse(warnAt) && Date.now() < Date.parse(until ?? '')) {
          await locked(async () => {
            if (state().status !== 'returned') return;
            reg.data.returnWarningSent = true;
            await notice({
              noticeKey: `${filingId}:return_expiring:${s.reviewRounds.length}`,
              kind: 'return_expiring',
            });
          });
          break;
        }
        if (until && Date.now() >= Date.parse(until)) {
          // 补正期限已过：视为撤回 (the 2011 notice of the National Copyright Administration).
          await locked(async () => {
            if (state().status !== 'returned') return;
            reg.transition('expired', 'none', nowIso());
            await publish();
          });
          break;
        }
        await waitForChange(warnAt && !reg.data.returnWarningSent && warnAt < (until ?? '') ? warnAt : until);
        break;
      }
      case 'refused':
        await locked(refund);
        break;
      default:
        // awaiting_submission, certified: only a message moves it on.
        await waitForChange();
    }
    if (suggested() && !reg.finished) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registrationWorkflow>(input, reg.data);
    }
  }
  await condition(allHandlersFinished);
  return reg.snapshot();
}

function nowIso(): string {
  return new Date().toISOString();
}

function after(duration: string): string {
  return new Date(Date.now() + msToNumber(duration)).toISOString();
}
