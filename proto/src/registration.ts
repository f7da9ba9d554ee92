import { z } from 'zod';
import { Id, ObjectRef } from './common';
import { registrationTimingDefaults as d } from './registration-defaults';

/**
 * The registration workflow's contract: its input, messages, state and the activities it calls.
 * The workflow is the single writer of a registration's status; services keep a read model.
 * Identifiers only: no names, ID numbers or addresses cross into workflow history.
 */

/** Work types of the Copyright Law (作品类别), with the letter used in registration numbers. */
export const WorkType = z.enum([
  'written', // 文字
  'oral', // 口述
  'music', // 音乐
  'drama', // 戏剧
  'quyi', // 曲艺
  'dance', // 舞蹈
  'acrobatics', // 杂技
  'fine_art', // 美术
  'photography', // 摄影
  'architecture', // 建筑
  'film', // 影视（视听作品）
  'graphic', // 图形
  'model', // 模型
  'other', // 其他
]);
export type WorkType = z.infer<typeof WorkType>;

/** A registration's status (作品状态). `draft` exists only in the filing service, before the workflow. */
export const RegistrationStatus = z.enum([
  'awaiting_signatures', // 待签章
  'awaiting_submission', // 已完成签章，待提交
  'awaiting_payment', // 待缴费
  'payment_verifying', // 线下付款，待财务核对
  'initial_review', // 待初审
  'final_review', // 待终审
  'returned', // 退回修改
  'certified', // 已发证 (paper certificate not yet delivered)
  'delivered', // 纸质证书已寄出/已领取
  'refused', // 不予登记并退费
  'withdrawn', // 申请人撤回
  'expired', // 退回后逾期未补正，视为撤回
  'revoked', // 已撤销 (撤销登记: a revocation workflow decided it)
]);
export type RegistrationStatus = z.infer<typeof RegistrationStatus>;

export const FilingStatus = z.enum(['draft', ...RegistrationStatus.options]);
export type FilingStatus = z.infer<typeof FilingStatus>;

/** A signer in the form's order: a copyright holder (著作权人签章) or the writer (执笔者签章). */
export const SignerKind = z.enum(['holder', 'writer']);
export const SignerRef = z.object({ signerId: Id, kind: SignerKind });
export type SignerRef = z.infer<typeof SignerRef>;

/** Durations as Temporal duration strings ('3 days', '500 ms'); short ones in tests. */
export const RegistrationTiming = z.object({
  signerReminderEvery: z.string().default(d.signerReminderEvery),
  paymentReminderEvery: z.string().default(d.paymentReminderEvery),
  /** If no gateway notification arrives, the workflow asks the gateway after this long (then backs off). */
  paymentQueryAfter: z.string().default(d.paymentQueryAfter),
  /** A returned registration closes when the applicant has not resubmitted in time (补正期限). */
  returnReplyDeadline: z.string().default(d.returnReplyDeadline),
  /** The applicant is reminded (补正期限将至) this long before the reply deadline. */
  returnExpiringNoticeBefore: z.string().default(d.returnExpiringNoticeBefore),
  /** Review must finish within this many working days of the (re)submission. */
  reviewWorkingDays: z.number().int().positive().default(d.reviewWorkingDays),
  /** Warn the reviewers this many working days before the deadline. */
  reviewWarningWorkingDays: z.number().int().nonnegative().default(d.reviewWarningWorkingDays),
  /**
   * Drills and tests only: a fixed review deadline (and warning) this long after entering review,
   * instead of the working-day calendar. Never set in production.
   */
  reviewDeadlineAfter: z.string().optional(),
  reviewWarningAfter: z.string().optional(),
});
export type RegistrationTiming = z.infer<typeof RegistrationTiming>;

export const RegistrationInput = z.object({
  filingId: Id,
  /** The frozen filing version the first form is made from (each submission freezes one). */
  versionNo: z.number().int().positive(),
  applicantId: Id,
  /** Region code for staff scoping and search; not personal data at this precision. */
  region: z.string(),
  workType: WorkType,
  signers: z.array(SignerRef).min(1),
  timing: RegistrationTiming.partial().optional(),
  /** The task queue of the documents worker; tests give each run its own. Default TaskQueue.documents. */
  documentsTaskQueue: z.string().min(1).optional(),
});
export type RegistrationInput = z.infer<typeof RegistrationInput>;

export const registrationWorkflowId = (filingId: string) => `registration-${filingId}`;

// --- Messages ------------------------------------------------------------------------------

/** The signer confirms (确认) a placed signature. The signature service has checked who they are. */
export const SignUpdate = z.object({
  signerId: Id,
  /** The placed signature (开始签署) being confirmed; an unplaced signature cannot be confirmed. */
  placementId: z.string().min(1).optional(),
  /** Which form version the signer saw: a signature for a voided version is refused. */
  versionNo: z.number().int().positive(),
  /** The user who confirmed (the signer's own account): no one reviews a filing they signed. */
  actorId: Id.optional(),
});
export type SignUpdate = z.infer<typeof SignUpdate>;

