import { z } from 'zod';
import { Id, PageQuery, pageOf, Role } from './common';
import { IdType, UploadRef } from './filing';
import { addIdNumberIssue, organisationIdTypes, personalIdTypes } from './id-numbers';
import { ProofPurpose } from './review-checks';

// Contracts of the identity service: the profile (资料完善), the caller, admin changes.
export * from './id-numbers';
export * from './review-checks';

/** 用户类别. A user picks 个人 or 法人或非法人组织; only staff set 代理公司 / 代理律师. */
export const UserCategory = z.enum([
  'individual', // 个人
  'organisation', // 法人或非法人组织
  'agency_company', // 代理公司
  'agency_lawyer', // 代理律师
]);
export type UserCategory = z.infer<typeof UserCategory>;

/** Which ID types fit a category: people hold personal documents, organisations a code. */
export const idTypesOfCategory = (category: UserCategory) =>
  category === 'organisation' || category === 'agency_company' ? organisationIdTypes : personalIdTypes;

export const Mobile = z.string().regex(/^1[3-9]\d{9}$/, '请填写11位中国大陆手机号');
/** 行政区划代码: 6 digits, e.g. 330000 浙江省, 330100 杭州市, 330106 西湖区. */
export const RegionCode = z.string().regex(/^\d{6}$/, '请选择所属地区（6位行政区划代码）');

/** What the user types into 资料完善; the identity proofs are uploaded separately. */
export const ProfileInput = z
  .object({
    category: UserCategory.describe('用户类别；个人或法人或非法人组织由用户选择，选择后不可自行修改'),
    name: z.string().trim().min(1, '请填写姓名或名称').max(100),
    idType: IdType,
    idNumber: z.string().max(40),
    penName: z.string().trim().max(100).optional(), // 笔名
    handler: z.string().trim().min(1, '请填写经办人').max(50), // 经办人
    handlerMobile: Mobile, // 联系手机
    region: RegionCode.optional(), // 所属地区
    invoiceEmail: z.email('请填写有效的电子发票接收邮箱'), // 电子发票接收邮箱
    recipient: z.string().trim().min(1, '请填写收件人').max(50), // 收件人
    recipientMobile: Mobile, // 收件手机
    mailingAddress: z.string().trim().min(5, '请填写纸质证书收件地址').max(200), // 纸质证书收件地址
  })
  .superRefine((p, ctx) => {
    if (!idTypesOfCategory(p.category).includes(p.idType)) {
      ctx.addIssue({
        code: 'custom',
        path: ['idType'],
        message:
          p.category === 'individual' ? '个人用户请选择个人证件类型' : '单位用户请选择统一社会信用代码或其他组织证件',
      });
      return;
    }
    addIdNumberIssue(ctx, p.idType, p.idNumber);
  })
  .meta({ id: 'ProfileInput' });
export type ProfileInput = z.infer<typeof ProfileInput>;

