import { z } from 'zod';
import { DeliveryResult } from './certificate';
import { Id, PageQuery, pageOf } from './common';
import { addIdNumberIssue, organisationIdTypes, personalIdTypes } from './id-numbers';
import { FilingStatus, ReviewDecision, ReviewStage, WorkType } from './registration';
import { JurisdictionResult, PossibleDuplicate } from './review-checks';

/**
 * The filing form (作品填报). A draft (暂存) may be incomplete; each submission freezes a
 * complete, validated snapshot (a filing version) that the form and certificate are made from.
 * The filing service owns these rules; cross-field rules live beside the schemas here.
 */

/** ID document types (证件类型). */
export const IdType = z.enum([
  'resident_id', // 居民身份证
  'passport', // 护照
  'hk_macao_pass', // 港澳居民来往内地通行证
  'taiwan_pass', // 台湾居民来往大陆通行证
  'foreign_permanent_resident', // 外国人永久居留身份证
  'uscc', // 统一社会信用代码
  'other_org', // 其他组织证件
]);
export type IdType = z.infer<typeof IdType>;

export const CreationNature = z.enum([
  'original',
  'adaptation',
  'translation',
  'compilation',
  'annotation',
  'arrangement',
  'other',
]); // 原创 改编 翻译 汇编 注释 整理 其他
export const OwnershipMode = z.enum(['individual', 'joint', 'employment', 'corporate', 'commissioned', 'other']); // 个人 合作 职务 法人 委托 其他
export const AcquisitionMode = z.enum(['original', 'inherited', 'assumed', 'other']); // 原始 继承 承受 其他
/** The 17 rights (权利拥有状况：部分) in the order of the form. */
export const Right = z.enum([
  'publication', // 发表权
  'attribution', // 署名权
  'modification', // 修改权
  'integrity', // 保护作品完整权
  'reproduction', // 复制权
  'distribution', // 发行权
  'rental', // 出租权
  'exhibition', // 展览权
  'performance', // 表演权
  'projection', // 放映权
  'broadcast', // 广播权
  'network', // 信息网络传播权
  'filming', // 摄制权
  'adaptation', // 改编权
  'translation', // 翻译权
  'compilation', // 汇编权
  'other', // 其他
]);

/** A stored upload as the form refers to it; the bytes stay in MinIO. */
export const UploadRef = z.object({
  uploadId: Id,
  name: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  mime: z.string(),
});
export type UploadRef = z.infer<typeof UploadRef>;

/** A copyright holder (著作权人). For a minor, idNumber is the parent's (who signs), with the relation. */
export const Holder = z
  .object({
    holderType: z.enum(['individual', 'organisation']),
    name: z.string().min(1).max(100),
    idType: IdType,
    idNumber: z.string().min(1).max(40),
    handler: z.string().max(50).optional(), // 经办人
    region: z.string().min(2).max(12), // 所在区域 (行政区划代码)
    guardian: z.object({ relation: z.enum(['father', 'mother', 'guardian']) }).optional(),
  })
  .superRefine((h, ctx) => {
    const fits = h.holderType === 'individual' ? personalIdTypes : organisationIdTypes;
    if (!fits.includes(h.idType)) {
      ctx.addIssue({
        code: 'custom',
        path: ['idType'],
        message:
          h.holderType === 'individual'
            ? '个人著作权人请选择个人证件类型'
            : '单位著作权人请选择统一社会信用代码或其他组织证件',
      });
      return;
    }
    addIdNumberIssue(ctx, h.idType, h.idNumber);
    // A minor signs through a parent: the ID number given is the parent's resident ID (manual, 电子签章常见问题).
    if (h.guardian && (h.holderType !== 'individual' || h.idType !== 'resident_id')) {
      ctx.addIssue({
        code: 'custom',
        path: ['guardian'],
        message: '未成年人的监护人信息仅适用于个人著作权人，证件号填写家长的居民身份证号',
      });
    }
  });
export type Holder = z.infer<typeof Holder>;

