import { randomInt, randomUUID } from 'node:crypto';
import { config, createDb, createObjectStore, ensureBucket } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import {
  ApplicantProofs,
  type ErrorBody,
  type ProfileInput,
  ProofAccessLog,
  type Role,
  residentIdCheckChar,
  UploadRef,
  UserPage,
} from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityApp } from '../src/index';
import { PNG, unreachableOidc } from './helpers';

/** Staff views of accounts: an account's identity proofs for administrators, the admin's user search. */

const db = createDb();
const store = createObjectStore();
const bucket = config().S3_BUCKET;
let api: Awaited<ReturnType<typeof serve>>;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
// The test database keeps earlier runs' users: names, numbers and accounts are unique per run.
const run = Date.now().toString(36).slice(-6);
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const residentId = () => {
  const first17 = `330106${1950 + randomInt(50)}0${1 + randomInt(9)}1${randomInt(10)}${digits(3)}`;
  return first17 + residentIdCheckChar(first17);
};
const mobile = () => `139${digits(8)}`;

const as = async (roles: Role[], userId: string = randomUUID()) => ({
  userId,
  cookie: await sessionCookie({ userId, roles }),
});

const call = async (cookie: string, path: string) => {
  const res = await fetch(`${api.url}/api/identity${path}`, { headers: { cookie } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & ErrorBody };
};

/** A person who logged in once (through the provider, with a verified document) and filled in 资料完善. */
async function applicant(over: Partial<ProfileInput> & { verifiedName?: string | null } = {}) {
  const me = await as(['applicant']);
  const idNumber = over.idNumber ?? residentId();
  const verifiedName = over.verifiedName === undefined ? (over.name ?? `申请人${run}`) : over.verifiedName;
  await db('identity.users').insert({
    id: me.userId,
    issuer: 'test',
    subject: `acct-${run}-${me.userId.slice(0, 8)}`,
    verified_name: verifiedName,
    verified_id_type: verifiedName ? 'resident_id' : null,
    verified_id_number: verifiedName ? idNumber : null,
  });
  const profile: ProfileInput = {
    category: 'individual',
    name: `申请人${run}`,
    idType: 'resident_id',
    idNumber,
    handler: '经办人甲',
    handlerMobile: mobile(),
    invoiceEmail: 'a@example.com',
    recipient: '收件人乙',
    recipientMobile: mobile(),
    mailingAddress: '浙江省杭州市西湖区文三路1号',
    ...over,
  };
  const res = await fetch(`${api.url}/api/identity/profile`, {
    method: 'PUT',
    headers: { cookie: me.cookie, 'content-type': 'application/json' },
    body: JSON.stringify(profile),
  });
  expect(res.status).toBe(200);
  return { ...me, profile, account: `acct-${run}-${me.userId.slice(0, 8)}` };
}

const upload = async (cookie: string, bytes: Buffer, name: string) => {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${api.url}/api/identity/proofs`, { method: 'POST', headers: { cookie }, body: form });
  expect(res.status).toBe(201);
  return UploadRef.parse(await res.json());
};

beforeAll(async () => {
  await ensureBucket(store, bucket);
  api = await serve(createIdentityApp({ db, store, bucket, oidc: unreachableOidc }));
});
afterAll(async () => {
  await api.close();
  await db.destroy();
});

describe("an account's identity proofs for administrators (身份证明, with a recorded reason)", () => {
  const reason = '核对代理资质';
  /** why: the reason to send; null sends none. */
  const proofsOf = (cookie: string, userId: string, why: string | null = reason) =>
    call(cookie, `/staff/users/${userId}/proofs${why === null ? '' : `?${new URLSearchParams({ reason: why })}`}`);

  it('an admin who names a reason sees every proof with previews, downloads and the profile to check against; the look is recorded', async () => {
    const owner = await applicant({ category: 'individual', name: `张审核${run}` });
    const front = await upload(owner.cookie, PNG, '身份证正面.png');
    const licence = await upload(owner.cookie, PDF, '授权书.pdf');
    const wrong = await upload(owner.cookie, PNG, '传错了.png');
    expect(
      (
        await fetch(`${api.url}/api/identity/proofs/${wrong.uploadId}`, {
          method: 'DELETE',
          headers: { cookie: owner.cookie },
        })
      ).status,
    ).toBe(200);

    const admin = await as(['admin']);
    const res = await proofsOf(admin.cookie, owner.userId, `  ${reason}  `);
    expect(res.status).toBe(200);
    const seen = ApplicantProofs.parse(res.json);
    expect(seen.profile).toEqual({
      category: 'individual',
      name: `张审核${run}`,
      idType: 'resident_id',
      idNumber: owner.profile.idNumber,
      handler: '经办人甲',
    });
    expect(seen.verified).toEqual({ name: `张审核${run}`, idType: 'resident_id', idNumber: owner.profile.idNumber });
    expect(seen.proofs.map((p) => [p.uploadId, p.name, p.mime, p.size])).toEqual([
      [front.uploadId, '身份证正面.png', 'image/png', PNG.length],
      [licence.uploadId, '授权书.pdf', 'application/pdf', PDF.length],
    ]);
    expect(Date.parse(seen.proofs[0]!.uploadedAt)).toBeGreaterThan(Date.now() - 60_000);

    // The preview shows in the browser as what it is; the download saves it under its name.
    const shown = await fetch(seen.proofs[1]!.previewUrl);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('application/pdf');
    expect(shown.headers.get('content-disposition')).toMatch(/^inline/);
    expect(Buffer.from(await shown.arrayBuffer()).equals(PDF)).toBe(true);
    const saved = await fetch(seen.proofs[0]!.downloadUrl);
    expect(saved.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await saved.arrayBuffer()).equals(PNG)).toBe(true);

    // Who looked at whose documents, which ones, when and why: in the access log, not a log line.
    const log = await call(admin.cookie, `/staff/users/${owner.userId}/proof-access`);
    expect(log.status).toBe(200);
    const entries = ProofAccessLog.parse(log.json).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      staffId: admin.userId,
      staffRoles: ['admin'],
      filingId: null,
      reason,
      proofIds: [front.uploadId, licence.uploadId],
    });
    expect(Date.parse(entries[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses a look without a reason (400, naming the field) and records nothing', async () => {
    const owner = await applicant();
    await upload(owner.cookie, PNG, 'id.png');
    const admin = await as(['admin']);
    for (const why of [null, ' ', '查']) {
      const res = await proofsOf(admin.cookie, owner.userId, why);
      expect(res.status).toBe(400);
      expect(res.json.error.field).toBe('query.reason');
      expect(res.json.error.message).toMatch(/查看理由/);
      expect(res.json).not.toHaveProperty('proofs');
    }
    expect(await db('identity.proof_access').where({ user_id: owner.userId }).count()).toEqual([{ count: '0' }]);
  });

  it('shows an account without a profile as such (nothing to check yet)', async () => {
    const admin = await as(['admin']);
    const userId = randomUUID();
    await db('identity.users').insert({ id: userId, issuer: 'test', subject: `acct-${run}-bare` });
    const res = await proofsOf(admin.cookie, userId);
    expect(res.status).toBe(200);
    expect(ApplicantProofs.parse(res.json)).toMatchObject({ userId, profile: null, verified: {}, proofs: [] });
  });

  it('refuses reviewers (they open proofs through the filing they review), applicants, finance and regional staff', async () => {
    const owner = await applicant();
    const proof = await upload(owner.cookie, PNG, 'id.png');
    const callers = [owner, await as(['applicant']), await as(['finance']), await as(['regional_staff'])];
    callers.push(await as(['initial_reviewer']), await as(['final_reviewer']));
    for (const caller of callers) {
      for (const path of [
        `/staff/users/${owner.userId}/proofs?reason=${reason}`,
        `/staff/users/${owner.userId}/proof-access`,
      ]) {
        const res = await call(caller.cookie, path);
        expect(res.status).toBe(403);
        expect(res.json.error.code).toBe('FORBIDDEN');
        expect(res.json.error.message).toMatch(/权限/);
        expect(res.json).not.toHaveProperty('proofs');
      }
      // Nor by the proof's own download link, which is its owner's alone.
      if (caller !== owner) expect((await call(caller.cookie, `/proofs/${proof.uploadId}/download`)).status).toBe(404);
    }
    expect((await fetch(`${api.url}/api/identity/staff/users/${owner.userId}/proofs?reason=${reason}`)).status).toBe(
      401,
    );
    expect(await db('identity.proof_access').where({ user_id: owner.userId }).count()).toEqual([{ count: '0' }]);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    const admin = await as(['admin']);
    const unknown = await proofsOf(admin.cookie, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'NOT_FOUND', field: 'userId' });
    expect(unknown.json.error.message).toMatch(/没有找到该用户/);
    const bad = await call(admin.cookie, `/staff/users/not-a-user/proofs?reason=${reason}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('params.userId');
  });
});

