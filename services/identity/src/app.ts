import {
  Api,
  ApiError,
  createApp,
  dailyUploadQuota,
  downloadUrl,
  fileTypes,
  IdempotencyStore,
  MB,
  receiveUpload,
  requireUser,
  type UploadRule,
} from '@copyreg/kit';
import {
  ApplicantProofs,
  CategoryChangeInput,
  Id,
  IdentityCorrectionInput,
  Me,
  Profile,
  ProfileInput,
  ProofAccessLog,
  ProofAccessQuery,
  ProofUploadQuery,
  permissions,
  RolesInput,
  UploadRef,
  UserPage,
  UserSearchQuery,
  UserSummary,
} from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { z } from 'zod';
import { OidcLogin, type OidcSettings } from './login';
import {
  addProof,
  categoryChanges,
  changeCategory,
  correctIdentity,
  deleteProof,
  findProof,
  jurisdictionOf,
  loadProfile,
  missingOf,
  saveProfile,
  sessionUserOf,
  setRoles,
} from './profiles';
import { proofAccessLog, searchUsers, viewApplicantProofs } from './staff';

/** A proof of identity (身份证明): a scan or photo, 10 MB at most. */
const identityProofUpload: UploadRule = {
  kind: 'identity_proof',
  maxBytes: 10 * MB,
  types: fileTypes.documents,
  label: '身份证明',
};

/** A proof of working, studying or living in Zhejiang (在浙工作/学习/居住证明), as a proof of identity. */
const residenceProofUpload: UploadRule = {
  kind: 'residence_proof',
  maxBytes: 10 * MB,
  types: fileTypes.documents,
  label: '在浙工作/学习/居住证明',
};

export interface IdentityDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
  oidc: OidcSettings;
}

