import { downloadUrl, previewUrl } from '@copyreg/kit';
import type { ApplicantProofs, ProofAccessEntry, Role, UserListItem } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';

/**
 * What staff see of an account: the identity proofs a reviewer checks (with what to check them
 * against), and the admin's user search.
 */

const iso = (d: Date | string) => new Date(d).toISOString();
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Staff links outlive a careful look at the files; the portal fetches fresh ones before they expire. */
const linkSeconds = 600;

/** An applicant's proofs with preview and download links, or undefined for an unknown user. */
async function applicantProofs(db: Knex, store: ObjectStore, userId: string): Promise<ApplicantProofs | undefined> {
  const user = await db('identity.users').where({ id: userId }).first();
  const profile = await db('identity.profiles').where({ user_id: userId }).first();
  if (!user && !profile) return undefined;
  const rows = await db('identity.proofs').where({ user_id: userId }).whereNull('deleted_at').orderBy('created_at');
  const proofs = await Promise.all(
    rows.map(async (r) => {
      const object = { bucket: r.bucket as string, key: r.object_key as string, name: r.name as string };
      return {
        uploadId: r.id as string,
        name: r.name as string,
        sha256: r.sha256 as string,
        size: r.size as number,
        mime: r.mime as string,
        purpose: (r.purpose ?? 'identity') as 'identity' | 'residence',
        uploadedAt: iso(r.created_at),
        previewUrl: await previewUrl(store, object, linkSeconds),
        downloadUrl: await downloadUrl(store, object, linkSeconds),
      };
    }),
  );
  return {
    userId,
    profile: profile
      ? {
          category: profile.category,
          name: profile.name,
          idType: profile.id_type,
          idNumber: profile.id_number,
          handler: profile.handler,
        }
      : null,
    verified: {
      ...(user?.verified_name ? { name: user.verified_name } : {}),
      ...(user?.verified_id_type ? { idType: user.verified_id_type } : {}),
      ...(user?.verified_id_number ? { idNumber: user.verified_id_number } : {}),
    },
    proofs,
    expiresInSeconds: linkSeconds,
  };
}

/** Why staff open an account's proofs: the filing under review, or an administrator's reason. */
export interface ProofAccess {
  staffId: string;
  staffRoles: readonly Role[];
  reason: string;
  filingId?: string;
  ip?: string | undefined;
}

/** The applicant's proofs for staff, the look recorded in identity.proof_access in the same step. */
export async function viewApplicantProofs(
  db: Knex,
  store: ObjectStore,
  userId: string,
  access: ProofAccess,
): Promise<ApplicantProofs | undefined> {
  const found = await applicantProofs(db, store, userId);
  if (!found) return undefined;
  await db('identity.proof_access').insert({
    staff_id: access.staffId,
    staff_roles: JSON.stringify(access.staffRoles),
    user_id: userId,
    filing_id: access.filingId ?? null,
    reason: access.reason,
    proof_ids: JSON.stringify(found.proofs.map((p) => p.uploadId)),
    ip: access.ip?.slice(0, 64) ?? null,
  });
  return found;
}

/** Who has looked at an account's identity proofs, newest first (the last 200 looks). */
export async function proofAccessLog(db: Knex, userId: string): Promise<ProofAccessEntry[]> {
  const rows = await db('identity.proof_access').where({ user_id: userId }).orderBy('id', 'desc').limit(200);
  return rows.map((r) => ({
    at: iso(r.at),
    staffId: r.staff_id,
    staffRoles: r.staff_roles,
    filingId: r.filing_id,
    reason: r.reason,
    proofIds: r.proof_ids,
  }));
}

/**
 * Accounts whose name (verified or in the profile), mobile, ID number or login account contains
 * the text, or whose id is the text; newest first.
 */
export async function searchUsers(
  db: Knex,
  q: string,
  page: number,
  pageSize: number,
): Promise<{ items: UserListItem[]; total: number; page: number; pageSize: number }> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matching = db('identity.users as u')
    .leftJoin('identity.profiles as p', 'p.user_id', 'u.id')
    .where((w) => {
      if (uuid.test(q)) w.orWhere('u.id', q);
      for (const column of [
        'u.verified_name',
        'p.name',
        'p.handler_mobile',
        'p.recipient_mobile',
        'u.verified_id_number',
        'p.id_number',
        'u.subject',
      ]) {
        w.orWhereILike(column, like);
      }
    });
  const [counted] = await matching.clone().count<{ count: string }[]>({ count: '*' });
  const rows = await matching
    .clone()
    .select(
      'u.id',
      'u.subject',
      'u.verified_name',
      'u.verified_id_type',
      'u.verified_id_number',
      'u.staff_region',
      'u.last_login_at',
      'p.name',
      'p.category',
      'p.id_type',
      'p.id_number',
      'p.handler_mobile',
    )
    .orderBy([
      { column: 'u.created_at', order: 'desc' },
      { column: 'u.id', order: 'asc' },
    ])
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const roles = await db('identity.user_roles').whereIn(
    'user_id',
    rows.map((r) => r.id),
  );
  const items = rows.map((r): UserListItem => {
    const name = r.verified_name ?? r.name;
    const idType = r.verified_id_number ? r.verified_id_type : r.id_type;
    const idNumber = r.verified_id_number ?? r.id_number;
    const own = roles.filter((x) => x.user_id === r.id).map((x) => x.role as Role);
    return {
      userId: r.id,
      account: r.subject,
      ...(name ? { name } : {}),
      ...(r.category ? { category: r.category } : {}),
      ...(idType ? { idType } : {}),
      ...(idNumber ? { idNumber } : {}),
      ...(r.handler_mobile ? { mobile: r.handler_mobile } : {}),
      roles: own.length ? own : ['applicant'],
      ...(r.staff_region ? { region: r.staff_region } : {}),
      ...(r.last_login_at ? { lastLoginAt: iso(r.last_login_at) } : {}),
    };
  });
  return { items, total: Number(counted?.count ?? 0), page, pageSize };
}
