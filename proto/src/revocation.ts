import { z } from 'zod';
import { Id, PageQuery, pageOf, Role } from './common';
import { UploadRef } from './filing';
import { WorkType } from './registration';
import { revocationTimingDefaults as d } from './revocation-defaults';

/**
 * 撤销登记 (revocation of a registration), 作品自愿登记试行办法 (1994) Art. 6: the registration
 * office revokes a registration (一) when a ground for refusal (Art. 4) is found after registration,
 * (二) when the registered facts prove untrue, (三) at the applicant's (the holder's) request,
 * (四) when it is a duplicate registration. A request comes from the holder, from an interested
 * party (利害关系人) with evidence, or from staff on their own motion; the holder is heard within a
 * deadline (working days) unless the request is their own; staff with the right role decide.
 *
 * Each revocation is a workflow of its own (revocationWorkflowId), linked to the registration; it
 * never overwrites the registration: the registration's read model gains a revocation mark and the
 * certificate is marked revoked. Identifiers only cross into workflow history: the statements
 * (request, answer, decision reasons) live in Postgres (filing.revocation_statements).
 */

/** The Art. 6 ground (撤销依据). */
export const RevocationGround = z.enum([
  'holder_request', // （三）申请人申请撤销原登记
  'refusal_ground', // （一）登记后发现有不予登记情形
  'facts_untrue', // （二）登记的事实与实际不符
  'duplicate', // （四）重复登记
]);
export type RevocationGround = z.infer<typeof RevocationGround>;

/** Who asked: the holder (著作权人/申请人), an interested party (利害关系人), or staff on their own motion (依职权). */
export const RevocationInitiator = z.enum(['holder', 'interested_party', 'staff']);
export type RevocationInitiator = z.infer<typeof RevocationInitiator>;

export const RevocationStatus = z.enum([
  'awaiting_answer', // 待著作权人答复（答复期限内）
  'under_review', // 待审查决定
  'revoked', // 已撤销登记
  'dismissed', // 驳回撤销申请（登记继续有效）
]);
export type RevocationStatus = z.infer<typeof RevocationStatus>;

export const RevocationDecision = z.enum(['revoke', 'dismiss']);
export type RevocationDecision = z.infer<typeof RevocationDecision>;

export const revocationGroundLabel: Record<RevocationGround, string> = {
  holder_request: '申请人申请撤销原登记',
  refusal_ground: '登记后发现有不予登记的情形',
  facts_untrue: '登记的事实与实际不符',
  duplicate: '重复登记',
};
export const revocationInitiatorLabel: Record<RevocationInitiator, string> = {
  holder: '著作权人申请',
  interested_party: '利害关系人申请',
  staff: '登记机关依职权',
};
export const revocationStatusLabel: Record<RevocationStatus, string> = {
  awaiting_answer: '待著作权人答复',
  under_review: '待审查决定',
  revoked: '已撤销登记',
  dismissed: '驳回撤销申请',
};
export const revocationDecisionLabel: Record<RevocationDecision, string> = { revoke: '撤销登记', dismiss: '驳回申请' };

/** Durations as Temporal duration strings; short ones in tests. */
export const RevocationTiming = z.object({
  /** The holder may answer within this many working days of being notified. */
  answerWorkingDays: z.number().int().positive().default(d.answerWorkingDays),
  /** Tests and drills only: a fixed answer deadline this long after the notice, instead of the calendar. */
  answerDeadlineAfter: z.string().optional(),
});
export type RevocationTiming = z.infer<typeof RevocationTiming>;

export const RevocationInput = z.object({
  revocationId: Id,
  filingId: Id,
  /** The registration's applicant: the holder's account, who is notified and may answer. */
  applicantId: Id,
  /** Who asked (the holder, the interested party or the staff member). */
  requesterId: Id,
  initiator: RevocationInitiator,
  ground: RevocationGround,
  region: z.string(),
  workType: WorkType,
  registrationNumber: z.string().optional(),
  timing: RevocationTiming.partial().optional(),
});
export type RevocationInput = z.infer<typeof RevocationInput>;

export const revocationWorkflowId = (revocationId: string) => `revocation-${revocationId}`;

// --- Messages (updates) --------------------------------------------------------------------

/** The holder answers (陈述意见) within the deadline; the statement is stored first, by id. */
export const AnswerUpdate = z.object({ actorId: Id, statementId: Id });
export type AnswerUpdate = z.infer<typeof AnswerUpdate>;

/** The decision (撤销 / 驳回) by staff with the role; the reasons are the stored statement. */
export const DecideUpdate = z.object({
  deciderId: Id,
  deciderRoles: z.array(Role),
  decision: RevocationDecision,
  ground: RevocationGround,
  statementId: Id,
});
export type DecideUpdate = z.infer<typeof DecideUpdate>;

export const RevocationState = z.object({
  revocationId: Id,
  filingId: Id,
  initiator: RevocationInitiator,
  ground: RevocationGround,
  status: RevocationStatus,
  statusSince: z.iso.datetime(),
  /** `holder-answer`, `decision`, `none`. */
  waitingOn: z.string(),
  answerDeadline: z.iso.datetime().optional(),
  /** The deadline passed without an answer. */
  answerLapsed: z.boolean().optional(),
  answer: z.object({ statementId: Id, at: z.iso.datetime() }).optional(),
  decision: z
    .object({
      decision: RevocationDecision,
      ground: RevocationGround,
      statementId: Id,
      deciderId: Id,
      decidedAt: z.iso.datetime(),
    })
    .optional(),
});
export type RevocationState = z.infer<typeof RevocationState>;

