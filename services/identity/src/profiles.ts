import { ApiError } from '@copyreg/kit';
import {
  type IdentityCorrectionInput,
  type IdentityRecord,
  idTypesOfCategory,
  type Jurisdiction,
  jurisdictionOfDocument,
  organisationIdTypes,
  type Profile,
  type ProfileInput,
  type ProofPurpose,
  type Role,
  type SessionUser,
  UploadRef,
  type UserCategory,
} from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * Users, roles and profiles (资料完善) over the `identity` schema. Other services call the
 * exported functions (loadIdentity, profileCompleteness) and never read the schema directly.
 */

const iso = (d: Date | string) => new Date(d).toISOString();

/** Creates or updates the user who logged in through the provider; returns the session user. */
export async function upsertLogin(
  db: Knex,
  login: { userId: string; issuer: string; subject: string; name?: string; idType?: string; idNumber?: string },
): Promise<SessionUser> {
  const [row] = await db('identity.users')
    .insert({
      id: login.userId,
      issuer: login.issuer,
      subject: login.subject,
      verified_name: login.name ?? null,
      verified_id_type: login.idType ?? null,
      verified_id_number: login.idNumber ?? null,
      last_login_at: db.fn.now(),
    })
    .onConflict(['issuer', 'subject'])
    .merge(['verified_name', 'verified_id_type', 'verified_id_number', 'last_login_at'])
    .returning('id');
  const userId = row.id as string;
  // A person's first login makes an applicant; staff keep exactly the roles an admin gave them.
  const hasRole = await db('identity.user_roles').where({ user_id: userId }).first('role');
  if (!hasRole) {
    await db('identity.user_roles')
      .insert({ user_id: userId, role: 'applicant' })
      .onConflict(['user_id', 'role'])
      .ignore();
  }
  return sessionUserOf(db, userId);
}

/** Roles and region as the session carries them (roles come from the identity schema, not the provider). */
export async function sessionUserOf(db: Knex, userId: string): Promise<SessionUser> {
  const user = await db('identity.users').where({ id: userId }).first('staff_region');
  const roles = (await db('identity.user_roles').where({ user_id: userId }).pluck('role')) as Role[];
  return {
    userId,
    roles: roles.length ? roles : ['applicant'],
    ...(user?.staff_region ? { region: user.staff_region } : {}),
  };
}

/** Grants exactly these roles (an admin's act, or the development seed). */
export async function setRoles(db: Knex, userId: string, roles: Role[], region: string | undefined, by?: string) {
  await db.transaction(async (tx) => {
    await tx('identity.users')
      .where({ id: userId })
      .update({ staff_region: region ?? null });
    await tx('identity.user_roles').where({ user_id: userId }).delete();
    await tx('identity.user_roles').insert(roles.map((role) => ({ user_id: userId, role, granted_by: by ?? null })));
  });
}

async function proofsOf(db: Knex, userId: string, purpose: ProofPurpose = 'identity'): Promise<UploadRef[]> {
  const rows = await db('identity.proofs')
    .where({ user_id: userId, purpose })
    .whereNull('deleted_at')
    .orderBy('created_at');
  return rows.map((r) =>
    UploadRef.parse({ uploadId: r.id, name: r.name, sha256: r.sha256, size: r.size, mime: r.mime }),
  );
}

export async function loadProfile(db: Knex, userId: string): Promise<Profile | null> {
  const r = await db('identity.profiles').where({ user_id: userId }).first();
  if (!r) return null;
  return {
    category: r.category,
    name: r.name,
    idType: r.id_type,
    idNumber: r.id_number,
    ...(r.pen_name ? { penName: r.pen_name } : {}),
    handler: r.handler,
    handlerMobile: r.handler_mobile,
    ...(r.region ? { region: r.region } : {}),
    invoiceEmail: r.invoice_email,
    recipient: r.recipient,
    recipientMobile: r.recipient_mobile,
    mailingAddress: r.mailing_address,
    proofs: await proofsOf(db, userId),
    residenceProofs: await proofsOf(db, userId, 'residence'),
    updatedAt: iso(r.updated_at),
  };
}

/**
 * Saves 资料完善. The category is the user's choice only the first time (个人 or 法人或非法人组织);
 * after that only staff change it (changeCategory).
 */
