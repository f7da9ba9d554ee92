import { z } from 'zod';
import { Id, PageQuery, pageOf, Role } from './common';
import { Author, Holder, Right, UploadRef } from './filing';
import { WorkType } from './registration';
import { serviceRequestTimingDefaults as d } from './service-request-defaults';

/**
 * 其他登记服务: requests about a certified registration, each a long-lived workflow of its own
 * (serviceRequestWorkflowId), linked to the registration and never overwriting it:
 * - change (变更或补充登记): the holder corrects or adds facts; every holder of the registration
 *   confirms in order; initial then final review; a new certificate edition with the same number
 *   renders from the request's own record of the changed facts.
 * - reissue (补证 lost / 换证 damaged): review; a new edition with the same number.
 * - transfer (著作权转让合同备案) / licence (专有许可合同备案): the assignor (each current holder,
 *   in order) then the assignee confirm; the contract PDF is uploaded; review; a filing record
 *   with its own number and a 备案证明 PDF; after a transfer the registry shows the new holder.
 * Workflow history carries identifiers only: facts, parties and reasons live in Postgres.
 */

export const ServiceRequestKind = z.enum(['change', 'reissue', 'transfer', 'licence']);
export type ServiceRequestKind = z.infer<typeof ServiceRequestKind>;

export const ServiceRequestStatus = z.enum([
  'draft', // 待提交（暂存，流程未启动）
  'awaiting_confirmations', // 待签章：当事人依次确认
  'initial_review', // 待初审
  'final_review', // 待终审
  'returned', // 退回修改：待申请人修改后重新提交
  'completed', // 已办结：已发新版证书或备案证明
  'refused', // 已办结：不予办理
  'withdrawn', // 已办结：申请人撤回
  'expired', // 已办结：补正期限内未重新提交，视为撤回
]);
export type ServiceRequestStatus = z.infer<typeof ServiceRequestStatus>;

/** The applicant's lists (待提交, 待签章, 审核中, 已办结), each a set of statuses. */
export const ServiceRequestListName = z.enum(['to_submit', 'to_sign', 'in_review', 'done']);
export type ServiceRequestListName = z.infer<typeof ServiceRequestListName>;
export const serviceRequestListStatuses: Record<ServiceRequestListName, ServiceRequestStatus[]> = {
  to_submit: ['draft', 'returned'],
  to_sign: ['awaiting_confirmations'],
  in_review: ['initial_review', 'final_review'],
  done: ['completed', 'refused', 'withdrawn', 'expired'],
};

/** 变更 (correct registered facts) or 补充 (add facts missing from the registration). */
export const ChangeMode = z.enum(['change', 'supplement']);
export type ChangeMode = z.infer<typeof ChangeMode>;
export const ReissueReason = z.enum(['lost', 'damaged']); // 补证：遗失 / 换证：损坏
export type ReissueReason = z.infer<typeof ReissueReason>;
/**
 * Whose confirmation: a holder of the registration (change), a holder a change of holders adds
 * (new_holder, who consents after the registered ones), the assignor (转让方/许可方), the assignee
 * (受让方/被许可方).
 */
export const PartyRole = z.enum(['holder', 'new_holder', 'assignor', 'assignee']);
export type PartyRole = z.infer<typeof PartyRole>;
export const ServiceReviewStage = z.enum(['initial', 'final']);
export type ServiceReviewStage = z.infer<typeof ServiceReviewStage>;
/** 通过, 不予办理, or 退回修改 (the applicant corrects and resubmits within the reply deadline). */
export const ServiceDecision = z.enum(['approve', 'refuse', 'return']);
export type ServiceDecision = z.infer<typeof ServiceDecision>;

/** Why a request ended without a reviewer's refusal: the registration was revoked before its outcome. */
export const ServiceClosedReason = z.enum(['registration_revoked']);
export type ServiceClosedReason = z.infer<typeof ServiceClosedReason>;

// --- Labels (zh, en) ---------------------------------------------------------------------------

