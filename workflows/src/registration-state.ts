import type {
  AmendUpdate,
  DeliveryUpdate,
  ErrorCode,
  PaymentConfirmedSignal,
  PaymentMethod,
  RegistrationInput,
  RegistrationState,
  RegistrationStatus,
  ReviewUpdate,
  SignUpdate,
} from '@copyreg/proto';
import { ApplicationFailure } from '@temporalio/workflow';

/**
 * The state of one registration and the rules that say which message it accepts now. Pure: no
 * activities, no timers. The workflow's handlers run these checks twice — in the synchronous
 * validator (a refusal writes nothing to history) and again inside the handler, after waiting its
 * turn, because the state may have moved on in between.
 */

/** A refusal the HTTP callers map to a 4xx: `type` is the ErrorCode, the message is for the user. */
export function refusal(code: ErrorCode, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

/** An activity may refuse with a typed ApplicationFailure too (e.g. the placement is unknown). */
export function isErrorCode(type: string | undefined | null): type is ErrorCode {
  return typeof type === 'string' && /^[A-Z][A-Z_]+$/.test(type);
}

/** Everything continueAsNew carries: the queryable state and the workflow's own bookkeeping. */
export interface Carried {
  state: RegistrationState;
  /** recordStatus's sequence number: monotonic, so a stale write never overwrites a newer one. */
  seq: number;
  /** Payment events already applied (signals are not deduplicated by Temporal across calls). */
  seenPaymentIds: string[];
  seenRejectionIds: string[];
  pendingPayment?: PaymentConfirmedSignal;
  pendingRejection?: { paymentId: string; reason: string };
  /** Final review approved; number, certificate and invoice still to do. */
  certifying: boolean;
  /** Refused; the refund is still to do. */
  refundPending: boolean;
  reviewWarningAt?: string;
  reviewWarningSent: boolean;
  nextPaymentReminderAt?: string;
  nextPaymentQueryAt?: string;
  paymentQueries: number;
  nextSignerReminderAt?: string;
  /** 补正期限将至 sent for the current return (absent in runs carried from before it existed). */
  returnWarningSent?: boolean;
  /** Counts notices of a kind so each reminder has its own idempotency key. */
  reminders: number;
  /** 撤销登记: heard from the revocation workflow; the main loop closes the registration. */
  pendingRevocation?: { revocationId: string; decidedAt: string };
}

const TERMINAL: RegistrationStatus[] = ['delivered', 'withdrawn', 'expired', 'revoked'];

export class Registration {
  readonly input: RegistrationInput;
  data: Carried;
  /** Bumped on every change; the main loop waits for it to move. */
  revision = 0;

  constructor(input: RegistrationInput, carried: Carried) {
    this.input = input;
    this.data = carried;
  }

  static start(input: RegistrationInput, now: string): Carried {
    return {
      state: {
        filingId: input.filingId,
        status: 'awaiting_signatures',
        statusSince: now,
        waitingOn: 'form',
        versionNo: input.versionNo,
        signingRounds: [
          {
            round: 1,
            versionNo: input.versionNo,
            signers: input.signers.map((s) => ({ ...s, state: 'waiting' as const })),
          },
        ],
        payment: {},
        reviewRounds: [],
        overdue: false,
      },
      seq: 0,
      seenPaymentIds: [],
      seenRejectionIds: [],
      certifying: false,
      refundPending: false,
      reviewWarningSent: false,
      paymentQueries: 0,
      reminders: 0,
    };
  }

  get state(): RegistrationState {
    return this.data.state;
  }

  get finished(): boolean {
    const s = this.state.status;
    return TERMINAL.includes(s) || (s === 'refused' && !this.data.refundPending);
  }

  touch(): void {
    this.revision++;
  }

  transition(status: RegistrationStatus, waitingOn: string, now: string): void {
    this.state.status = status;
    this.state.waitingOn = waitingOn;
    this.state.statusSince = now;
    this.touch();
  }

  snapshot(): RegistrationState {
    return JSON.parse(JSON.stringify(this.state)) as RegistrationState; // no structuredClone in the sandbox
  }

  currentRound() {
    const round = this.state.signingRounds.at(-1);
    if (!round) throw new Error('a registration always has a signing round');
    return round;
  }

  /** The round has been rendered and sent to the signature service. */
  roundOpened(): boolean {
    return this.currentRound().form !== undefined;
  }

  currentSignerIndex(): number {
    return this.currentRound().signers.findIndex((s) => s.state === 'current');
  }

  /** The signer whose confirmed signature is being applied (签章处理中), if any. */
  signingIndex(): number {
    return this.currentRound().signers.findIndex((s) => s.state === 'signing');
  }

  // --- The rules: each throws a refusal or returns ------------------------------------------

  checkSign(u: SignUpdate): void {
    if (this.state.status !== 'awaiting_signatures') throw refusal('INVALID_STATE', '当前不在签章阶段');
    if (u.versionNo !== this.state.versionNo) {
      throw refusal('CONFLICT', '申请表已修改，原签章作废，请重新打开签章链接');
    }
    const round = this.currentRound();
    const signing = round.signers[this.signingIndex()];
    if (signing) {
      if (signing.signerId === u.signerId) throw refusal('CONFLICT', '您已确认签署，签章正在处理中，无需重复签署');
      throw refusal('NOT_CURRENT_SIGNER', '您不是本份文件的签署者');
    }
    const idx = this.currentSignerIndex();
    if (idx < 0) throw refusal('INVALID_STATE', '申请表正在生成，请稍后再签章');
    if (round.signers[idx]?.signerId !== u.signerId) {
      if (round.signers.some((s) => s.signerId === u.signerId && s.state === 'signed')) {
        throw refusal('CONFLICT', '您已完成签章，无需重复签署');
      }
      throw refusal('NOT_CURRENT_SIGNER', '您不是本份文件的签署者');
    }
    if (!u.placementId) throw refusal('SIGNATURE_NOT_PLACED', '请先放置签章，再确认签署');
  }

  checkAmend(u: AmendUpdate): void {
    const s = this.state.status;
    if (s !== 'awaiting_signatures' && s !== 'awaiting_submission' && s !== 'returned') {
      throw refusal('INVALID_STATE', '作品已提交，当前状态不能修改');
    }
    if (u.versionNo <= this.state.versionNo) throw refusal('CONFLICT', '修改后的版本号必须大于当前版本');
  }

  checkApplicant(actorId: string): void {
    if (actorId !== this.input.applicantId) throw refusal('FORBIDDEN', '只有申请人本人可以操作');
  }

  /**
   * Whether a submit is accepted now: 待提交, or the last signer's confirmed signature being
   * applied (签章处理中). The read model already says 待提交 once that signature is committed, a
   * moment before the workflow has taken the result in; the handler then waits its turn, after the
   * signature, and checks again (checkSubmit).
   */
  checkSubmitAccepted(u: { actorId: string }): void {
    const round = this.currentRound();
    const lastSigning = this.state.status === 'awaiting_signatures' && this.signingIndex() === round.signers.length - 1;
    if (lastSigning) this.checkApplicant(u.actorId);
    else this.checkSubmit(u);
  }

  checkSubmit(u: { actorId: string }): void {
    this.checkApplicant(u.actorId);
    const s = this.state.status;
    if (s === 'awaiting_submission') return;
    if (s === 'awaiting_signatures') throw refusal('INVALID_STATE', '尚有签章人未完成签章，不能提交');
    if (s === 'returned') throw refusal('INVALID_STATE', '退回修改的作品须先修改并重新签章后再提交');
    throw refusal('INVALID_STATE', '作品已提交');
  }

  checkChoosePaymentMethod(u: { method: PaymentMethod }): void {
    const s = this.state.status;
    if (s !== 'awaiting_payment' && s !== 'payment_verifying') throw refusal('INVALID_STATE', '当前不在缴费阶段');
    const chosen = this.state.payment.method;
    if (chosen && chosen !== u.method) throw refusal('PAYMENT_METHOD_LOCKED', '缴费方式一经选择不可更改');
  }

  /**
   * `dutiesApply`: asked only when the review breaches separation of duties. The validator always
   * refuses it; the handler asks patched('2026-11-separation-of-duties'), so a review accepted
   * before the rule existed replays as it ran, and a new registration carries no marker for it.
   */
  checkReview(u: ReviewUpdate, dutiesApply: () => boolean = () => true): void {
    const stageStatus = u.stage === 'initial' ? 'initial_review' : 'final_review';
    if (this.state.status !== stageStatus || this.data.certifying) {
      throw refusal('INVALID_STATE', u.stage === 'initial' ? '该作品当前不在初审阶段' : '该作品当前不在终审阶段');
    }
    const role = u.stage === 'initial' ? 'initial_reviewer' : 'final_reviewer';
    if (u.reviewerRole !== role) {
      throw refusal('FORBIDDEN', u.stage === 'initial' ? '只有初审员可以进行初审' : '只有终审员可以进行终审');
    }
    const breach = this.dutyBreach(u);
    if (breach && dutiesApply()) throw breach;
    const reasons = u.reasons ?? [];
    if (u.decision === 'return' && reasons.length === 0) throw refusal('VALIDATION_FAILED', '退回修改须填写原因');
    if (u.decision === 'refuse' && reasons.length === 0) throw refusal('VALIDATION_FAILED', '不予登记须填写理由');
  }

  /**
   * Separation of duties (职责分离): no one reviews a filing they filed or signed, and the final
   * review is a second pair of eyes: not the initial reviewer whose approval sent it there.
   */
  dutyBreach(u: ReviewUpdate): ApplicationFailure | undefined {
    if (u.reviewerId === this.input.applicantId) {
      return refusal('FORBIDDEN', '不能审核本人提交的作品，请由其他审核人员审核');
    }
    const signed = this.state.signingRounds.some((r) => r.signers.some((s) => s.confirmedBy === u.reviewerId));
    if (signed) return refusal('FORBIDDEN', '不能审核本人签章的作品，请由其他审核人员审核');
    const initial = this.state.reviewRounds.filter((r) => r.stage === 'initial').at(-1);
    if (u.stage === 'final' && initial?.reviewerId === u.reviewerId) {
      return refusal('FORBIDDEN', '终审须由初审以外的审核人员进行，您已对该作品作出初审决定');
    }
    return undefined;
  }

  /** Returns false when already heard (a signal may come twice) or not certified (only a registration is revoked). */
  noteRevocation(r: { revocationId: string; decidedAt: string }): boolean {
    if (this.state.revocation || this.data.pendingRevocation || this.state.status !== 'certified') return false;
    this.data.pendingRevocation = r;
    this.touch();
    return true;
  }

  checkWithdraw(u: { actorId: string }): void {
    this.checkApplicant(u.actorId);
    const s = this.state.status;
    const paid = this.state.payment.paymentId !== undefined || this.data.pendingPayment !== undefined;
    if (paid || s === 'payment_verifying') throw refusal('INVALID_STATE', '已缴费或付款核对中的作品不能撤回');
    if (s !== 'awaiting_signatures' && s !== 'awaiting_submission' && s !== 'awaiting_payment') {
      throw refusal('INVALID_STATE', '当前状态不能撤回');
    }
  }

  /** This very delivery is already recorded: sent again (the certificate service's retry), it changes nothing. */
  hasDelivery(u: DeliveryUpdate): boolean {
    const d = this.state.delivery;
    const waybillNo = u.kind === 'mailed' ? u.waybillNo : undefined;
    return this.state.status === 'delivered' && d?.kind === u.kind && d.waybillNo === waybillNo;
  }

  checkDelivery(u: DeliveryUpdate): void {
    if (this.hasDelivery(u)) return;
    if (this.state.status === 'revoked' || this.data.pendingRevocation) {
      throw refusal('INVALID_STATE', '该作品的登记已撤销，纸质证书不再寄送或领取');
    }
    if (this.state.status !== 'certified') throw refusal('INVALID_STATE', '证书尚未制作完成或已寄送/领取');
    if (u.kind === 'picked_up' && !this.state.payment.invoice) {
      throw refusal('INVALID_STATE', '电子发票开具后方可领取纸质证书');
    }
  }

  // --- The changes a message makes, once its check has passed (the workflow runs the effects) ---

  /** 修改: the new version, a new signing round (every signature void), back to 待签章. */
  amend(u: AmendUpdate, now: string): void {
    const s = this.state;
    s.versionNo = u.versionNo;
    s.signingRounds.push({
      round: this.currentRound().round + 1,
      versionNo: u.versionNo,
      signers: u.signers.map((x) => ({ ...x, state: 'waiting' as const })),
    });
    delete s.returnReplyDeadline;
    this.transition('awaiting_signatures', 'form', now);
  }

  /**
   * A review decision recorded and the status it leads to; returns the read model's remark (the
   * reasons of a return or refusal). A final approval leaves the certification to the main loop.
   */
  decide(u: ReviewUpdate, now: string, returnReplyDeadline: string): string | undefined {
    const s = this.state;
    const reasons = u.reasons ?? [];
    s.reviewRounds.push({ stage: u.stage, reviewerId: u.reviewerId, decision: u.decision, reasons, decidedAt: now });
    if (u.decision === 'approve') {
      if (u.stage === 'final') this.data.certifying = true;
      this.transition('final_review', u.stage === 'initial' ? 'final-review' : 'certification', now);
      return undefined;
    }
    if (u.decision === 'return') {
      s.returnReplyDeadline = returnReplyDeadline;
      this.data.returnWarningSent = false;
      delete s.reviewDeadline;
      s.overdue = false;
      this.transition('returned', 'applicant', now);
    } else {
      this.data.refundPending = true;
      this.transition('refused', 'refund', now);
    }
    return reasons.join('；');
  }

  /** The paper certificate mailed or picked up: the registration is complete. */
  deliver(u: DeliveryUpdate, now: string): void {
    this.state.delivery = { kind: u.kind, ...(u.kind === 'mailed' ? { waybillNo: u.waybillNo } : {}), at: now };
    this.transition('delivered', 'none', now);
  }

  // --- Payment events (signals): applied by the main loop -----------------------------------

  /** Returns false for a duplicate (same paymentId): it changes nothing. */
  notePayment(p: PaymentConfirmedSignal): boolean {
    if (this.data.seenPaymentIds.includes(p.paymentId)) return false;
    this.data.seenPaymentIds.push(p.paymentId);
    if (this.state.payment.paymentId) return false; // already paid: a second payment is finance's to refund
    this.data.pendingPayment = p;
    this.touch();
    return true;
  }

  noteRejection(r: { paymentId: string; reason: string }): boolean {
    if (this.data.seenRejectionIds.includes(r.paymentId)) return false;
    this.data.seenRejectionIds.push(r.paymentId);
    if (this.state.status !== 'payment_verifying') return false;
    this.data.pendingRejection = r;
    this.touch();
    return true;
  }
}

/** What it waits for, in words, for the Temporal UI (setCurrentDetails). */
export function describeWaiting(state: RegistrationState): string {
  const w = state.waitingOn;
  const since = `（自 ${state.statusSince}）`;
  const round = state.signingRounds.at(-1)?.round ?? 1;
  if (w.startsWith('signer:')) return `待签章：等待第 ${w.slice(7)} 位签章人签章（第 ${round} 轮）${since}`;
  const deadline = state.reviewDeadline ? `，审核期限 ${state.reviewDeadline}` : '';
  const overdue = state.overdue ? '，**已逾期**' : '';
  const words: Record<string, string> = {
    form: '正在生成申请表并开启签章',
    applicant:
      state.status === 'returned'
        ? `退回修改：等待申请人修改并重新签章，补正期限 ${state.returnReplyDeadline ?? ''}`
        : '已完成签章：等待申请人提交',
    'payment-method': '待缴费：等待申请人选择缴费方式',
    payment: '待缴费：等待支付结果（在线支付通知或线下付款信息）',
    finance: '线下付款：等待财务核对',
    'initial-review': `待初审${deadline}${overdue}`,
    'final-review': `待终审${deadline}${overdue}`,
    certification: '终审通过：正在分配登记号、生成证书、开具电子发票',
    refund: '不予登记：正在退费',
    delivery: '已发证：等待寄送或领取纸质证书',
    none: `已结束：${state.status}`,
  };
  return `${words[w] ?? w}${since}`;
}