export async function saveProfile(db: Knex, userId: string, input: ProfileInput): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await tx('identity.profiles')
      .where({ user_id: userId })
      .forUpdate()
      .first('category', 'id_type', 'id_number');
    const login = await tx('identity.users').where({ id: userId }).first('verified_id_type', 'verified_id_number');
    if (!current && (input.category === 'agency_company' || input.category === 'agency_lawyer')) {
      throw new ApiError(
        'VALIDATION_FAILED',
        '代理公司或代理律师请先以个人或法人或非法人组织完善资料，再联系工作人员确认资质后修改用户类别',
        'category',
      );
    }
    if (current && current.category !== input.category) {
      throw new ApiError(
        'CONFLICT',
        '用户类别选择后不可自行修改；如需变更为代理公司或代理律师，请联系工作人员',
        'category',
      );
    }
    const verified =
      login?.verified_id_type && login?.verified_id_number
        ? { idType: login.verified_id_type as string, idNumber: login.verified_id_number as string }
        : undefined;
    const refusal = identityRefusal(
      input,
      current ? { idType: current.id_type, idNumber: current.id_number } : undefined,
      verified,
    );
    if (refusal) throw refusal;
    const row = {
      category: input.category,
      name: input.name,
      id_type: input.idType,
      id_number: input.idNumber,
      pen_name: input.penName || null,
      handler: input.handler,
      handler_mobile: input.handlerMobile,
      region: input.region ?? null,
      invoice_email: input.invoiceEmail,
      recipient: input.recipient,
      recipient_mobile: input.recipientMobile,
      mailing_address: input.mailingAddress,
      updated_at: tx.fn.now(),
    };
    if (current) await tx('identity.profiles').where({ user_id: userId }).update(row);
    else {
      await tx('identity.profiles').insert({ user_id: userId, ...row });
      await tx('identity.category_changes').insert({
        user_id: userId,
        from_category: null,
        to_category: input.category,
        changed_by: userId,
        note: '用户完善资料时选择',
      });
    }
  });
}

type IdDocument = { idType: string; idNumber: string };
const same = (a: IdDocument, b: IdDocument) => a.idType === b.idType && a.idNumber === b.idNumber;

/**
 * Why the profile may not carry this ID document, or undefined. The profile's identity is tied to
 * the login: a first save must carry the document the login provider verified (a person's resident
 * ID, an organisation's USCC); once saved, only staff change it (correctIdentity). A user whose
 * profile was saved before their login was verified may still move it to the verified document.
 */
function identityRefusal(input: ProfileInput, saved: IdDocument | undefined, verified: IdDocument | undefined) {
  if (verified && !idTypesOfCategory(input.category).includes(verified.idType as ProfileInput['idType'])) {
    const organisationLogin = organisationIdTypes.includes(verified.idType as ProfileInput['idType']);
    return new ApiError(
      'VALIDATION_FAILED',
      organisationLogin
        ? '您以单位账号登录，请选择“法人或非法人组织”，并填写登录时认证的统一社会信用代码'
        : '您以个人身份登录，不能以法人或非法人组织完善资料；单位请使用单位账号登录',
      'category',
    );
  }
  const allowed = [saved, verified].filter((d): d is IdDocument => d !== undefined);
  if (allowed.length === 0 || allowed.some((d) => same(d, input))) return undefined;
  const field = allowed.some((d) => d.idType === input.idType) ? 'idNumber' : 'idType';
  if (saved) {
    return new ApiError('CONFLICT', '证件类型和证件号码保存后不可自行修改；如需更正，请联系工作人员核对后修改', field);
  }
  return new ApiError(
    'VALIDATION_FAILED',
    `证件类型和证件号码须与您登录时实名认证的证件一致（尾号${(verified as IdDocument).idNumber.slice(-4)}）；如认证信息有误，请联系工作人员更正`,
    field,
  );
}

/**
 * Staff correct the ID document a profile is tied to, after checking the proofs; the old and new
 * documents, who and why are recorded (identity.identity_corrections).
 */
export async function correctIdentity(
  db: Knex,
  userId: string,
  input: IdentityCorrectionInput,
  by: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await tx('identity.profiles')
      .where({ user_id: userId })
      .forUpdate()
      .first('category', 'id_type', 'id_number');
    if (!current) throw new ApiError('INVALID_STATE', '该用户尚未完善资料，没有可更正的证件', 'userId');
    if (!idTypesOfCategory(current.category).includes(input.idType)) {
      throw new ApiError('VALIDATION_FAILED', '证件类型与该用户的用户类别不符', 'idType');
    }
    await tx('identity.profiles')
      .where({ user_id: userId })
      .update({ id_type: input.idType, id_number: input.idNumber, updated_at: tx.fn.now() });
    await tx('identity.identity_corrections').insert({
      user_id: userId,
      from_id_type: current.id_type,
      from_id_number: current.id_number,
      to_id_type: input.idType,
      to_id_number: input.idNumber,
      corrected_by: by,
      note: input.note,
    });
  });
}