export const serviceRequestKindLabel: Record<ServiceRequestKind, string> = {
  change: '变更或补充登记',
  reissue: '补证/换证',
  transfer: '著作权转让合同备案',
  licence: '专有许可合同备案',
};
export const serviceRequestKindLabelEn: Record<ServiceRequestKind, string> = {
  change: 'Change or supplementary registration',
  reissue: 'Certificate reissue or replacement',
  transfer: 'Filing of a copyright transfer contract',
  licence: 'Filing of an exclusive licence contract',
};
export const serviceRequestStatusLabel: Record<ServiceRequestStatus, string> = {
  draft: '待提交',
  awaiting_confirmations: '待签章',
  initial_review: '待初审',
  final_review: '待终审',
  returned: '退回修改',
  completed: '已办结',
  refused: '不予办理',
  withdrawn: '已撤回',
  expired: '视为撤回',
};
export const serviceRequestStatusLabelEn: Record<ServiceRequestStatus, string> = {
  draft: 'Not submitted',
  awaiting_confirmations: 'Awaiting signatures',
  initial_review: 'Awaiting initial review',
  final_review: 'Awaiting final review',
  returned: 'Returned for correction',
  completed: 'Completed',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
  expired: 'Deemed withdrawn (not resubmitted in time)',
};
export const serviceRequestListLabel: Record<ServiceRequestListName, string> = {
  to_submit: '待提交',
  to_sign: '待签章',
  in_review: '审核中',
  done: '已办结',
};
export const serviceRequestListLabelEn: Record<ServiceRequestListName, string> = {
  to_submit: 'To submit',
  to_sign: 'To sign',
  in_review: 'Under review',
  done: 'Completed',
};
export const changeModeLabel: Record<ChangeMode, string> = { change: '变更登记', supplement: '补充登记' };
export const changeModeLabelEn: Record<ChangeMode, string> = {
  change: 'Change of registered facts',
  supplement: 'Supplement to registered facts',
};
export const reissueReasonLabel: Record<ReissueReason, string> = {
  lost: '证书遗失（补证）',
  damaged: '证书损坏（换证）',
};
export const reissueReasonLabelEn: Record<ReissueReason, string> = {
  lost: 'Certificate lost (reissue)',
  damaged: 'Certificate damaged (replacement)',
};
export const serviceClosedReasonLabel: Record<ServiceClosedReason, string> = {
  registration_revoked: '该登记已被撤销，申请不予办理',
};
export const serviceClosedReasonLabelEn: Record<ServiceClosedReason, string> = {
  registration_revoked: 'The registration was revoked; the request is refused',
};
export const partyRoleLabel: Record<PartyRole, string> = {
  holder: '著作权人',
  new_holder: '新增著作权人',
  assignor: '转让方/许可方',
  assignee: '受让方/被许可方',
};
export const partyRoleLabelEn: Record<PartyRole, string> = {
  holder: 'Copyright holder',
  new_holder: 'New copyright holder',
  assignor: 'Assignor / licensor',
  assignee: 'Assignee / licensee',
};
export const serviceDecisionLabel: Record<ServiceDecision, string> = {
  approve: '通过',
  refuse: '不予办理',
  return: '退回修改',
};
export const serviceDecisionLabelEn: Record<ServiceDecision, string> = {
  approve: 'Approve',
  refuse: 'Refuse',
  return: 'Return for correction',
};

// --- Timing, workflow input and messages ------------------------------------------------------

export const ServiceRequestTiming = z.object({
  /** Each review stage is due within this many working days of entering it (flagged overdue after). */
  reviewWorkingDays: z.number().int().positive().default(d.reviewWorkingDays),
  /** Tests and drills only: a fixed review deadline this long after entering review, instead of the calendar. */
  reviewDeadlineAfter: z.string().optional(),
  /** 退回修改: the applicant resubmits within this long (a duration such as '30 days'), else 视为撤回. */
  returnReplyDeadline: z.string().default(d.returnReplyDeadline),
});
export type ServiceRequestTiming = z.infer<typeof ServiceRequestTiming>;

export const ServiceRequestInput = z.object({
  requestId: Id,
  kind: ServiceRequestKind,
  filingId: Id,
  /** The registration's applicant (the holder's account), who filed the request. */
  applicantId: Id,
  /** How many parties confirm, in order (0 for a reissue). Who they are stays in Postgres. */
  partyCount: z.number().int().nonnegative(),
  region: z.string(),
  workType: WorkType,
  registrationNumber: z.string(),
  timing: ServiceRequestTiming.partial().optional(),
});
export type ServiceRequestInput = z.infer<typeof ServiceRequestInput>;

export const serviceRequestWorkflowId = (requestId: string) => `service-request-${requestId}`;

/** A party confirms (签章确认); the service matched the caller's verified identity to party `seq` first. */
export const ConfirmPartyUpdate = z.object({ actorId: Id, seq: z.number().int().nonnegative() });
export type ConfirmPartyUpdate = z.infer<typeof ConfirmPartyUpdate>;

