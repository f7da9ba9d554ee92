import type {
  AmendUpdate,
  DeliveryUpdate,
  NoticeInput,
  PaymentConfirmedSignal,
  PaymentMethod,
  RegistrationActivities,
  RegistrationInput,
  RegistrationState,
  RegistrationStatus,
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
import { registrationRevokedSignal } from '@copyreg/proto/src/revocation-messages';
import { SearchAttr } from '@copyreg/proto/src/search-attributes';
import { TaskQueue } from '@copyreg/proto/src/task-queues';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { type Carried, describeWaiting, isErrorCode, Registration, refusal } from './registration-state';
import { serial } from './steps';
import type { Transition, TransitionActivities } from './transitions';
import { chinaDate, indexCalendar, missingYears, workingDayDeadline } from './working-days';

/**
 * One registration (作品自愿登记), from the first 提交并电子签章 to the delivered paper certificate.
 * How it is built (messages, the lock, timers, patches) is in workflows/README.md; the rules that
 * decide which message is accepted, and the changes a message makes, are in registration-state.ts;
 * what ops sees of it (search attributes, current details) is in docs/operations.md. Workflow id:
 * registrationWorkflowId(filingId).
 *
 * In order: the current path's effects (one activity per transition), the handlers, the earlier
 * path's effects (v1, kept only to replay registrations started before its patch), the main loop.
 *
 * Every activity is idempotent, so they retry without limit (a failing one shows as a pending
 * activity in the Temporal UI for ops); document work runs on the documents task queue.
 */
const acts = proxyActivities<RegistrationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

type DocumentActivities = Pick<RegistrationActivities, 'renderApplicationForm' | 'applySignature' | 'issueCertificate'>;
type DocumentTransitions = Omit<TransitionActivities, 'commitTransition'>;

const transitions = proxyActivities<Pick<TransitionActivities, 'commitTransition'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One activity per transition (status, signing rows and notices in one Postgres transaction; mail
 * through the outbox), search attributes upserted when it commits, and timers kept while their due
 * time stands. Registrations started before this replay the earlier path.
 */
const ONE_ACTIVITY_PER_TRANSITION = '2026-11-one-activity-per-transition';
/**
 * The signer's 确认 answered at once: the update records the confirmation (签章处理中) and returns;
 * the main loop applies the PDF signature right after and opens the next signer's link.
 */
const SIGN_ANSWERED_AT_ONCE = '2026-11-sign-answered-at-once';
/** Separation of duties checked in the review handler too (the validator always checks it). */
const SEPARATION_OF_DUTIES = '2026-11-separation-of-duties';
/** A revocation (撤销登记) heard: the certified registration becomes 已撤销 and ends. */
const HEARS_REVOCATION = '2026-11-registration-hears-revocation';

export async function registrationWorkflow(input: RegistrationInput, carried?: Carried): Promise<RegistrationState> {
  const timing = { ...registrationTimingDefaults, ...input.timing };
  const docs = proxyActivities<DocumentActivities>({
    taskQueue: input.documentsTaskQueue ?? TaskQueue.documents,
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  // Decided once, first: a registration keeps the path it started on (replay of older histories).
  // The later patch first: a registration that takes it is on the v2 path too, without v2's marker
  // (each patch costs a marker and a TemporalChangeVersion upsert: issue 15's event budget).
  const v3 = patched(SIGN_ANSWERED_AT_ONCE);
  const v2 = v3 || patched(ONE_ACTIVITY_PER_TRANSITION);
  const tdocs = proxyActivities<DocumentTransitions>({
    taskQueue: input.documentsTaskQueue ?? TaskQueue.documents,
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  const reg = new Registration(input, carried ?? Registration.start(input, nowIso()));
  const { filingId } = input;
  const state = () => reg.state;
  /** Handlers' and the main loop's effects, one at a time in arrival order. */
  const locked = serial();
  /** An update's effects, in turn; an activity's refusal (typed ApplicationFailure) becomes the update's. */
  const inTurn = <T>(fn: () => Promise<T>) =>
    locked(async () => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && isErrorCode(err.cause.type)) {
          throw refusal(err.cause.type, err.cause.message);
        }
        throw err;
      }
    });

  // --- The current path (v2): one activity per transition; effects always inside `locked` -----

  /** Search attributes and the UI's details, set when a transition has committed. */
  function attributes(): void {
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
  }

  /** The read-model row of the state as it is now, with the next seq. */
  function record(remark?: string, r: Registration = reg): NonNullable<Transition['record']> {
    const s = r.state;
    r.data.seq += 1;
    return {
      filingId,
      seq: r.data.seq,
      status: s.status,
      waitingOn: s.waitingOn,
      at: s.statusSince,
      versionNo: s.versionNo,
      overdue: s.overdue,
      ...(s.reviewDeadline ? { reviewDeadline: s.reviewDeadline } : {}),
      ...(s.registrationNumber ? { registrationNumber: s.registrationNumber } : {}),
      ...(remark ? { remark } : {}),
      ...(s.delivery ? { delivery: s.delivery } : {}),
    };
  }

  type NoticeSpec = NonNullable<Transition['notices']>[number];
  /** A transition with notices carries the state they are rendered from (identifiers, reasons, dates). */
  const withNotices = (notices: NoticeSpec[], r: Registration = reg): Pick<Transition, 'notices' | 'state'> =>
    notices.length ? { notices, state: r.snapshot() } : {};

  /**
   * A transition after a document step (render, sign, certify) is made on a copy of the state and
   * taken over only when its activity has committed: until then the query, the validators and the
   * signing list see the registration as it was (a signature being applied is not yet counted).
   */
  const projected = () => new Registration(input, JSON.parse(JSON.stringify(reg.data)) as Carried);
  function adopt(next: Registration, keys: (keyof Carried)[]): void {
    const taken: Partial<Carried> = { state: next.data.state, seq: next.data.seq };
    for (const k of keys) Object.assign(taken, { [k]: next.data[k] });
    reg.data = { ...reg.data, ...taken };
    reg.touch();
  }

  async function commit(t: Transition): Promise<void> {
    await transitions.commitTransition({ filingId, transition: t });
    attributes();
  }

  /** An update's transition: if an activity refuses, the state is as before (signals kept). */
  async function transact<T>(fn: () => Promise<T>): Promise<T> {
    const before = JSON.parse(JSON.stringify(reg.data)) as Carried;
    try {
      return await fn();
    } catch (err) {
      const { seenPaymentIds, seenRejectionIds, pendingPayment, pendingRejection } = reg.data;
      reg.data = { ...before, seenPaymentIds, seenRejectionIds, pendingPayment, pendingRejection };
      reg.touch();
      throw err;
    }
  }

  const signerTurn = (round: number, signerIndex: number): NoticeSpec => ({
    noticeKey: `${filingId}:signer_turn:r${round}:s${signerIndex}`,
    kind: 'signer_turn',
    round,
    signerIndex,
  });

  /** Renders the form, opens the round and the first signer's turn: one documents activity. */
  async function openRoundV2(): Promise<void> {
    if (state().status !== 'awaiting_signatures' || reg.roundOpened()) return;
    const next = projected();
    const round = next.currentRound();
    const first = round.signers[0];
    if (first) first.state = 'current';
    next.data.nextSignerReminderAt = after(timing.signerReminderEvery);
    next.transition('awaiting_signatures', 'signer:1', nowIso());
    round.form = await tdocs.renderAndOpenRound({
      filingId,
      versionNo: round.versionNo,
      transition: {
        record: record(undefined, next),
        openRound: {
          versionNo: round.versionNo,
          round: round.round,
          signers: round.signers.map(({ signerId, kind }) => ({ signerId, kind })),
        },
        activate: { round: round.round, signerIndex: 0 },
        ...withNotices([signerTurn(round.round, 0)], next),
      },
    });
    adopt(next, ['nextSignerReminderAt']);
    attributes();
  }

  async function enterReviewV2(): Promise<void> {
    const now = Date.now();
    const s = state();
    s.reviewStartedAt = new Date(now).toISOString();
    s.overdue = false;
    reg.data.reviewWarningSent = false;
    delete s.returnReplyDeadline;
    delete s.reviewDeadline;
    let reviewClock: Transition['reviewClock'];
    if (timing.reviewDeadlineAfter) {
      s.reviewDeadline = new Date(now + msToNumber(timing.reviewDeadlineAfter)).toISOString();
      reg.data.reviewWarningAt = timing.reviewWarningAfter
        ? new Date(now + msToNumber(timing.reviewWarningAfter)).toISOString()
        : undefined;
    } else {
      reviewClock = {
        from: s.reviewStartedAt,
        workingDays: timing.reviewWorkingDays,
        warningWorkingDays: timing.reviewWarningWorkingDays,
      };
    }
    reg.transition('initial_review', 'initial-review', nowIso());
    const r = await transitions.commitTransition({
      filingId,
      transition: { record: record(), ...(reviewClock ? { reviewClock } : {}) },
    });
    if (reviewClock) {
      s.reviewDeadline = r.reviewDeadline;
      reg.data.reviewWarningAt = r.reviewWarningAt;
      if (r.missingYears?.length)
        log.warn('working calendar lacks years; counting weekends only there', { missing: r.missingYears });
    }
    attributes();
  }

  async function applyPayment(p: PaymentConfirmedSignal): Promise<void> {
    const pay = state().payment;
    pay.paymentId = p.paymentId;
    pay.method ??= p.method;
    pay.confirmedAt = nowIso();
    delete pay.rejectedReason;
    reg.data.pendingPayment = undefined;
    await (v2 ? enterReviewV2 : enterReview)();
  }

  /** Final approval: number, certificate, e-invoice and 已发证 in one documents activity. */
  async function certifyV2(): Promise<void> {
    const next = projected();
    const s = next.state;
    const registeredOn = chinaDate(Date.now());
    const certifying = record(undefined, next);
    const paymentId = s.payment.paymentId;
    next.transition('certified', 'delivery', nowIso());
    next.data.certifying = false;
    const notices: NoticeSpec[] = [{ noticeKey: `${filingId}:certified`, kind: 'certified' }];
    if (paymentId) notices.push({ noticeKey: `${filingId}:invoice`, kind: 'invoice' });
    const r = await tdocs.certifyAndCommit({
      filingId,
      versionNo: s.versionNo,
      workType: input.workType,
      registeredOn,
      ...(paymentId ? { paymentId } : {}),
      ...(s.registrationNumber ? { registrationNumber: s.registrationNumber } : {}),
      certifying,
      certified: { record: record(undefined, next), ...withNotices(notices, next) },
    });
    s.registrationNumber = r.registrationNumber;
    s.certificate = r.certificate;
    if (r.invoice) s.payment.invoice = r.invoice;
    adopt(next, ['certifying']);
    attributes();
  }

  async function refundV2(): Promise<void> {
    const pay = state().payment;
    if (pay.paymentId && !pay.refundId) {
      pay.refundId = (await acts.refundPayment({ filingId, paymentId: pay.paymentId })).refundId;
    }
    reg.data.refundPending = false;
    reg.transition('refused', 'none', nowIso());
    await commit({ record: record(), ...withNotices([{ noticeKey: `${filingId}:refused`, kind: 'refused' }]) });
  }

  /** The round's links stop working with the transition (修改, 撤回). */
  function voidRoundV2(): Pick<Transition, 'voidRound'> {
    const round = reg.currentRound();
    if (!reg.roundOpened() || round.voidedAt) return {};
    round.voidedAt = nowIso();
    return { voidRound: { round: round.round } };
  }

  /** A notice with no transition (a reminder): an outbox row only. */
  const remind = (n: NoticeSpec) => transitions.commitTransition({ filingId, transition: withNotices([n]) });

  // --- Handlers: registered before anything else runs; thin, the rules are in Registration ---

  setHandler(stateQuery, () => reg.snapshot());

  /**
   * The signer's signature applied to the form, then the next signer's turn (or 待提交), in one
   * documents activity; taken over when it has committed.
   */
  async function applySigned(idx: number, u: SignUpdate & { placementId: string }): Promise<void> {
    const next = projected();
    const round = next.currentRound();
    const signer = round.signers[idx];
    if (!signer) throw new Error('a signer of the round');
    signer.state = 'signed';
    signer.signedAt = nowIso();
    delete signer.placementId;
    if (u.actorId) signer.confirmedBy = u.actorId;
    const following = round.signers[idx + 1];
    let t: Pick<Transition, 'activate' | 'notices' | 'state'> = {};
    if (following) {
      following.state = 'current';
      next.data.nextSignerReminderAt = after(timing.signerReminderEvery);
      next.transition('awaiting_signatures', `signer:${idx + 2}`, nowIso());
      t = {
        activate: { round: round.round, signerIndex: idx + 1 },
        ...withNotices([signerTurn(round.round, idx + 1)], next),
      };
    } else {
      next.transition('awaiting_submission', 'applicant', nowIso());
    }
    round.signedForm = await tdocs.signAndCommit({
      filingId,
      sign: { round: round.round, signerIndex: idx, signerId: u.signerId, placementId: u.placementId },
      transition: { record: record(undefined, next), ...t },
    });
    adopt(next, ['nextSignerReminderAt']);
    attributes();
  }

  const signV2 = (u: SignUpdate) =>
    inTurn(async () => {
      reg.checkSign(u);
      const { placementId } = u;
      if (!placementId) throw new Error('checked by checkSign');
      await applySigned(reg.currentSignerIndex(), { ...u, placementId });
      return reg.snapshot();
    });

  /** 确认 recorded (签章处理中) and answered; the main loop applies the signature (applyConfirmed). */
  const signV3 = (u: SignUpdate) =>
    inTurn(async () => {
      reg.checkSign(u);
      const signer = reg.currentRound().signers[reg.currentSignerIndex()];
      if (!signer || !u.placementId) throw new Error('checked by checkSign');
      signer.state = 'signing';
      signer.placementId = u.placementId;
      if (u.actorId) signer.confirmedBy = u.actorId;
      reg.touch();
      return reg.snapshot();
    });

  /**
   * The confirmed signature applied. A typed refusal from the signature service (the placement is
   * unknown) puts the signer back to 待签章 to place it again, instead of failing the registration.
   */
  async function applyConfirmed(): Promise<void> {
    const idx = reg.signingIndex();
    const signer = reg.currentRound().signers[idx];
    if (state().status !== 'awaiting_signatures' || !signer?.placementId) return;
    const u = { signerId: signer.signerId, placementId: signer.placementId, versionNo: state().versionNo };
    try {
      await applySigned(idx, { ...u, ...(signer.confirmedBy ? { actorId: signer.confirmedBy } : {}) });
    } catch (err) {
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable)) {
        throw err;
      }
      log.warn('confirmed signature refused; the signer places it again', { error: err.cause.message });
      signer.state = 'current';
      delete signer.placementId;
      reg.touch();
    }
  }

  setHandler(signUpdate, (u: SignUpdate) => (v3 ? signV3(u) : v2 ? signV2(u) : signV1(u)), {
    validator: (u: SignUpdate) => reg.checkSign(u),
  });

  /** An update's change, in turn; on the v2 path put back as it was if its activity refuses. */
  const update = <T>(fn: () => Promise<T>) => inTurn(v2 ? () => transact(fn) : fn);

  setHandler(
    amendUpdate,
    (u: AmendUpdate) =>
      update(async () => {
        reg.checkAmend(u);
        if (v2) {
          const voided = voidRoundV2();
          reg.amend(u, nowIso());
          await commit({ record: record(), ...voided });
        } else {
          await voidRoundIfOpen();
          reg.amend(u, nowIso());
          await publish();
        }
        return reg.snapshot();
      }),
    { validator: (u: AmendUpdate) => reg.checkAmend(u) },
  );

  setHandler(
    submitUpdate,
    (u: { actorId: string }) =>
      update(async () => {
        reg.checkSubmit(u);
        if (state().payment.paymentId) {
          // Resubmission after a return: no second payment, the clock restarts.
          await (v2 ? enterReviewV2 : enterReview)();
          return reg.snapshot();
        }
        reg.data.nextPaymentReminderAt = after(timing.paymentReminderEvery);
        reg.transition('awaiting_payment', 'payment-method', nowIso());
        const due: NoticeSpec = { noticeKey: `${filingId}:payment_due`, kind: 'payment_due' };
        if (v2) {
          await commit({ record: record(), ...withNotices([due]) });
        } else {
          await publish();
          await notice(due);
        }
        return reg.snapshot();
      }),
    // Laxer than the handler's check: a submit sent while the last signature is applied waits for it.
    { validator: (u: { actorId: string }) => reg.checkSubmitAccepted(u) },
  );

  setHandler(
    choosePaymentMethodUpdate,
    (u: { method: PaymentMethod }) =>
      update(async () => {
        reg.checkChoosePaymentMethod(u);
        const pay = state().payment;
        if (pay.method === u.method) {
          // The same choice again changes nothing, except that after finance rejected an offline
          // reference, the applicant's new reference goes back to finance.
          if (u.method === 'offline' && state().status === 'awaiting_payment') {
            reg.transition('payment_verifying', 'finance', nowIso());
            await (v2 ? commit({ record: record() }) : publish());
          }
          return reg.snapshot();
        }
        if (!v2) await acts.openPaymentOrder({ filingId, method: u.method });
        pay.method = u.method;
        if (u.method === 'offline') {
          reg.transition('payment_verifying', 'finance', nowIso());
        } else {
          reg.data.nextPaymentQueryAt = after(timing.paymentQueryAfter);
          reg.data.paymentQueries = 0;
          reg.transition('awaiting_payment', 'payment', nowIso());
        }
        await (v2 ? commit({ record: record(), order: { method: u.method } }) : publish());
        return reg.snapshot();
      }),
    { validator: (u: { method: PaymentMethod }) => reg.checkChoosePaymentMethod(u) },
  );

  setHandler(
    reviewUpdate,
    (u: ReviewUpdate) =>
      update(async () => {
        reg.checkReview(u, () => patched(SEPARATION_OF_DUTIES));
        const remark = reg.decide(u, nowIso(), after(timing.returnReplyDeadline));
        if (v2 && reg.data.certifying) {
          // The main loop certifies (one documents activity that also records this decision); the
          // reviewer need not wait for the PDF.
          attributes();
        } else if (u.decision === 'return') {
          const returned: NoticeSpec = {
            noticeKey: `${filingId}:returned:${state().reviewRounds.length}`,
            kind: 'returned',
          };
          if (v2) {
            await commit({ record: record(remark), ...withNotices([returned]) });
          } else {
            await publish(remark);
            await notice(returned);
          }
        } else {
          await (v2 ? commit({ record: record(remark) }) : publish(remark));
        }
        return reg.snapshot();
      }),
    { validator: (u: ReviewUpdate) => reg.checkReview(u) },
  );

  setHandler(
    withdrawUpdate,
    (u: { actorId: string }) =>
      update(async () => {
        reg.checkWithdraw(u);
        if (v2) {
          const voided = voidRoundV2();
          reg.transition('withdrawn', 'none', nowIso());
          await commit({ record: record(), ...voided });
        } else {
          await voidRoundIfOpen();
          reg.transition('withdrawn', 'none', nowIso());
          await publish();
        }
        return reg.snapshot();
      }),
    { validator: (u: { actorId: string }) => reg.checkWithdraw(u) },
  );

  setHandler(
    recordDeliveryUpdate,
    (u: DeliveryUpdate) =>
      update(async () => {
        reg.checkDelivery(u);
        if (reg.hasDelivery(u)) return reg.snapshot(); // the same delivery again: a no-op success
        reg.deliver(u, nowIso());
        const mailed: NoticeSpec[] = u.kind === 'mailed' ? [{ noticeKey: `${filingId}:mailed`, kind: 'mailed' }] : [];
        if (v2) {
          await commit({ record: record(), ...withNotices(mailed) });
        } else {
          await publish();
          for (const n of mailed) await notice(n);
        }
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
  setHandler(registrationRevokedSignal, (r: { revocationId: string; decidedAt: string }) => {
    if (!reg.noteRevocation(r)) log.info('revocation ignored (heard already, or not certified)', r);
  });

  /**
   * 已撤销: the certified registration ends (no delivery). The revocation wrote the read model
   * (revoked_at, status revoked, waiting on nothing) before it signalled, so only the state and the
   * search attributes change here.
   */
  function revoke(): void {
    const r = reg.data.pendingRevocation;
    if (!r || state().status !== 'certified') return;
    reg.data.pendingRevocation = undefined;
    state().revocation = r;
    reg.transition('revoked', 'none', nowIso());
    attributes();
  }
  /** Patched where it is first taken: registrations started before it never heard the signal. */
  const revocationHeard = () => reg.data.pendingRevocation !== undefined && patched(HEARS_REVOCATION);

  // --- The earlier path (v1): registrations started before ONE_ACTIVITY_PER_TRANSITION ------
  // A status row, each notice and each document step its own activity. Only replayed: a new
  // registration never takes it. Remove with the patch (workflows/README.md, step 3).

  /** v1: the search attributes, then the read-model row in its own activity. */
  async function publish(remark?: string): Promise<void> {
    attributes();
    await acts.recordStatus(record(remark));
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

  /** The signature applied inside the update, then the next signer's turn or 待提交. */
  function signV1(u: SignUpdate) {
    return inTurn(async () => {
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
    });
  }

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

  /** The pending timer, kept across wake-ups while its due time stands (no cancel-and-restart). */
  let timer: { at: string; scope: CancellationScope; fired: boolean; done: Promise<void> } | undefined;
  /** Waits until something changes, the deadline (ISO) passes, or continueAsNew is suggested. */
  async function waitV2(until?: string): Promise<void> {
    const rev = reg.revision;
    const changed = () => reg.revision !== rev || suggested();
    if (timer && (timer.fired || timer.at !== until)) {
      if (!timer.fired) timer.scope.cancel();
      timer = undefined;
    }
    if (until && !timer) {
      const scope = new CancellationScope();
      const t = { at: until, scope, fired: false, done: Promise.resolve() };
      t.done = scope
        .run(() => sleep(Math.max(1, Date.parse(until) - Date.now())))
        .then(
          () => {
            t.fired = true;
          },
          () => undefined,
        );
      timer = t;
    }
    if (changed()) return;
    const waiting = new CancellationScope();
    const change = waiting.run(() => condition(changed)).catch(() => undefined);
    await (timer ? Promise.race([change, timer.done]) : change);
    waiting.cancel();
  }

  /** An effect that waited its turn applies only while its phase holds (a message may have moved it on). */
  const lockedIn = (phase: RegistrationStatus[], fn: () => Promise<void>) =>
    locked(() => (phase.includes(state().status) ? fn() : Promise.resolve()));
  const REVIEW: RegistrationStatus[] = ['initial_review', 'final_review'];
  /** A notice with no transition: an outbox row (v2), or mailed at once (v1). */
  const tell = (n: NoticeSpec) => (v2 ? remind(n) : notice(n));

  /** A due time of a phase (ISO; undefined while none) and what is done when it has passed. */
  interface Due {
    at: string | undefined;
    act: () => Promise<void>;
  }

  /** The due timers of the phase, in the order they are checked: the first one due acts. */
  function dueTimers(s: RegistrationState): Due[] {
    switch (s.status) {
      case 'awaiting_signatures':
        return [{ at: reg.data.nextSignerReminderAt, act: () => lockedIn(['awaiting_signatures'], remindSigner) }];
      case 'awaiting_payment':
        return [
          { at: reg.data.nextPaymentReminderAt, act: () => lockedIn(['awaiting_payment'], remindPayment) },
          { at: s.payment.method === 'online' ? reg.data.nextPaymentQueryAt : undefined, act: queryGateway },
        ];
      case 'initial_review':
      case 'final_review':
        return [
          {
            at: !reg.data.reviewWarningSent ? reg.data.reviewWarningAt : undefined,
            act: () =>
              lockedIn(REVIEW, async () => {
                reg.data.reviewWarningSent = true;
                await tell({
                  noticeKey: `${filingId}:review_deadline_near:${s.reviewStartedAt}`,
                  kind: 'review_deadline_near',
                });
              }),
          },
          { at: !s.overdue ? s.reviewDeadline : undefined, act: () => lockedIn(REVIEW, () => markOverdue(s)) },
        ];
      case 'returned': {
        const until = s.returnReplyDeadline;
        // v1: added after the first histories were recorded; registrations returned before it replay without it.
        const warnAt =
          until && !reg.data.returnWarningSent && (v2 || patched('2026-11-return-expiring-notice'))
            ? new Date(Date.parse(until) - msToNumber(timing.returnExpiringNoticeBefore)).toISOString()
            : undefined;
        return [
          // 补正期限已过：视为撤回 (the 2011 notice of the National Copyright Administration); checked
          // first, so a warning due at the same time is not sent after the deadline.
          { at: until, act: () => lockedIn(['returned'], expire) },
          {
            at: warnAt,
            act: () =>
              lockedIn(['returned'], async () => {
                reg.data.returnWarningSent = true;
                await tell({
                  noticeKey: `${filingId}:return_expiring:${s.reviewRounds.length}`,
                  kind: 'return_expiring',
                });
              }),
          },
        ];
      }
      default:
        return [];
    }
  }

  /** Acts on the first due timer, or waits for the earliest one (or a change). Not async: no extra tick. */
  function actOrWait(dues: Due[]): Promise<unknown> {
    const now = Date.now();
    const due = dues.find((d) => d.at !== undefined && now >= Date.parse(d.at));
    if (due) return due.act();
    const next = dues
      .map((d) => d.at)
      .filter((x): x is string => x !== undefined)
      .sort()[0];
    return wait(next);
  }

  async function remindSigner(): Promise<void> {
    const round = reg.currentRound();
    const idx = reg.currentSignerIndex();
    reg.data.reminders += 1;
    await tell({
      noticeKey: `${filingId}:signer_reminder:r${round.round}:s${idx}:${reg.data.reminders}`,
      kind: 'signer_reminder',
      round: round.round,
      signerIndex: idx,
    });
    reg.data.nextSignerReminderAt = after(timing.signerReminderEvery);
  }

  async function remindPayment(): Promise<void> {
    reg.data.reminders += 1;
    await tell({ noticeKey: `${filingId}:payment_reminder:${reg.data.reminders}`, kind: 'payment_reminder' });
    reg.data.nextPaymentReminderAt = after(timing.paymentReminderEvery);
  }

  /** No gateway notification yet: ask the gateway, backing off up to the reminder interval. */
  async function queryGateway(): Promise<void> {
    const found = await acts.queryPayment({ filingId });
    reg.data.paymentQueries += 1;
    const delay = Math.min(
      msToNumber(timing.paymentQueryAfter) * 2 ** reg.data.paymentQueries,
      msToNumber(timing.paymentReminderEvery),
    );
    reg.data.nextPaymentQueryAt = new Date(Date.now() + delay).toISOString();
    if (found) reg.notePayment(found);
  }

  async function markOverdue(s: RegistrationState): Promise<void> {
    state().overdue = true;
    reg.touch();
    const overdue: NoticeSpec = { noticeKey: `${filingId}:overdue:${s.reviewStartedAt}`, kind: 'overdue' };
    if (v2) {
      await commit({ record: record(), ...withNotices([overdue]) });
    } else {
      await publish();
      await notice(overdue);
    }
  }

  async function expire(): Promise<void> {
    reg.transition('expired', 'none', nowIso());
    // The applicant hears that the registration closed, and why (视为撤回). The same commit as
    // before with a notice in it: histories recorded without it replay unchanged.
    if (v2) await commit({ record: record(), ...withNotices([{ noticeKey: `${filingId}:expired`, kind: 'expired' }]) });
    else await publish();
  }

  async function rejectPayment(rejection: { paymentId: string; reason: string }): Promise<void> {
    reg.data.pendingRejection = undefined;
    state().payment.rejectedReason = rejection.reason;
    reg.transition('awaiting_payment', 'payment', nowIso());
    const rejected: NoticeSpec = {
      noticeKey: `${filingId}:payment_rejected:${rejection.paymentId}`,
      kind: 'payment_rejected',
    };
    if (v2) {
      await commit({ record: record(rejection.reason), ...withNotices([rejected]) });
    } else {
      await publish(rejection.reason);
      await notice(rejected);
    }
  }

  const wait = (until?: string): Promise<unknown> => (v2 ? waitV2(until) : waitForChange(until));

  async function mainLoop(): Promise<void> {
    if (!carried) {
      if (v2) attributes();
      else await locked(publish);
    }
    while (!reg.finished) {
      const s = state();
      const { pendingPayment, pendingRejection } = reg.data;
      // Work a message or an event left for the loop goes first; then the phase's due timers.
      if (s.status === 'awaiting_signatures' && !reg.roundOpened()) {
        await locked(v2 ? openRoundV2 : openRound);
      } else if (s.status === 'awaiting_signatures' && v2 && reg.signingIndex() >= 0) {
        await locked(applyConfirmed);
      } else if ((s.status === 'awaiting_payment' || s.status === 'payment_verifying') && pendingPayment) {
        await locked(() => applyPayment(pendingPayment));
      } else if (s.status === 'payment_verifying' && pendingRejection) {
        await locked(() => rejectPayment(pendingRejection));
      } else if (REVIEW.includes(s.status) && reg.data.certifying) {
        await locked(v2 ? certifyV2 : certify);
      } else if (s.status === 'refused') {
        await locked(v2 ? refundV2 : refund);
      } else if (s.status === 'certified' && revocationHeard()) {
        await locked(async () => revoke());
      } else {
        // awaiting_submission, payment_verifying, certified: only a message moves them on.
        await actOrWait(dueTimers(s));
      }
      if (suggested() && !reg.finished) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof registrationWorkflow>(input, reg.data);
      }
    }
  }

  await mainLoop();
  await condition(allHandlersFinished);
  return reg.snapshot();
}

function nowIso(): string {
  return new Date().toISOString();
}

function after(duration: string): string {
  return new Date(Date.now() + msToNumber(duration)).toISOString();
}