export const Author = z.object({ name: z.string().min(1).max(100), signature: z.string().max(100).optional() }); // 署名
export const Writer = z
  .object({
    name: z.string().min(1).max(100),
    idType: IdType,
    idNumber: z.string().min(1).max(40),
  })
  .superRefine((w, ctx) => {
    if (!personalIdTypes.includes(w.idType)) {
      ctx.addIssue({ code: 'custom', path: ['idType'], message: '执笔者为个人，请选择个人证件类型' });
      return;
    }
    addIdNumberIssue(ctx, w.idType, w.idNumber);
  }); // 执笔者

/** Everything the form holds. Drafts use `.partial()`; a submission must pass the complete schema. */
export const FilingContent = z.object({
  title: z.string().min(1).max(200),
  workType: WorkType,
  creationNature: CreationNature,
  completedOn: z.iso.date(),
  published: z.boolean(),
  firstPublishedOn: z.iso.date().optional(),
  firstPublishedPlace: z.string().max(200).optional(),
  ownershipMode: OwnershipMode,
  acquisitionMode: AcquisitionMode,
  rightsScope: z.enum(['all', 'partial']),
  rights: z.array(Right).default([]),
  description: z.string().min(1).max(5000), // 作品简介及创意
  creationProcess: z.string().min(1).max(5000), // 创作经过及意图
  // Caps keep one filing's signing round, documents and review page within reason.
  samples: z.array(UploadRef).max(50).default([]),
  attachments: z.array(UploadRef).max(20).default([]),
  holders: z.array(Holder).max(20).default([]),
  authors: z.array(Author).max(50).default([]),
  writer: Writer.optional(),
  invoiceEmail: z.email(),
  certificateDelivery: z.enum(['mail', 'pickup']), // 邮寄 / 自领
});
export type FilingContent = z.infer<typeof FilingContent>;

/** A frozen version: the exact content that was signed, and the signer order derived from it. */
export const FilingSnapshot = z.object({
  filingId: Id,
  versionNo: z.number().int().positive(),
  applicantId: Id,
  /** The applicant's serial number shown in lists (流水号). */
  serialNo: z.string(),
  region: z.string(),
  content: FilingContent,
  /** In signing order: each holder, then the writer where the ownership mode needs one. */
  signers: z.array(
    z.object({
      signerId: Id,
      kind: z.enum(['holder', 'writer']),
      name: z.string(),
      idType: IdType,
      idNumber: z.string(),
    }),
  ),
  frozenAt: z.iso.datetime(),
});
export type FilingSnapshot = z.infer<typeof FilingSnapshot>;

// --- Drafts, cross-field rules ------------------------------------------------------------

/** A draft (暂存): any field may be missing, but what is there must be well-formed. */
export const DraftContent = FilingContent.partial().meta({ id: 'DraftContent' });
export type DraftContent = z.infer<typeof DraftContent>;

/** The manual's guidance for 作品简介 per work type, shown beside the field. */
export const workTypeGuidance: Record<WorkType, string> = {
  written: '文字作品需说明文章字数、内容概要。',
  oral: '口述作品需说明口述的场合、时长和内容概要。',
  music: '音乐作品需说明曲调节拍、歌曲含义。',
  drama: '戏剧作品需说明剧情梗概、主要人物和表演形式。',
  quyi: '曲艺作品需说明曲种、内容概要和表演形式。',
  dance: '舞蹈作品需说明动作编排、表现的情感和内容。',
  acrobatics: '杂技艺术作品需说明动作设计、表现形式。',
  fine_art: '美术作品需说明主要元素、构成方式。',
  photography: '摄影作品需说明摄影内容、摄影参数。',
  architecture: '建筑作品需说明设计理念、造型特点。',
  film: '视听作品需说明时长、剧情或内容概要。',
  graphic: '图形作品需说明图形的用途、主要构成。',
  model: '模型作品需说明比例、材质和表现对象。',
  other: '请说明作品的表现形式和主要内容。',
};

export interface FieldProblem {
  field: string;
  message: string;
}

const todayIso = (today: Date) => today.toISOString().slice(0, 10);