/** A review decision; the reasons are the stored statement. */
export const ServiceDecideUpdate = z.object({
  deciderId: Id,
  deciderRoles: z.array(Role),
  stage: ServiceReviewStage,
  decision: ServiceDecision,
  statementId: Id,
});
export type ServiceDecideUpdate = z.infer<typeof ServiceDecideUpdate>;

export const WithdrawServiceRequestUpdate = z.object({ actorId: Id });

/**
 * 重新提交 after 退回修改. The service stored the corrected request and its parties first; they
 * confirm again, in order, when what they confirmed or who they are changed (reconfirm); else the
 * request goes back to initial review.
 */
export const ResubmitServiceRequestUpdate = z.object({
  actorId: Id,
  partyCount: z.number().int().nonnegative(),
  reconfirm: z.boolean(),
});
export type ResubmitServiceRequestUpdate = z.infer<typeof ResubmitServiceRequestUpdate>;
export type WithdrawServiceRequestUpdate = z.infer<typeof WithdrawServiceRequestUpdate>;

/** What completing the request produced: a certificate edition, or a filing record (备案号). */
export const ServiceOutcome = z.object({
  registrationNumber: z.string(),
  edition: z.number().int().positive().optional(),
  recordNumber: z.string().optional(),
  completedAt: z.iso.datetime(),
});
export type ServiceOutcome = z.infer<typeof ServiceOutcome>;

export const ServiceRequestState = z.object({
  requestId: Id,
  kind: ServiceRequestKind,
  status: ServiceRequestStatus,
  statusSince: z.iso.datetime(),
  /** `party:N`, `initial-review`, `final-review`, `none`. */
  waitingOn: z.string(),
  confirmed: z.number().int().nonnegative(),
  partyCount: z.number().int().nonnegative(),
  reviewDeadline: z.iso.datetime().optional(),
  /** 退回修改: resubmit by then, or the request is deemed withdrawn (expired). */
  returnReplyDeadline: z.iso.datetime().optional(),
  decisions: z.array(
    z.object({
      stage: ServiceReviewStage,
      decision: ServiceDecision,
      deciderId: Id,
      statementId: Id,
      decidedAt: z.iso.datetime(),
    }),
  ),
  outcome: ServiceOutcome.optional(),
  /** Set when the request was refused because the registration was revoked meanwhile. */
  closedReason: ServiceClosedReason.optional(),
});
export type ServiceRequestState = z.infer<typeof ServiceRequestState>;

// --- Activities --------------------------------------------------------------------------------

/** The read model row (filing.service_requests); idempotent and monotonic by `seq`. */
export const ServiceRequestRecord = ServiceRequestState.extend({ seq: z.number().int().nonnegative() });
export type ServiceRequestRecord = z.infer<typeof ServiceRequestRecord>;

export const ServiceNoticeKind = z.enum([
  'service_request_to_confirm', // 请您签章确认（当事人）
  'service_request_submitted', // 已提交审核（工作人员）
  'service_request_decided', // 已办结 / 不予办理（申请人）
  'service_request_returned', // 退回修改，附理由与补正期限（申请人）
  'service_request_expired', // 补正期限已过，视为撤回（申请人）
]);
export type ServiceNoticeKind = z.infer<typeof ServiceNoticeKind>;

export const ServiceNoticeInput = z.object({
  /** Deterministic per notice: a retry never records or mails twice. */
  noticeKey: z.string().min(1),
  kind: ServiceNoticeKind,
  requestId: Id,
  /** The applicant, party `seq`, or the staff desk. */
  recipient: z.enum(['applicant', 'party', 'staff']),
  seq: z.number().int().nonnegative().optional(),
});
export type ServiceNoticeInput = z.infer<typeof ServiceNoticeInput>;

export interface CompleteServiceRequestInput {
  requestId: string;
  /** The final reviewer who approved: the operator the edition or record names. */
  operatorId: string;
  completedAt: string;
}

/** Every activity the service-request workflow calls; each is idempotent. */
export interface ServiceRequestActivities {
  recordServiceRequest(input: ServiceRequestRecord): Promise<void>;
  sendServiceNotice(input: ServiceNoticeInput): Promise<void>;
  /** Certificate side: the new edition (change, reissue) or the filing record and its 备案证明 (transfer, licence). */
  completeServiceRequest(input: CompleteServiceRequestInput): Promise<ServiceOutcome>;
  /** Filing side: after a transfer, the registration's current holders are the assignee (registry). */
  applyServiceOutcome(input: CompleteServiceRequestInput): Promise<void>;
}