/** The applicant changed the filing (修改): a new frozen version voids every signature. */
export const AmendUpdate = z.object({ versionNo: z.number().int().positive(), signers: z.array(SignerRef).min(1) });
export type AmendUpdate = z.infer<typeof AmendUpdate>;

/** The applicant submits (提交) a fully signed registration; automatic when the signing list is open. */
export const SubmitUpdate = z.object({ actorId: Id });

export const PaymentMethod = z.enum(['online', 'offline']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;
export const ChoosePaymentMethodUpdate = z.object({ method: PaymentMethod });

/** Sent once per confirmed payment event; duplicates (same paymentId) change nothing. */
export const PaymentConfirmedSignal = z.object({
  paymentId: Id,
  method: PaymentMethod,
  amountFen: z.number().int().positive(),
});
export type PaymentConfirmedSignal = z.infer<typeof PaymentConfirmedSignal>;

/** Finance rejected an offline payment reference; the applicant may enter another. */
export const PaymentRejectedSignal = z.object({ paymentId: Id, reason: z.string().min(1) });

export const ReviewStage = z.enum(['initial', 'final']);
export type ReviewStage = z.infer<typeof ReviewStage>;
export const ReviewDecision = z.enum(['approve', 'return', 'refuse']);
export const ReviewUpdate = z.object({
  stage: ReviewStage,
  reviewerId: Id,
  reviewerRole: z.enum(['initial_reviewer', 'final_reviewer']),
  decision: ReviewDecision,
  /** Required for return (退回修改) and refuse (不予登记). */
  reasons: z.array(z.string().min(1).max(500)).max(20).default([]),
});
export type ReviewUpdate = z.infer<typeof ReviewUpdate>;

export const WithdrawUpdate = z.object({ actorId: Id });

/** The paper certificate: mailed with a waybill (顺丰到付) or picked up (自领). */
export const DeliveryUpdate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mailed'), waybillNo: z.string().regex(/^[A-Z0-9]{8,20}$/), actorId: Id }),
  z.object({ kind: z.literal('picked_up'), actorId: Id }),
]);
export type DeliveryUpdate = z.infer<typeof DeliveryUpdate>;

// --- State (the `state` query) -------------------------------------------------------------

/** 准备签章 / 待签章 / 签章处理中 (confirmed, the PDF signature being applied) / 已签章. */
export const SignerState = z.enum(['waiting', 'current', 'signing', 'signed']);
export const SigningRound = z.object({
  round: z.number().int().positive(),
  versionNo: z.number().int().positive(),
  form: ObjectRef.optional(),
  signers: z.array(
    SignerRef.extend({
      state: SignerState,
      signedAt: z.iso.datetime().optional(),
      /** The confirmed placement, while its signature is applied (签章处理中). */
      placementId: z.string().optional(),
      /** The user who confirmed the signature (separation of duties in review). */
      confirmedBy: Id.optional(),
    }),
  ),
  voidedAt: z.iso.datetime().optional(),
  /** The form with every signature so far (each applySignature returns the newer PDF). */
  signedForm: ObjectRef.optional(),
});
export const ReviewRound = z.object({
  stage: ReviewStage,
  reviewerId: Id,
  decision: ReviewDecision,
  reasons: z.array(z.string()),
  decidedAt: z.iso.datetime(),
});

/** The paper certificate's delivery as the admin recorded it: mailed with a waybill (顺丰到付) or picked up. */
export const CertificateDelivery = z.object({
  kind: z.enum(['mailed', 'picked_up']),
  waybillNo: z.string().optional(),
  at: z.iso.datetime(),
});
export type CertificateDelivery = z.infer<typeof CertificateDelivery>;

export const RegistrationState = z.object({
  filingId: Id,
  status: RegistrationStatus,
  statusSince: z.iso.datetime(),
  waitingOn: z.string(),
  versionNo: z.number().int().positive(),
  /** The current signing round last; voided rounds are kept for the history. */
  signingRounds: z.array(SigningRound),
  payment: z.object({
    method: PaymentMethod.optional(),
    paymentId: Id.optional(),
    confirmedAt: z.iso.datetime().optional(),
    refundId: z.string().optional(),
    /** Why finance rejected the last offline payment reference (线下付款核对未通过). */
    rejectedReason: z.string().optional(),
    /** The e-invoice (电子发票); the paper certificate may be picked up only after it was sent. */
    invoice: ObjectRef.optional(),
  }),
  reviewRounds: z.array(ReviewRound),
  /** When the review clock (30 working days) last started: the (re)submission that entered review. */
  reviewStartedAt: z.iso.datetime().optional(),
  reviewDeadline: z.iso.datetime().optional(),
  overdue: z.boolean(),
  returnReplyDeadline: z.iso.datetime().optional(),
  registrationNumber: z.string().optional(),
  certificate: ObjectRef.optional(),
  delivery: CertificateDelivery.optional(),
  /** 撤销登记: the revocation that revoked this registration, and when. */
  revocation: z.object({ revocationId: Id, decidedAt: z.iso.datetime() }).optional(),
});
export type RegistrationState = z.infer<typeof RegistrationState>;