/**
 * The rules between fields of 作品填报, each with the field it belongs to. A draft is checked
 * only where the fields are present; a submission (`complete`) also needs everything required.
 */
export function filingProblems(c: DraftContent, opts: { complete: boolean; today?: Date }): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  const today = todayIso(opts.today ?? new Date());

  if (c.completedOn && c.completedOn > today) add('completedOn', '创作完成日期不能晚于今天');
  if (c.published === true) {
    if (!c.firstPublishedOn && opts.complete) add('firstPublishedOn', '已发表作品请填写首次发表日期');
    if (!c.firstPublishedPlace && opts.complete) add('firstPublishedPlace', '已发表作品请填写首次发表地点');
  } else if (c.published === false) {
    if (c.firstPublishedOn) add('firstPublishedOn', '未发表作品不填写首次发表日期');
    if (c.firstPublishedPlace) add('firstPublishedPlace', '未发表作品不填写首次发表地点');
  }
  if (c.firstPublishedOn) {
    if (c.firstPublishedOn > today) add('firstPublishedOn', '首次发表日期不能晚于今天');
    else if (c.completedOn && c.firstPublishedOn < c.completedOn)
      add('firstPublishedOn', '首次发表日期不能早于创作完成日期');
  }
  if (c.rightsScope === 'partial' && (c.rights?.length ?? 0) === 0 && opts.complete) {
    add('rights', '权利拥有状况为“部分”时，请至少选择一项权利');
  }
  if (c.rightsScope === 'all' && (c.rights?.length ?? 0) > 0) add('rights', '权利拥有状况为“全部”时不选择具体权利');

  const holders = c.holders ?? [];
  const authors = c.authors ?? [];
  const mode = c.ownershipMode;
  if (mode === 'joint' && opts.complete && authors.length < 2) add('authors', '合作作品须填写两位或以上作者');
  if (mode === 'corporate') {
    if (holders.some((h) => h.holderType !== 'organisation')) {
      add('holders', '法人作品的著作权人应为单位（法人或非法人组织）');
    }
    if (!c.writer && opts.complete) add('writer', '法人作品须填写执笔者');
  } else if (c.writer) {
    add('writer', '仅法人作品需填写执笔者，请删除执笔者信息');
  }
  if (mode === 'individual' && holders.some((h) => h.holderType !== 'individual')) {
    add('holders', '个人作品的著作权人应为个人');
  }
  if (mode === 'employment') {
    // 职务作品: the authors are the employees who created it, never the organisation.
    const orgNames = new Set(holders.filter((h) => h.holderType === 'organisation').map((h) => h.name));
    authors.forEach((a, i) => {
      if (orgNames.has(a.name)) add(`authors.${i}.name`, '职务作品的作者为参与创作的职员个人，请填写职员姓名');
    });
    if (opts.complete && authors.length === 0) add('authors', '职务作品须填写参与创作的职员作者');
  }
  const seen = new Set<string>();
  holders.forEach((h, i) => {
    const key = `${h.idType}:${h.idNumber}`;
    if (seen.has(key)) add(`holders.${i}.idNumber`, '同一著作权人不能重复添加');
    seen.add(key);
  });

  if (opts.complete) {
    const required: [keyof DraftContent, string][] = [
      ['title', '请填写作品名称'],
      ['workType', '请选择作品类别'],
      ['creationNature', '请选择作品创作性质'],
      ['completedOn', '请填写创作/制作完成日期'],
      ['published', '请选择发表状态'],
      ['ownershipMode', '请选择权利归属方式'],
      ['acquisitionMode', '请选择权利取得方式'],
      ['rightsScope', '请选择权利拥有状况'],
      ['description', '请填写作品简介及创意'],
      ['creationProcess', '请填写创作经过及意图'],
      ['invoiceEmail', '请填写电子发票接收邮箱'],
      ['certificateDelivery', '请选择纸质证书发放方式'],
    ];
    for (const [field, message] of required) if (c[field] === undefined || c[field] === '') add(field, message);
    if (holders.length === 0) add('holders', '请至少添加一位著作权人');
    if (authors.length === 0 && !out.some((p) => p.field === 'authors')) add('authors', '请至少添加一位作者');
    if ((c.samples ?? []).length === 0) add('samples', '请上传作品样本');
  }
  return out;
}