// --- HTTP --------------------------------------------------------------------------------------

const withoutNul = (s: z.ZodString, label: string) =>
  s.refine((v) => !v.includes(String.fromCharCode(0)), { error: `${label}不能含有空字符` });
const Statement = withoutNul(z.string().trim().min(1).max(2000), '申请说明');

/** The facts a change or supplement sets; what is absent stays as registered. */
export const ChangedFacts = z
  .object({
    title: withoutNul(z.string().trim().min(1).max(200), '作品名称'),
    authors: z.array(Author).min(1).max(50),
    holders: z.array(Holder).min(1).max(20),
    completedOn: z.iso.date(),
    published: z.boolean(),
    firstPublishedOn: z.iso.date(),
    firstPublishedPlace: withoutNul(z.string().trim().min(1).max(200), '首次发表地点'),
  })
  .partial()
  .refine((c) => Object.keys(c).length > 0, { error: '请至少填写一项变更或补充的内容' })
  .meta({ id: 'ChangedFacts' });
export type ChangedFacts = z.infer<typeof ChangedFacts>;

/** The contract of a transfer or exclusive licence (合同备案). */
export const ContractFacts = z
  .object({
    /** The other party: 受让方 (transfer) or 被许可方 (licence). */
    counterparty: Holder,
    /** The contract PDF, uploaded first (POST /uploads/attachment). */
    contractUploadId: Id,
    signedOn: z.iso.date(), // 合同签订日期
    rights: z.array(Right).min(1).max(17), // 转让或许可的权利
    /** 许可期限 (licence only): from and to, both included. */
    termFrom: z.iso.date().optional(),
    termTo: z.iso.date().optional(),
  })
  .meta({ id: 'ContractFacts' });
export type ContractFacts = z.infer<typeof ContractFacts>;

/**
 * A change of holders: each holder once (by ID), and proof of how the rights changed hands, since
 * the registration's holders alone cannot show it.
 */
function changeOfHoldersIssues(changes: ChangedFacts, proofs: string[], ctx: z.RefinementCtx): void {
  if (!changes.holders) return;
  const ids = changes.holders.map((h) => `${h.idType}:${h.idNumber.trim().toUpperCase()}`);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) < i) {
      ctx.addIssue({ code: 'custom', path: ['changes', 'holders', i, 'idNumber'], message: '著作权人不能重复填写' });
    }
  });
  if (!proofs.length) {
    ctx.addIssue({ code: 'custom', path: ['proofUploadIds'], message: '变更著作权人须上传权属变更证明' });
  }
}

const common = {
  /** The certified registration (the applicant's own). */
  filingId: Id,
  statement: Statement,
  /** false: keep as a draft (待提交) and submit later. */
  submit: z.boolean().default(true),
};

export const ServiceRequestCreateInput = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('change'),
      mode: ChangeMode,
      changes: ChangedFacts,
      /** 权属变更证明 (e.g. inheritance, a contract, a merger), uploaded first; needed when the holders change. */
      proofUploadIds: z.array(Id).max(10).default([]),
      ...common,
    }),
    z.object({ kind: z.literal('reissue'), reason: ReissueReason, ...common }),
    z.object({ kind: z.literal('transfer'), contract: ContractFacts, ...common }),
    z.object({ kind: z.literal('licence'), contract: ContractFacts, ...common }),
  ])
  .superRefine((b, ctx) => {
    if (b.kind === 'change') return changeOfHoldersIssues(b.changes, b.proofUploadIds, ctx);
    if (b.kind !== 'licence') return;
    const { termFrom, termTo } = b.contract;
    if (!termFrom || !termTo) {
      ctx.addIssue({ code: 'custom', path: ['contract', 'termTo'], message: '专有许可合同备案请填写许可期限' });
    } else if (termTo < termFrom) {
      ctx.addIssue({ code: 'custom', path: ['contract', 'termTo'], message: '许可期限的结束日期不能早于开始日期' });
    }
  })
  .meta({ id: 'ServiceRequestCreateInput' });
export type ServiceRequestCreateInput = z.infer<typeof ServiceRequestCreateInput>;

export const ServiceRequestDecisionInput = z
  .object({
    decision: ServiceDecision,
    reasons: z
      .array(withoutNul(z.string().trim().min(1).max(500), '理由'))
      .max(20)
      .default([]),
  })
  .refine((b) => b.decision === 'approve' || b.reasons.length > 0, {
    error: '不予办理或退回修改须写明理由',
    path: ['reasons'],
  })
  .meta({ id: 'ServiceRequestDecisionInput' });