describe('user search (admin)', () => {
  const search = async (cookie: string, query: Record<string, string>) =>
    call(cookie, `/admin/users?${new URLSearchParams(query)}`);

  it('finds an account by name, mobile, ID number, account or id, with its roles and profile', async () => {
    const admin = await as(['admin']);
    const target = await applicant({ name: `王查找${run}`, verifiedName: null });
    await applicant({ name: `李无关${run}` });
    const ids = async (q: string) => {
      const res = await search(admin.cookie, { q });
      expect(res.status).toBe(200);
      return UserPage.parse(res.json).items.map((i) => i.userId);
    };

    const byName = UserPage.parse((await search(admin.cookie, { q: `查找${run}` })).json);
    expect(byName).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(byName.items[0]).toEqual({
      userId: target.userId,
      account: target.account,
      name: `王查找${run}`,
      category: 'individual',
      idType: 'resident_id',
      idNumber: target.profile.idNumber,
      mobile: target.profile.handlerMobile,
      roles: ['applicant'],
    });
    expect(await ids(target.profile.handlerMobile)).toContain(target.userId);
    expect(await ids(target.profile.recipientMobile)).toContain(target.userId);
    expect(await ids(target.profile.idNumber.toLowerCase())).toContain(target.userId);
    expect(await ids(target.account)).toEqual([target.userId]);
    expect(await ids(target.userId)).toEqual([target.userId]);
  });

  it('pages 20 by default, and the page size asked for', async () => {
    const admin = await as(['admin']);
    const family = `赵翻页${run}`;
    for (const i of [1, 2, 3]) await applicant({ name: `${family}${i}` });
    const first = UserPage.parse((await search(admin.cookie, { q: family, pageSize: '2' })).json);
    const second = UserPage.parse((await search(admin.cookie, { q: family, pageSize: '2', page: '2' })).json);
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((i) => i.name))).toEqual(
      new Set([1, 2, 3].map((i) => `${family}${i}`)),
    );
  });

  it('finds nothing when nothing matches, and treats % and _ as text', async () => {
    const admin = await as(['admin']);
    // Unescaped, `%run` and `_un` would match this run's names.
    for (const q of [`无此人${run}`, `%${run}`, `_${run.slice(1)}`]) {
      const res = await search(admin.cookie, { q });
      expect(res.status).toBe(200);
      expect(UserPage.parse(res.json)).toEqual({ items: [], total: 0, page: 1, pageSize: 20 });
    }
  });

  it('is for admins only', async () => {
    for (const roles of [['initial_reviewer'], ['final_reviewer'], ['applicant'], ['finance']] as Role[][]) {
      const res = await search((await as(roles)).cookie, { q: '张' });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/权限/);
    }
  });

  it.each([
    ['no text', {}],
    ['blank text', { q: '   ' }],
    ['text too long', { q: '张'.repeat(101) }],
    ['a page size over 100', { q: '张', pageSize: '1000' }],
    ['page 0', { q: '张', page: '0' }],
  ])('refuses %s with a Chinese message', async (_case, query) => {
    const res = await search((await as(['admin'])).cookie, query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.field).toMatch(/^query\./);
    expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
  });
});