// --- Activities ----------------------------------------------------------------------------

/** The read model row (filing.revocations); idempotent and monotonic by `seq`. */
export const RevocationRecord = RevocationState.omit({ filingId: true, initiator: true }).extend({
  seq: z.number().int().nonnegative(),
});
export type RevocationRecord = z.infer<typeof RevocationRecord>;

export const RevocationNoticeKind = z.enum([
  'revocation_opened', // 撤销登记程序启动，请在期限内陈述意见（著作权人）
  'revocation_answered', // 著作权人已答复（审查人员）
  'revocation_decided', // 撤销决定或驳回（著作权人、申请人）
]);
export type RevocationNoticeKind = z.infer<typeof RevocationNoticeKind>;

export const RevocationNoticeInput = z.object({
  /** Deterministic per notice: a retry never records or sends twice. */
  noticeKey: z.string().min(1),
  kind: RevocationNoticeKind,
  revocationId: Id,
  filingId: Id,
  /** Who it is for: the holder's account, the requester's, or the staff desk (no account). */
  recipient: z.enum(['holder', 'requester', 'staff']),
});
export type RevocationNoticeInput = z.infer<typeof RevocationNoticeInput>;

/** A decision to revoke, as the registration's read model and the certificate record it. */
export interface RevokeRegistrationInput {
  revocationId: string;
  filingId: string;
  ground: RevocationGround;
  decidedAt: string;
}

/** Every activity the revocation workflow calls; each is idempotent. */
export interface RevocationActivities {
  // filing: the revocation's read model, the registration's mark, notices
  recordRevocation(input: RevocationRecord): Promise<void>;
  revokeRegistration(input: RevokeRegistrationInput): Promise<void>;
  sendRevocationNotice(input: RevocationNoticeInput): Promise<void>;
  // certificate: every valid edition becomes revoked (public verification shows it)
  revokeCertificate(input: RevokeRegistrationInput): Promise<void>;
}

// --- HTTP ------------------------------------------------------------------------------------

/** Text that Postgres stores: never a NUL character (it would refuse the row with a 500). */
const withoutNul = (s: z.ZodString, label: string) =>
  s.refine((v) => !v.includes(String.fromCharCode(0)), { error: `${label}不能含有空字符` });
const Statement = withoutNul(z.string().trim().min(1).max(2000), '陈述意见');

/**
 * 申请撤销登记: the holder (ground: holder_request), an interested party (another ground, with at
 * least one uploaded piece of evidence) or staff on their own motion (another ground). The caller's
 * relation to the registration decides which.
 */
export const RevocationRequestInput = z
  .object({
    registrationNumber: withoutNul(z.string().trim().min(8).max(40), '登记号'),
    ground: RevocationGround,
    statement: Statement,
    /** Uploads (POST /uploads/attachment) by the caller. */
    evidence: z.array(Id).max(20).default([]),
  })
  .meta({ id: 'RevocationRequestInput' });

/** 著作权人陈述意见 within the deadline, optionally with evidence. */
export const RevocationAnswerInput = z
  .object({ statement: Statement, evidence: z.array(Id).max(20).default([]) })
  .meta({ id: 'RevocationAnswerInput' });

/** 撤销 or 驳回, with the ground (default: the one requested) and reasons. */
export const RevocationDecisionInput = z
  .object({
    decision: RevocationDecision,
    ground: RevocationGround.optional(),
    reasons: z
      .array(withoutNul(z.string().trim().min(1).max(500), '理由'))
      .min(1)
      .max(20),
  })
  .meta({ id: 'RevocationDecisionInput' });

export const RevocationPath = z.object({ revocationId: Id });
export const RevocationEvidencePath = z.object({ revocationId: Id, uploadId: Id });

export const RevocationListQuery = PageQuery.extend({ status: RevocationStatus.optional() }).meta({
  id: 'RevocationListQuery',
});

export const RevocationView = z
  .object({
    revocationId: Id,
    filingId: Id,
    registrationNumber: z.string().optional(),
    title: z.string(),
    initiator: RevocationInitiator,
    ground: RevocationGround,
    status: RevocationStatus,
    statusSince: z.iso.datetime().optional(),
    /** The requester's account: staff only (the holder does not see who asked). */
    requesterId: Id.optional(),
    statement: z.string(),
    evidence: z.array(UploadRef),
    answerDeadline: z.iso.datetime().optional(),
    answerLapsed: z.boolean().optional(),
    answer: z.object({ statement: z.string(), evidence: z.array(UploadRef), answeredAt: z.iso.datetime() }).optional(),
    decision: z
      .object({
        decision: RevocationDecision,
        ground: RevocationGround,
        reasons: z.array(z.string()),
        decidedBy: Id,
        decidedAt: z.iso.datetime(),
      })
      .optional(),
    notices: z.array(z.object({ kind: RevocationNoticeKind, recipient: z.string(), at: z.iso.datetime() })).optional(),
    createdAt: z.iso.datetime(),
    workflowId: z.string(),
  })
  .meta({ id: 'RevocationView' });
export type RevocationView = z.infer<typeof RevocationView>;

export const RevocationPage = pageOf(RevocationView).meta({ id: 'RevocationPage' });