export const ServiceRequestPath = z.object({ requestId: Id });
export const ServiceRequestProofPath = z.object({ requestId: Id, uploadId: Id });
export const RegisteredHoldersPath = z.object({ filingId: Id });
/** The registration's holders now (after any change or transfer), which a change of holders edits. */
export const RegisteredHolders = z.object({ holders: z.array(Holder) }).meta({ id: 'RegisteredHolders' });
export const ServiceRequestReviewPath = z.object({ requestId: Id, stage: ServiceReviewStage });

export const ServiceRequestListQuery = PageQuery.extend({
  list: ServiceRequestListName.optional(),
  kind: ServiceRequestKind.optional(),
}).meta({ id: 'ServiceRequestListQuery' });

/** 审核队列: initial or final stage, by role; regional staff see their region only. */
export const ServiceRequestQueueQuery = PageQuery.extend({
  stage: ServiceReviewStage,
  kind: ServiceRequestKind.optional(),
}).meta({ id: 'ServiceRequestQueueQuery' });

/** What the row offers, decided by the status and who looks. */
export const ServiceRequestAction = z.enum([
  'view',
  'submit',
  'confirm',
  'withdraw',
  'review',
  'download_record',
  'resubmit', // 修改后重新提交（退回修改）
]);

export const ServiceRequestListItem = z
  .object({
    requestId: Id,
    kind: ServiceRequestKind,
    filingId: Id,
    registrationNumber: z.string(),
    title: z.string(),
    status: ServiceRequestStatus,
    list: ServiceRequestListName,
    statusSince: z.iso.datetime().optional(),
    /** When it was submitted (the workflow started). */
    appliedAt: z.iso.datetime().optional(),
    reviewDeadline: z.iso.datetime().optional(),
    returnReplyDeadline: z.iso.datetime().optional(),
    actions: z.array(ServiceRequestAction),
  })
  .meta({ id: 'ServiceRequestListItem' });
export type ServiceRequestListItem = z.infer<typeof ServiceRequestListItem>;
export const ServiceRequestPage = pageOf(ServiceRequestListItem).meta({ id: 'ServiceRequestPage' });

/** A party as the request shows it: the name, never the ID number. */
export const ServiceParty = z.object({
  seq: z.number().int().nonnegative(),
  role: PartyRole,
  name: z.string(),
  /** The party whose confirmation is awaited now. */
  current: z.boolean(),
  confirmedAt: z.iso.datetime().optional(),
});

export const ServiceRequestView = ServiceRequestListItem.extend({
  applicantId: Id,
  statement: z.string(),
  mode: ChangeMode.optional(),
  reason: ReissueReason.optional(),
  changes: ChangedFacts.optional(),
  contract: ContractFacts.omit({ counterparty: true, contractUploadId: true })
    .extend({
      counterpartyName: z.string(),
      /** The other party as the applicant entered it (with the ID number): to the applicant alone, while the request is theirs to correct (待提交, 退回修改). */
      counterparty: Holder.optional(),
      contractFile: UploadRef,
    })
    .optional(),
  parties: z.array(ServiceParty),
  /** The holders registered when the request was made (names), beside a change's new ones for review. */
  registeredHolders: z.array(z.string()),
  /** 权属变更证明 of a change of holders. */
  proofs: z.array(UploadRef).optional(),
  decisions: z.array(
    z.object({
      stage: ServiceReviewStage,
      decision: ServiceDecision,
      reasons: z.array(z.string()),
      decidedBy: Id,
      decidedAt: z.iso.datetime(),
    }),
  ),
  outcome: ServiceOutcome.optional(),
  closedReason: ServiceClosedReason.optional(),
  /** The office's fee for this kind (yuan); 0 means no payment step. */
  fee: z.number().nonnegative(),
  notices: z.array(z.object({ kind: ServiceNoticeKind, at: z.iso.datetime() })).optional(),
  createdAt: z.iso.datetime(),
  workflowId: z.string(),
}).meta({ id: 'ServiceRequestView' });
export type ServiceRequestView = z.infer<typeof ServiceRequestView>;

/** The 备案证明 (or a contract file) as a short-lived download link. */
export const ServiceRequestDownload = z
  .object({ url: z.url(), expiresInSeconds: z.number().int() })
  .meta({ id: 'ServiceRequestDownload' });