/** 代理公司 / 代理律师, set by staff after checking qualification; who, when and the check are recorded. */
export async function changeCategory(
  db: Knex,
  userId: string,
  to: Extract<UserCategory, 'agency_company' | 'agency_lawyer'>,
  by: string,
  note: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await tx('identity.profiles').where({ user_id: userId }).forUpdate().first('category', 'id_type');
    if (!current) throw new ApiError('INVALID_STATE', '该用户尚未完善资料，不能修改用户类别', 'userId');
    const organisation = current.id_type === 'uscc' || current.id_type === 'other_org';
    if (to === 'agency_company' && !organisation) {
      throw new ApiError('VALIDATION_FAILED', '代理公司须为持统一社会信用代码等单位证件的用户', 'category');
    }
    if (to === 'agency_lawyer' && organisation) {
      throw new ApiError('VALIDATION_FAILED', '代理律师须为持个人证件的用户', 'category');
    }
    await tx('identity.profiles').where({ user_id: userId }).update({ category: to, updated_at: tx.fn.now() });
    await tx('identity.category_changes').insert({
      user_id: userId,
      from_category: current.category,
      to_category: to,
      changed_by: by,
      note,
    });
  });
}

export async function categoryChanges(db: Knex, userId: string) {
  // The operator's real name as their login verified it, so the history reads as people, not ids.
  const rows = await db('identity.category_changes as c')
    .leftJoin('identity.users as u', 'u.id', 'c.changed_by')
    .where({ 'c.user_id': userId })
    .orderBy('c.id')
    .select('c.*', 'u.verified_name as changed_by_name');
  return rows.map((r) => ({
    from: r.from_category,
    to: r.to_category,
    changedBy: r.changed_by,
    changedByName: r.changed_by_name ?? null,
    changedAt: iso(r.changed_at),
    note: r.note,
  }));
}

/** What 资料完善 still lacks before the user may file (作品填报), as the form's field names. */
export function missingOf(profile: Profile | null): string[] {
  if (!profile) return ['profile'];
  return profile.proofs.length ? [] : ['proofs'];
}

/** Whether the user may file: the profile is saved (all required fields were validated) and proofs are uploaded. */
export async function profileCompleteness(db: Knex, userId: string): Promise<{ complete: boolean; missing: string[] }> {
  const missing = missingOf(await loadProfile(db, userId));
  return { complete: missing.length === 0, missing };
}

/**
 * A user's name and ID document, for other services (the signature service matches the
 * logged-in signer against a signer entry by ID type and number). The document is only ever the
 * one the login provider verified: a number typed into a profile proves nothing about who typed it.
 */
export async function loadIdentity(db: Knex, userId: string): Promise<IdentityRecord | undefined> {
  const user = await db('identity.users').where({ id: userId }).first();
  const profile = await loadProfile(db, userId);
  if (!user && !profile) return undefined;
  const verified = user?.verified_id_type && user?.verified_id_number;
  const name = (user?.verified_name as string | null) ?? profile?.name;
  const idType = verified ? user.verified_id_type : undefined;
  const idNumber = verified ? user.verified_id_number : undefined;
  return {
    userId,
    ...(name ? { name } : {}),
    ...(idType ? { idType } : {}),
    ...(idNumber ? { idNumber } : {}),
    ...(profile ? { category: profile.category } : {}),
    profileComplete: missingOf(profile).length === 0,
  };
}

export async function addProof(
  db: Knex,
  userId: string,
  p: { id: string; bucket: string; key: string; name: string; mime: string; size: number; sha256: string },
  purpose: ProofPurpose = 'identity',
) {
  await db('identity.proofs').insert({
    purpose,
    id: p.id,
    user_id: userId,
    bucket: p.bucket,
    object_key: p.key,
    name: p.name,
    mime: p.mime,
    size: p.size,
    sha256: p.sha256,
  });
}

/** The caller's own proof, or undefined (never another user's). */
export async function findProof(db: Knex, userId: string | undefined, proofId: string) {
  const q = db('identity.proofs').where({ id: proofId }).whereNull('deleted_at');
  if (userId) q.andWhere({ user_id: userId });
  const r = await q.first();
  return r
    ? { bucket: r.bucket as string, key: r.object_key as string, name: r.name as string, userId: r.user_id as string }
    : undefined;
}

export async function deleteProof(db: Knex, userId: string, proofId: string): Promise<boolean> {
  const n = await db('identity.proofs')
    .where({ id: proofId, user_id: userId })
    .whereNull('deleted_at')
    .update({ deleted_at: db.fn.now() });
  return n > 0;
}

/**
 * 管辖: whether the user falls within Zhejiang, by the ID document of their profile (a resident
 * ID's or USCC's region) or by the proofs of working, studying or living in Zhejiang they uploaded;
 * undefined without a profile. The filing service refuses a submission whose basis is `missing`.
 */
export async function jurisdictionOf(db: Knex, userId: string): Promise<Jurisdiction | undefined> {
  const profile = await db('identity.profiles').where({ user_id: userId }).first('id_type', 'id_number');
  if (!profile) return undefined;
  const proofIds = (await db('identity.proofs')
    .where({ user_id: userId, purpose: 'residence' })
    .whereNull('deleted_at')
    .orderBy('created_at')
    .pluck('id')) as string[];
  return jurisdictionOfDocument(profile.id_type, profile.id_number, proofIds);
}
