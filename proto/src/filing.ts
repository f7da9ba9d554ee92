import { z } from 'zod';
import { Id } from './common';
import { WorkType } from './registration';

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
export const Holder = z.object({
  holderType: z.enum(['individual', 'organisation']),
  name: z.string().min(1).max(100),
  idType: IdType,
  idNumber: z.string().min(1).max(40),
  handler: z.string().max(50).optional(), // 经办人
  region: z.string().min(2).max(12), // 所在区域 (行政区划代码)
  guardian: z.object({ relation: z.enum(['father', 'mother', 'guardian']) }).optional(),
});
export type Holder = z.infer<typeof Holder>;

export const Author = z.object({ name: z.string().min(1).max(100), signature: z.string().max(100).optional() }); // 署名
export const Writer = z.object({
  name: z.string().min(1).max(100),
  idType: IdType,
  idNumber: z.string().min(1).max(40),
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
  samples: z.array(UploadRef).default([]),
  attachments: z.array(UploadRef).default([]),
  holders: z.array(Holder).default([]),
  authors: z.array(Author).default([]),
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