/**
 * Changing 权利归属方式 after holders were added: the manual asks that mismatching holders (or the
 * writer) be removed first, then the mode changed.
 */
export function ownershipChangeProblem(before: DraftContent, after: DraftContent): FieldProblem | undefined {
  if (!before.ownershipMode || !after.ownershipMode || before.ownershipMode === after.ownershipMode) return undefined;
  const mismatched = filingProblems({ ...after, holders: after.holders ?? [] }, { complete: false }).some(
    (p) => p.field === 'holders' || p.field === 'writer',
  );
  return mismatched
    ? {
        field: 'ownershipMode',
        message: '修改权利归属方式前，请先删除有误或多余的单位或个人信息，再重新选择权利归属方式',
      }
    : undefined;
}

// --- HTTP bodies ---------------------------------------------------------------------------

export const DraftInput = z.object({ content: DraftContent }).meta({ id: 'DraftInput' });
/** 提交并电子签章: optionally with the edited content (修改 while signing saves and freezes it at once). */
export const SubmissionInput = z.object({ content: DraftContent.optional() }).meta({ id: 'SubmissionInput' });

/** The lists of the manual (用户 / 我的作品), each a set of statuses. */
export const ListName = z.enum([
  'to_submit', // 待提交作品（含初审退回作品）
  'to_sign', // 待签章作品
  'to_pay', // 待缴费作品
  'all', // 作品列表
  'initial_review', // 已提交作品 > 待初审作品
  'final_review', // 已提交作品 > 待终审作品
  'certified', // 已发证作品
  'other', // 其他
]);
export type ListName = z.infer<typeof ListName>;

export const listStatuses: Record<Exclude<ListName, 'all'>, FilingStatus[]> = {
  to_submit: ['draft', 'returned'],
  to_sign: ['awaiting_signatures', 'awaiting_submission'],
  to_pay: ['awaiting_payment', 'payment_verifying'],
  initial_review: ['initial_review'],
  final_review: ['final_review'],
  certified: ['certified', 'delivered'],
  other: ['refused', 'withdrawn', 'expired', 'revoked'],
};

export const FilingListQuery = PageQuery.extend({
  list: ListName.default('all'),
  /** 标题: search by work title (prefix or part of it). */
  title: z.string().trim().max(100).optional(),
}).meta({ id: 'FilingListQuery' });

/**
 * 审核队列 (待初审 / 待终审) filters: title, work type, overdue only (办结期限 passed) and the
 * applied-date range (申请日期, China time, both ends included).
 */
/** 申请日期 in a filter; the years before the platform match nothing (and year 0 is no date to Postgres). */
const AppliedDate = z.iso
  .date({ error: '申请日期应为 YYYY-MM-DD' })
  .refine((d) => d >= '2000-01-01', { error: '申请日期不能早于 2000-01-01' });

export const ReviewQueueQuery = PageQuery.extend({
  title: z.string().trim().max(100).optional(),
  workType: z.enum(WorkType.options, { error: '作品类别不正确' }).optional(),
  overdue: z.enum(['true', 'false'], { error: '是否逾期应为 true 或 false' }).optional(),
  appliedFrom: AppliedDate.optional(),
  appliedTo: AppliedDate.optional(),
})
  .refine((q) => !q.appliedFrom || !q.appliedTo || q.appliedFrom <= q.appliedTo, {
    message: '申请日期的结束日期不能早于开始日期',
    path: ['appliedTo'],
  })
  .meta({ id: 'ReviewQueueQuery' });
export type ReviewQueueQuery = z.infer<typeof ReviewQueueQuery>;

/** What the row offers (操作 column), decided by the status. */
export const FilingAction = z.enum(['edit', 'delete', 'sign', 'submit', 'view_form', 'pay', 'withdraw', 'view']);