export const Profile = z
  .object({
    category: UserCategory,
    name: z.string(),
    idType: IdType,
    idNumber: z.string(),
    penName: z.string().optional(),
    handler: z.string(),
    handlerMobile: z.string(),
    region: z.string().optional(),
    invoiceEmail: z.string(),
    recipient: z.string(),
    recipientMobile: z.string(),
    mailingAddress: z.string(),
    /** 身份证明: ID card both sides, or the business licence. */
    proofs: z.array(UploadRef),
    /**
     * 在浙工作/学习/居住证明: asked of a person or organisation whose ID document was issued outside
     * Zhejiang (see residenceProofRequired on Me); uploaded with POST /proofs?purpose=residence.
     */
    residenceProofs: z.array(UploadRef).optional(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof Profile>;

/** The caller (`GET /api/identity/me`). `missing` names what 资料完善 still needs before filing. */
export const Me = z
  .object({
    userId: Id,
    name: z.string().optional(),
    roles: z.array(Role),
    region: z.string().optional(),
    profile: Profile.nullable(),
    profileComplete: z.boolean(),
    missing: z.array(z.string()),
    /**
     * The profile's ID document was issued outside Zhejiang (or names no region): a proof of
     * working, studying or living in Zhejiang is needed before a work is submitted.
     */
    residenceProofRequired: z.boolean().optional(),
    /** The ID document the real-name login verified: 资料完善 shows it prefilled, and saves no other. */
    verifiedId: z.object({ idType: IdType, idNumber: z.string() }).optional(),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

/** Staff change a category to 代理公司 / 代理律师 after checking the agency qualification. */
export const CategoryChangeInput = z
  .object({
    category: z.enum(['agency_company', 'agency_lawyer']),
    note: z.string().trim().min(1, '请填写资质核对情况').max(500),
  })
  .meta({ id: 'CategoryChangeInput' });
export const CategoryChange = z.object({
  from: UserCategory.nullable(),
  to: UserCategory,
  changedBy: Id,
  /** The operator's verified real name; null when the provider gave none. */
  changedByName: z.string().nullable(),
  changedAt: z.iso.datetime(),
  note: z.string(),
});

/**
 * Staff correct the ID document a profile is tied to (the user cannot change it themselves once
 * saved, and must save the one their login verified), recording what they checked.
 */
export const IdentityCorrectionInput = z
  .object({
    idType: IdType,
    idNumber: z.string().max(40),
    note: z.string().trim().min(1, '请填写核对情况（如核对了哪份证件）').max(500),
  })
  .superRefine((c, ctx) => {
    addIdNumberIssue(ctx, c.idType, c.idNumber);
  })
  .meta({ id: 'IdentityCorrectionInput' });
export type IdentityCorrectionInput = z.infer<typeof IdentityCorrectionInput>;

/** Staff roles are granted by an admin; regional staff are bound to a region. */
export const RolesInput = z
  .object({ roles: z.array(Role).min(1), region: RegionCode.optional() })
  .refine((r) => !r.roles.includes('regional_staff') || r.region, {
    path: ['region'],
    message: '下级部门工作人员需绑定所属地区',
  })
  .meta({ id: 'RolesInput' });

export const UserSummary = z.object({
  userId: Id,
  name: z.string().optional(),
  roles: z.array(Role),
  region: z.string().optional(),
  category: UserCategory.optional(),
  categoryChanges: z.array(CategoryChange),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** 用户查询 (admin): one text matched against name, mobile, ID number and login account. */
export const UserSearchQuery = PageQuery.extend({
  q: z
    .string({ error: '请输入姓名、手机号、证件号或账号' })
    .trim()
    .min(1, '请输入姓名、手机号、证件号或账号')
    .max(100, '查询内容不能超过100个字符'),
}).meta({ id: 'UserSearchQuery' });

export const UserListItem = z
  .object({
    userId: Id,
    /** The login account (the provider's subject, e.g. the 浙江政务服务网 account). */
    account: z.string(),
    name: z.string().optional(),
    category: UserCategory.optional(),
    idType: IdType.optional(),
    idNumber: z.string().optional(),
    /** 联系手机 of the profile. */
    mobile: z.string().optional(),
    roles: z.array(Role),
    region: z.string().optional(),
    lastLoginAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'UserListItem' });
export type UserListItem = z.infer<typeof UserListItem>;
export const UserPage = pageOf(UserListItem).meta({ id: 'UserPage' });

/** An identity proof as staff see it: the file and short-lived links to show or download it. */
export const StaffProof = UploadRef.extend({
  /** 身份证明, or 在浙工作/学习/居住证明. */
  purpose: ProofPurpose.optional(),
  uploadedAt: z.iso.datetime(),
  /** Shows the file in the browser (an image inline, a PDF in the browser's viewer). */
  previewUrl: z.url(),
  /** Downloads the file under its name. */
  downloadUrl: z.url(),
});
export type StaffProof = z.infer<typeof StaffProof>;

/**
 * An applicant's identity proofs (身份证明) for reviewers, with what to check them against:
 * the profile as the user filled it in and the document the login provider verified (实名认证).
 */
export const ApplicantProofs = z
  .object({
    userId: Id,
    profile: z
      .object({ category: UserCategory, name: z.string(), idType: IdType, idNumber: z.string(), handler: z.string() })
      .nullable(),
    verified: z.object({ name: z.string().optional(), idType: IdType.optional(), idNumber: z.string().optional() }),
    proofs: z.array(StaffProof),
    /** How long the links stay valid. */
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'ApplicantProofs' });
export type ApplicantProofs = z.infer<typeof ApplicantProofs>;

/** An administrator opening an account's proofs outside a review says why; the reason is recorded. */
export const ProofAccessQuery = z
  .object({
    reason: z
      .string({ error: '请填写查看理由' })
      .trim()
      .min(2, '查看理由至少2个字')
      .max(200, '查看理由不能超过200个字'),
  })
  .meta({ id: 'ProofAccessQuery' });

/** One recorded look at an account's identity proofs (身份证明查阅记录). */
export const ProofAccessEntry = z
  .object({
    at: z.iso.datetime(),
    staffId: Id,
    staffRoles: z.array(Role),
    filingId: Id.nullable(),
    reason: z.string(),
    proofIds: z.array(Id),
  })
  .meta({ id: 'ProofAccessEntry' });
export type ProofAccessEntry = z.infer<typeof ProofAccessEntry>;
export const ProofAccessLog = z.object({ items: z.array(ProofAccessEntry) }).meta({ id: 'ProofAccessLog' });
export type ProofAccessLog = z.infer<typeof ProofAccessLog>;

/** What other services learn about a user (e.g. the signature service matching a signer). */
export const IdentityRecord = z.object({
  userId: Id,
  /** Real name as verified by the login provider, else as in the profile. */
  name: z.string().optional(),
  /**
   * The ID document the login provider verified (实名认证), and only that: never what the user
   * typed into their profile, so nobody signs as someone else by typing their number.
   */
  idType: IdType.optional(),
  idNumber: z.string().optional(),
  category: UserCategory.optional(),
  profileComplete: z.boolean(),
});
export type IdentityRecord = z.infer<typeof IdentityRecord>;

/** A development account on the dev login page (浙江政务服务网 stand-in). */
export const DevAccount = z.object({
  accountId: z.string(),
  label: z.string(),
  name: z.string(),
  idType: IdType,
  idNumber: z.string(),
});