const Ok = z.object({ ok: z.literal(true) });
const Redirect = z.object({}).describe('302 redirect');
const DownloadLink = z.object({ url: z.url(), expiresInSeconds: z.number().int() }).meta({ id: 'DownloadLink' });
/** The identity service: login, the caller, 资料完善, identity proofs, staff administration. */
export function createIdentityApp(deps: IdentityDeps) {
  const { db, store, bucket } = deps;
  const login = new OidcLogin(db, deps.oidc);
  const api = new Api('identity — 用户信息', '/api/identity', new IdempotencyStore(db));

  api.route({
    method: 'get',
    path: '/login',
    rateLimit: 'login',
    summary: '登录：跳转到统一身份认证（浙江政务服务网），登录后回到 returnTo（门户内路径）',
    tags: ['login'],
    access: 'public',
    query: z.object({ returnTo: z.string().max(500).optional() }),
    response: Redirect,
    status: 302,
    async handler({ req, res }) {
      await login.start(req, res);
      return {};
    },
  });

  api.route({
    method: 'get',
    path: '/callback',
    summary: '统一身份认证回调：建立或更新用户，设置会话 Cookie，回到门户',
    tags: ['login'],
    access: 'public',
    response: Redirect,
    status: 302,
    async handler({ req, res }) {
      await login.callback(req, res);
      return {};
    },
  });

  api.route({
    method: 'post',
    path: '/logout',
    summary: '退出登录：清除会话 Cookie',
    tags: ['login'],
    access: 'public',
    response: Ok,
    async handler({ req, res }) {
      await login.logout(req, res);
      return { ok: true as const };
    },
  });

  api.route({
    method: 'get',
    path: '/me',
    summary: '当前用户：角色、地区、资料（资料完善）及是否已完善',
    tags: ['profile'],
    access: 'user',
    response: Me,
    async handler({ user }) {
      const current = await sessionUserOf(db, user.userId);
      const row = await db('identity.users')
        .where({ id: user.userId })
        .first('verified_name', 'verified_id_type', 'verified_id_number');
      const profile = await loadProfile(db, user.userId);
      const missing = missingOf(profile);
      const jurisdiction = await jurisdictionOf(db, user.userId);
      return {
        userId: user.userId,
        ...(row?.verified_name ? { name: row.verified_name } : profile ? { name: profile.name } : {}),
        roles: user.roles,
        ...((current.region ?? user.region) ? { region: current.region ?? user.region } : {}),
        profile,
        profileComplete: missing.length === 0,
        missing,
        ...(jurisdiction
          ? { residenceProofRequired: jurisdiction.basis === 'residence_proof' || jurisdiction.basis === 'missing' }
          : {}),
        ...(row?.verified_id_type && row.verified_id_number
          ? { verifiedId: { idType: row.verified_id_type, idNumber: row.verified_id_number } }
          : {}),
      };
    },
  });

  api.route({
    method: 'put',
    path: '/profile',
    summary: '资料完善：保存资料（用户类别首次选择后不可自行修改）',
    tags: ['profile'],
    access: 'user',
    body: ProfileInput,
    response: Profile,
    async handler({ user, body }) {
      await saveProfile(db, user.userId, body);
      return (await loadProfile(db, user.userId))!;
    },
  });

  api.route({
    method: 'post',
    path: '/proofs',
    rateLimit: 'upload',
    summary:
      '上传身份证明（multipart/form-data，字段 file；PDF、JPEG、PNG，10MB 以内）；purpose=residence 上传在浙工作/学习/居住证明（证件登记地在浙江省外的须上传）',
    tags: ['profile'],
    access: 'user',
    query: ProofUploadQuery,
    response: UploadRef,
    status: 201,
    async handler({ user, req, query }) {
      const rule = query.purpose === 'residence' ? residenceProofUpload : identityProofUpload;
      const quota = dailyUploadQuota(db, 'identity.proofs', user.userId, {
        owner: 'user_id',
        size: 'size',
        createdAt: 'created_at',
      });
      const stored = await receiveUpload(req, rule, store, bucket, user.userId, quota);
      await addProof(db, user.userId, stored, query.purpose);
      return { uploadId: stored.id, name: stored.name, sha256: stored.sha256, size: stored.size, mime: stored.mime };
    },
  });

  api.route({
    method: 'delete',
    path: '/proofs/:proofId',
    summary: '删除一份身份证明（上传有误时删除后重新上传）',
    tags: ['profile'],
    access: 'user',
    params: z.object({ proofId: Id }),
    response: Ok,
    async handler({ user, params }) {
      if (!(await deleteProof(db, user.userId, params.proofId)))
        throw new ApiError('NOT_FOUND', '没有找到这份身份证明');
      return { ok: true as const };
    },
  });

  api.route({
    method: 'get',
    path: '/proofs/:proofId/download',
    summary: '身份证明的下载链接（本人；5 分钟内有效，以附件方式下载）',
    tags: ['profile'],
    access: 'user',
    params: z.object({ proofId: Id }),
    response: DownloadLink,
    async handler({ user, params }) {
      // Staff reach proofs only through a recorded look (the filing's applicant, or an admin's reason).
      const proof = await findProof(db, user.userId, params.proofId);
      if (!proof) throw new ApiError('NOT_FOUND', '没有找到这份身份证明');
      return { url: await downloadUrl(store, proof), expiresInSeconds: 300 };
    },
  });

  api.route({
    method: 'get',
    path: '/staff/users/:userId/proofs',
    summary: '管理员查看某账号的身份证明（须填写查看理由，每次查看都记录；审核人员经所审作品查看）',
    tags: ['staff'],
    access: permissions.readAnyIdentityProofs,
    params: z.object({ userId: Id }),
    query: ProofAccessQuery,
    response: ApplicantProofs,
    async handler({ user, params, query, req }) {
      const found = await viewApplicantProofs(db, store, params.userId, {
        staffId: user.userId,
        staffRoles: user.roles,
        reason: query.reason,
        ip: req.ip,
      });
      if (!found) throw new ApiError('NOT_FOUND', '没有找到该用户', 'userId');
      return found;
    },
  });

  api.route({
    method: 'get',
    path: '/staff/users/:userId/proof-access',
    summary: '身份证明查阅记录：谁在何时因何查看了该账号的身份证明（管理员）',
    tags: ['staff'],
    access: permissions.readAnyIdentityProofs,
    params: z.object({ userId: Id }),
    response: ProofAccessLog,
    handler: async ({ params }) => ({ items: await proofAccessLog(db, params.userId) }),
  });

  api.route({
    method: 'get',
    path: '/admin/users',
    summary: '查找用户：按姓名或名称、手机号、证件号或账号（含部分匹配），分页（管理员）',
    tags: ['admin'],
    access: ['admin'],
    query: UserSearchQuery,
    response: UserPage,
    handler: ({ query }) => searchUsers(db, query.q, query.page, query.pageSize),
  });

  const summary = async (userId: string) => {
    const user = await db('identity.users').where({ id: userId }).first();
    const profile = await loadProfile(db, userId);
    if (!user && !profile) throw new ApiError('NOT_FOUND', '没有找到该用户', 'userId');
    const s = await sessionUserOf(db, userId);
    const name = user?.verified_name ?? profile?.name;
    return {
      userId,
      ...(name ? { name } : {}),
      roles: s.roles,
      ...(s.region ? { region: s.region } : {}),
      ...(profile ? { category: profile.category } : {}),
      categoryChanges: await categoryChanges(db, userId),
    };
  };

  api.route({
    method: 'get',
    path: '/admin/users/:userId',
    summary: '查看用户的角色、类别及类别变更记录（管理员）',
    tags: ['admin'],
    access: ['admin'],
    params: z.object({ userId: Id }),
    response: UserSummary,
    handler: ({ params }) => summary(params.userId),
  });

  api.route({
    method: 'post',
    path: '/admin/users/:userId/category',
    summary: '经核实具备版权代理资质后，修改用户类别为代理公司或代理律师（管理员；记录操作人与时间）',
    tags: ['admin'],
    access: ['admin'],
    params: z.object({ userId: Id }),
    body: CategoryChangeInput,
    response: UserSummary,
    async handler({ params, body, user }) {
      await changeCategory(db, params.userId, body.category, user.userId, body.note);
      return summary(params.userId);
    },
  });

  api.route({
    method: 'put',
    path: '/admin/users/:userId/identity',
    summary:
      '核对身份证明后更正用户资料的证件类型和证件号码（管理员；用户保存后不能自行修改；记录原证件、操作人与核对情况）',
    tags: ['admin'],
    access: ['admin'],
    params: z.object({ userId: Id }),
    body: IdentityCorrectionInput,
    response: Profile,
    async handler({ params, body, user }) {
      await correctIdentity(db, params.userId, body, user.userId);
      return (await loadProfile(db, params.userId))!;
    },
  });

  api.route({
    method: 'put',
    path: '/admin/users/:userId/roles',
    summary: '设置工作人员角色（管理员）；下级部门工作人员须绑定地区',
    tags: ['admin'],
    access: ['admin'],
    params: z.object({ userId: Id }),
    body: RolesInput,
    response: UserSummary,
    async handler({ params, body, user }) {
      const exists = await db('identity.users').where({ id: params.userId }).first('id');
      if (!exists) throw new ApiError('NOT_FOUND', '没有找到该用户（须先登录过一次）', 'userId');
      await setRoles(db, params.userId, body.roles, body.region, user.userId);
      return summary(params.userId);
    },
  });

  return createApp(api);
}

export { requireUser };