export const FilingListItem = z
  .object({
    filingId: Id,
    serialNo: z.string(), // 流水号
    title: z.string(), // 作品名
    workType: WorkType.optional(),
    status: FilingStatus, // 状态
    remark: z.string().optional(), // 备注 (e.g. the reviewer's reasons for 退回修改)
    appliedAt: z.iso.datetime().optional(), // 申请日期 (first 提交并电子签章)
    holders: z.string(), // 著作权人
    authors: z.string(), // 作者
    region: z.string().optional(),
    registrationNumber: z.string().optional(),
    /** 办结期限: 30 working days from the (re)submission that entered review. */
    reviewDeadline: z.iso.datetime().optional(),
    overdue: z.boolean().optional(),
    /** 撤销登记: when the registration was revoked (its status is then revoked). */
    revokedAt: z.iso.datetime().optional(),
    actions: z.array(FilingAction),
  })
  .meta({ id: 'FilingListItem' });
/** Above 10,000 matches the total is the database's estimate (约 N 条), not a count. */
export const FilingPage = pageOf(FilingListItem)
  .extend({ totalIsEstimate: z.boolean().optional() })
  .meta({ id: 'FilingPage' });

export const FilingView = z
  .object({
    filingId: Id,
    applicantId: Id,
    serialNo: z.string(),
    status: FilingStatus,
    waitingOn: z.string().optional(),
    remark: z.string().optional(),
    versionNo: z.number().int().optional(),
    content: DraftContent,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    appliedAt: z.iso.datetime().optional(),
    registrationNumber: z.string().optional(),
    reviewDeadline: z.iso.datetime().optional(),
    /** 纸质证书: mailed with its waybill (顺丰到付) or picked up (自领), once the admin recorded it. */
    delivery: DeliveryResult.omit({ filingId: true }).optional(),
    /** 撤销登记: when the registration was revoked, and the revocation (GET /revocations/{id}). */
    revokedAt: z.iso.datetime().optional(),
    revocationId: Id.optional(),
    actions: z.array(FilingAction),
    /** 我的办件: each review decision's stage, outcome and date, for the applicant's timeline (no reviewer). */
    reviews: z
      .array(z.object({ stage: ReviewStage, decision: ReviewDecision, decidedAt: z.iso.datetime() }))
      .optional(),
    /** The manual's guidance for 作品简介 for the chosen work type. */
    descriptionGuidance: z.string().optional(),
  })
  .meta({ id: 'FilingView' });
export type FilingView = z.infer<typeof FilingView>;

export const ReviewInput = z
  .object({
    decision: ReviewDecision, // 通过 / 退回修改 / 不予登记
    reasons: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
  })
  .meta({ id: 'ReviewInput' });
export const ReviewPath = z.object({ filingId: Id, stage: ReviewStage });

export const ReviewDecisionRecord = z.object({
  stage: ReviewStage,
  decision: ReviewDecision,
  reasons: z.array(z.string()),
  reviewerId: Id,
  decidedAt: z.iso.datetime(),
});

export const AuditEntry = z
  .object({
    at: z.iso.datetime(),
    actorId: Id.nullable(),
    actorRole: z.string(),
    action: z.string(),
    detail: z.record(z.string(), z.unknown()).optional(),
    ip: z.string().optional(),
  })
  .meta({ id: 'AuditEntry' });

/** A staff view: the full filing, its uploads and the decision history. */
export const StaffFilingView = FilingView.extend({
  decisions: z.array(ReviewDecisionRecord),
  uploads: z.array(UploadRef.extend({ kind: z.enum(['sample', 'attachment']) })),
  /** 疑似重复登记: other filings with the same sample file, or a similar title by the same author. */
  possibleDuplicates: z.array(PossibleDuplicate).optional(),
  /** 管辖: how the applicant falls within Zhejiang (by ID, by USCC, by proof of residence). */
  jurisdiction: JurisdictionResult.optional(),
}).meta({ id: 'StaffFilingView' });

export const SubmissionResult = z
  .object({ filingId: Id, versionNo: z.number().int(), status: FilingStatus, workflowId: z.string() })
  .meta({ id: 'SubmissionResult' });

export const UploadKindParam = z.object({ kind: z.enum(['sample', 'attachment']) });