// --- Activities ----------------------------------------------------------------------------

/** The read model row the workflow writes at every transition; idempotent by (filingId, seq). */
export const StatusRecord = z.object({
  filingId: Id,
  /** Monotonic per registration: a retried or stale write never overwrites a newer one. */
  seq: z.number().int().nonnegative(),
  status: RegistrationStatus,
  waitingOn: z.string(),
  at: z.iso.datetime(),
  versionNo: z.number().int().positive(),
  reviewDeadline: z.iso.datetime().optional(),
  overdue: z.boolean().default(false),
  registrationNumber: z.string().optional(),
  /** Reviewer's reasons shown in 待提交作品（含初审退回作品）. */
  remark: z.string().optional(),
  /** 纸质证书: once recorded, every later record carries it (the FilingView shows the waybill). */
  delivery: CertificateDelivery.optional(),
});
export type StatusRecord = z.infer<typeof StatusRecord>;

/** Official calendar (法定节假日与调休) as data: ISO dates. */
export const WorkingCalendar = z.object({
  holidays: z.array(z.iso.date()),
  makeupWorkdays: z.array(z.iso.date()),
  /** Years the data covers; outside them only weekends count as days off. */
  years: z.array(z.number().int()),
});
export type WorkingCalendar = z.infer<typeof WorkingCalendar>;

export const NoticeKind = z.enum([
  'signer_turn', // 轮到签章（含签章链接）
  'signer_reminder', // 签章提醒
  'payment_due', // 待缴费
  'payment_reminder', // 缴费提醒
  'payment_rejected', // 线下付款核对未通过
  'payment_received', // 缴费已确认，进入初审
  'initial_review_passed', // 初审通过
  'final_review_passed', // 终审通过（已发证之前）
  'returned', // 退回修改（含原因）
  'return_expiring', // 补正期限将至
  'expired', // 补正期限已过，视为撤回
  'refused', // 不予登记并退费
  'certified', // 已发证
  'invoice', // 电子发票
  'review_deadline_near', // 审核期限将至（审核员）
  'overdue', // 逾期（主管）
  'mailed', // 纸质证书已寄出
]);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const NoticeInput = z.object({
  /** Deterministic per notice (e.g. `${filingId}:signer_turn:r2:s1`): a retry never sends twice. */
  noticeKey: z.string().min(1),
  kind: NoticeKind,
  filingId: Id,
  /** Index into the current round's signers, for signer notices. */
  signerIndex: z.number().int().nonnegative().optional(),
  round: z.number().int().positive().optional(),
});
export type NoticeInput = z.infer<typeof NoticeInput>;

/**
 * Every activity the workflow calls, by owning service. Each is idempotent: a retry after a
 * crash changes nothing. `documents`-queue activities (CPU-heavy PDF work) are marked.
 */
export interface RegistrationActivities {
  // filing: the read model
  recordStatus(input: StatusRecord): Promise<void>;
  // certificate: documents (documents queue) and numbers
  renderApplicationForm(input: { filingId: string; versionNo: number }): Promise<ObjectRef>;
  loadWorkingCalendar(input: { fromYear: number; toYear: number }): Promise<WorkingCalendar>;
  allocateRegistrationNumber(input: { filingId: string; workType: WorkType; year: number }): Promise<string>;
  issueCertificate(input: {
    filingId: string;
    versionNo: number;
    registrationNumber: string;
    registeredOn: string;
  }): Promise<ObjectRef>;
  // signature: signing rounds, links and PDF signatures
  openSigningRound(input: {
    filingId: string;
    versionNo: number;
    round: number;
    signers: SignerRef[];
    form: ObjectRef;
  }): Promise<void>;
  activateSigner(input: { filingId: string; round: number; signerIndex: number }): Promise<void>;
  applySignature(input: {
    filingId: string;
    round: number;
    signerIndex: number;
    signerId: string;
    placementId: string;
  }): Promise<ObjectRef>;
  voidSigningRound(input: { filingId: string; round: number }): Promise<void>;
  // payment
  openPaymentOrder(input: { filingId: string; method: PaymentMethod }): Promise<{ orderId: string }>;
  queryPayment(input: { filingId: string }): Promise<PaymentConfirmedSignal | null>;
  refundPayment(input: { filingId: string; paymentId: string }): Promise<{ refundId: string }>;
  issueInvoice(input: { filingId: string; paymentId: string }): Promise<ObjectRef>;
  // mail
  sendNotice(input: NoticeInput): Promise<void>;
}
