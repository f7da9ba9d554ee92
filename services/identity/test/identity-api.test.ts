import { randomUUID } from 'node:crypto';
import { config, createDb, createObjectStore, ensureBucket } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { type ErrorBody, Me, Profile, type ProfileInput, UploadRef, usccCheckChar } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityApp, loadIdentity, profileCompleteness } from '../src/index';
import { PNG, rid, unreachableOidc } from './helpers';

const db = createDb();
const store = createObjectStore();
const bucket = config().S3_BUCKET;
let api: Awaited<ReturnType<typeof serve>>;

const profile = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  category: 'individual',
  name: '张三',
  idType: 'resident_id',
  idNumber: rid('33010619900307123'),
  penName: '三石',
  handler: '张三',
  handlerMobile: '13800000000',
  region: '330106',
  invoiceEmail: 'zhang@example.com',
  recipient: '张三',
  recipientMobile: '13800000000',
  mailingAddress: '浙江省杭州市西湖区文三路1号',
  ...over,
});

const as = async (roles: ('applicant' | 'admin' | 'initial_reviewer')[] = ['applicant'], userId = randomUUID()) => ({
  userId,
  cookie: await sessionCookie({ userId, roles }),
});

const call = async (cookie: string, method: string, path: string, body?: unknown, language?: string) => {
  const res = await fetch(`${api.url}/api/identity${path}`, {
    method,
    headers: {
      cookie,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(language ? { 'accept-language': language } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & ErrorBody };
};

const upload = async (cookie: string, bytes: Buffer, name: string, type = 'image/png') => {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${api.url}/api/identity/proofs`, { method: 'POST', headers: { cookie }, body: form });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & ErrorBody };
};

beforeAll(async () => {
  await ensureBucket(store, bucket);
  api = await serve(createIdentityApp({ db, store, bucket, oidc: unreachableOidc }));
});
afterAll(async () => {
  await api.close();
  await db.destroy();
});

describe('资料完善 (profile)', () => {
  it('saves every field, reports what is missing until a proof is uploaded, then is complete', async () => {
    const { userId, cookie } = await as();
    let me = Me.parse((await call(cookie, 'get', '/me')).json);
    expect(me).toMatchObject({ userId, profile: null, profileComplete: false, missing: ['profile'] });
    expect(me.verifiedId).toBeUndefined();

    const saved = await call(cookie, 'put', '/profile', profile());
    expect(saved.status).toBe(200);
    expect(Profile.parse(saved.json)).toMatchObject({ ...profile(), proofs: [] });
    me = Me.parse((await call(cookie, 'get', '/me')).json);
    expect(me).toMatchObject({ profileComplete: false, missing: ['proofs'] });
    expect(await profileCompleteness(db, userId)).toEqual({ complete: false, missing: ['proofs'] });

    const up = await upload(cookie, PNG, '身份证<正面>.png');
    expect(up.status).toBe(201);
    const proof = UploadRef.parse(up.json);
    expect(proof).toMatchObject({ name: '身份证_正面_.png', mime: 'image/png', size: PNG.length });
    me = Me.parse((await call(cookie, 'get', '/me')).json);
    expect(me).toMatchObject({ profileComplete: true, missing: [], name: '张三' });
    expect(me.profile?.proofs).toHaveLength(1);

    // No login provider verified a document: the number typed into the profile is no identity claim.
    expect(await loadIdentity(db, userId)).toEqual({
      userId,
      name: '张三',
      category: 'individual',
      profileComplete: true,
    });

    // An edit keeps the category; changing it is refused.
    expect((await call(cookie, 'put', '/profile', profile({ penName: '石头' }))).status).toBe(200);
    const changed = await call(
      cookie,
      'put',
      '/profile',
      profile({ category: 'organisation', idType: 'uscc', idNumber: '91350100M000100Y43' }),
    );
    expect(changed.status).toBe(409);
    expect(changed.json.error).toMatchObject({ code: 'CONFLICT', field: 'category' });
    expect(changed.json.error.message).toMatch(/不可自行修改/);
  });

  it.each([
    ['idNumber', { idNumber: ` ${rid('33010619900307123')}` }, /前后不能有空格/],
    ['idNumber', { idNumber: '330106199003071230' }, /校验位/],
    ['idType', { idType: 'uscc' as const, idNumber: '91350100M000100Y43' }, /个人证件/],
    ['handlerMobile', { handlerMobile: '12345' }, /手机号/],
    ['invoiceEmail', { invoiceEmail: 'not-an-email' }, /邮箱/],
    ['mailingAddress', { mailingAddress: '' }, /收件地址/],
    ['category', { category: 'agency_lawyer' as const }, /联系工作人员/],
  ])('refuses a bad %s with a Chinese field message and writes nothing', async (field, over, message) => {
    const { userId, cookie } = await as();
    const res = await call(cookie, 'put', '/profile', profile(over));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(res.json.error.message).toMatch(message);
    expect(await db('identity.profiles').where({ user_id: userId }).first()).toBeUndefined();
  });

  it('an organisation uses its unified social credit code', async () => {
    const { cookie } = await as();
    const res = await call(
      cookie,
      'put',
      '/profile',
      profile({ category: 'organisation', name: '某某公司', idType: 'uscc', idNumber: '91350100M000100Y43' }),
    );
    expect(res.status).toBe(200);
  });
});

/** A user as the login provider verified them (实名认证). */
const verifiedLogin = async (idType: 'resident_id' | 'uscc', idNumber: string, name = '张三') => {
  const who = await as();
  await db('identity.users').insert({
    id: who.userId,
    issuer: 'test',
    subject: who.userId,
    verified_name: name,
    verified_id_type: idType,
    verified_id_number: idNumber,
  });
  return who;
};

describe('the profile is tied to the verified login', () => {
  const orgCode = '91350100M000100Y43';

  it('a person verified with one resident ID cannot save another, nor save as an organisation', async () => {
    const { userId, cookie } = await verifiedLogin('resident_id', rid('33010619900307123'));
    // 资料完善 is prefilled with the verified document before anything is saved.
    expect(Me.parse((await call(cookie, 'get', '/me')).json)).toMatchObject({
      profile: null,
      verifiedId: { idType: 'resident_id', idNumber: rid('33010619900307123') },
    });
    const other = await call(cookie, 'put', '/profile', profile({ idNumber: rid('33010219851112204') }));
    expect(other.status).toBe(400);
    expect(other.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'idNumber' });
    expect(other.json.error.message).toMatch(/实名认证的证件一致/);
    const org = await call(
      cookie,
      'put',
      '/profile',
      profile({ category: 'organisation', name: '某某公司', idType: 'uscc', idNumber: orgCode }),
    );
    expect(org.status).toBe(400);
    expect(org.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'category' });
    expect(await db('identity.profiles').where({ user_id: userId }).first()).toBeUndefined();

    expect((await call(cookie, 'put', '/profile', profile())).status).toBe(200);
    expect(await loadIdentity(db, userId)).toMatchObject({ idType: 'resident_id', idNumber: profile().idNumber });
  });

  it('an organisation account saves only the unified social credit code its login verified', async () => {
    const mine = `91330106MA27XY01B${usccCheckChar('91330106MA27XY01B')}`;
    const { cookie } = await verifiedLogin('uscc', mine, '杭州示例文化传媒有限公司');
    const org = (idNumber: string) =>
      profile({ category: 'organisation', name: '杭州示例文化传媒有限公司', idType: 'uscc', idNumber });
    const person = await call(cookie, 'put', '/profile', profile());
    expect(person.status).toBe(400);
    expect(person.json.error).toMatchObject({ field: 'category' });
    const another = await call(cookie, 'put', '/profile', org(orgCode));
    expect(another.status).toBe(400);
    expect(another.json.error).toMatchObject({ field: 'idNumber' });
    expect((await call(cookie, 'put', '/profile', org(mine))).status).toBe(200);
  });

  it('once saved the ID number is fixed for the user; only an admin corrects it, and the correction is recorded', async () => {
    const { userId, cookie } = await as();
    const admin = await as(['admin']);
    expect((await call(cookie, 'put', '/profile', profile())).status).toBe(200);
    const changed = await call(cookie, 'put', '/profile', profile({ idNumber: rid('33010219851112204') }));
    expect(changed.status).toBe(409);
    expect(changed.json.error).toMatchObject({ code: 'CONFLICT', field: 'idNumber' });
    expect(changed.json.error.message).toMatch(/联系工作人员/);

    const correction = { idType: 'resident_id', idNumber: rid('33010219851112204'), note: '核对身份证正反面' };
    expect((await call(cookie, 'put', `/admin/users/${userId}/identity`, correction)).status).toBe(403);
    const fixed = await call(admin.cookie, 'put', `/admin/users/${userId}/identity`, correction);
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ idType: 'resident_id', idNumber: correction.idNumber });
    expect(await db('identity.identity_corrections').where({ user_id: userId })).toEqual([
      expect.objectContaining({
        from_id_number: profile().idNumber,
        to_id_number: correction.idNumber,
        corrected_by: admin.userId,
        note: '核对身份证正反面',
      }),
    ]);
    expect((await call(cookie, 'put', '/profile', profile({ idNumber: correction.idNumber }))).status).toBe(200);
    // Still not an identity claim: signing needs a document the login provider verified.
    expect(await loadIdentity(db, userId)).not.toHaveProperty('idNumber');
  });
});

describe('messages a person can read', () => {
  it('names the field by its label, in Chinese or in English as the request asks, with the path in field', async () => {
    const { cookie } = await as();
    const long = await call(cookie, 'put', '/profile', profile({ name: '张'.repeat(101) }));
    expect(long.status).toBe(400);
    expect(long.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'name',
      message: '姓名或名称不能超过100字',
    });
    expect(long.json.error.issues).toEqual([{ field: 'name', message: '姓名或名称不能超过100字' }]);

    const { idNumber: _, ...noNumber } = profile();
    const missing = await call(cookie, 'put', '/profile', noNumber);
    expect(missing.json.error).toMatchObject({ field: 'idNumber', message: '请填写证件号码' });

    const english = await call(cookie, 'put', '/profile', profile({ name: '张'.repeat(101) }), 'en-US,en;q=0.9');
    expect(english.json.error).toMatchObject({
      field: 'name',
      message: 'Name must not be longer than 100 characters.',
    });
    const chinese = await call(
      cookie,
      'put',
      '/profile',
      profile({ name: '张'.repeat(101) }),
      'zh-CN,zh;q=0.9,en;q=0.8',
    );
    expect(chinese.json.error.message).toBe('姓名或名称不能超过100字');

    const fullWidth = await call(cookie, 'put', '/profile', profile({ idNumber: '３３０１０６19900307123X' }));
    expect(fullWidth.json.error).toMatchObject({ field: 'idNumber' });
    expect(fullWidth.json.error.message).toMatch(/第1位是全角字符"３"，请改用半角数字/);
    const fullWidthEn = await call(cookie, 'put', '/profile', profile({ idNumber: '３３０１０６19900307123X' }), 'en');
    expect(fullWidthEn.json.error.message).toBe(
      'The 1st character of the ID number, "３", is full-width: type the half-width digit "3" instead.',
    );
    for (const res of [long, missing, english, fullWidth, fullWidthEn]) {
      expect(res.json.error.message).not.toMatch(/期望|>=|<=|expected|\w+\.\d+\.\w+/i);
    }
  });
});

describe('identity proofs (身份证明)', () => {
  it('decides the type by content, not by name or Content-Type, and stores nothing refused', async () => {
    const { userId, cookie } = await as();
    const fake = await upload(cookie, Buffer.from('MZ this is not a picture'), 'photo.png', 'image/png');
    expect(fake.status).toBe(415);
    expect(fake.json.error).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', field: 'file' });
    const big = await upload(cookie, Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]), 'big.png');
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await db('identity.proofs').where({ user_id: userId })).toHaveLength(0);
  });

  it('downloads through a short-lived attachment link only for its owner; the owner can delete it', async () => {
    const owner = await as();
    const other = await as();
    const reviewer = await as(['initial_reviewer']);
    const proof = UploadRef.parse((await upload(owner.cookie, PNG, 'licence.png')).json);
    const link = await call(owner.cookie, 'get', `/proofs/${proof.uploadId}/download`);
    expect(link.status).toBe(200);
    const url = link.json.url as string;
    expect(url).toContain('response-content-disposition=attachment');
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);

    expect((await call(other.cookie, 'get', `/proofs/${proof.uploadId}/download`)).status).toBe(404);
    // Staff open proofs through a recorded look (services/filing's review route), not by their id.
    expect((await call(reviewer.cookie, 'get', `/proofs/${proof.uploadId}/download`)).status).toBe(404);
    expect((await call(other.cookie, 'delete', `/proofs/${proof.uploadId}`)).status).toBe(404);
    expect((await call(owner.cookie, 'delete', `/proofs/${proof.uploadId}`)).status).toBe(200);
    expect((await call(owner.cookie, 'get', `/proofs/${proof.uploadId}/download`)).status).toBe(404);
  });
});

describe('staff administration', () => {
  it('only an admin changes a category to 代理律师, recording who, when and the check', async () => {
    const applicant = await as();
    const admin = await as(['admin']);
    // The operator as their login verified them: the history shows this name.
    await db('identity.users').insert({
      id: admin.userId,
      issuer: 'test',
      subject: admin.userId,
      verified_name: '王管理',
    });
    await db('identity.users').insert({ id: applicant.userId, issuer: 'test', subject: applicant.userId });
    expect((await call(applicant.cookie, 'put', '/profile', profile())).status).toBe(200);

    const self = await call(applicant.cookie, 'post', `/admin/users/${applicant.userId}/category`, {
      category: 'agency_lawyer',
      note: '自己改',
    });
    expect(self.status).toBe(403);

    const wrong = await call(admin.cookie, 'post', `/admin/users/${applicant.userId}/category`, {
      category: 'agency_company',
      note: '核对营业执照',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.field).toBe('category');

    const ok = await call(admin.cookie, 'post', `/admin/users/${applicant.userId}/category`, {
      category: 'agency_lawyer',
      note: '已核对律师执业证',
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ category: 'agency_lawyer' });
    const changes = ok.json.categoryChanges as {
      from: string;
      to: string;
      changedBy: string;
      changedByName: string;
      note: string;
    }[];
    expect(changes.at(-1)).toMatchObject({
      from: 'individual',
      to: 'agency_lawyer',
      changedBy: admin.userId,
      changedByName: '王管理',
      note: '已核对律师执业证',
    });

    // The user keeps saving the profile under the category staff set.
    expect((await call(applicant.cookie, 'put', '/profile', profile({ category: 'agency_lawyer' }))).status).toBe(200);
  });

  it('an admin grants staff roles; regional staff need a region', async () => {
    const target = await as();
    const admin = await as(['admin']);
    await db('identity.users').insert({ id: target.userId, issuer: 'test', subject: target.userId });
    const bad = await call(admin.cookie, 'put', `/admin/users/${target.userId}/roles`, { roles: ['regional_staff'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('region');
    const ok = await call(admin.cookie, 'put', `/admin/users/${target.userId}/roles`, {
      roles: ['regional_staff'],
      region: '330100',
    });
    expect(ok.json).toMatchObject({ roles: ['regional_staff'], region: '330100' });
  });

  it('serves its OpenAPI document with every route', async () => {
    const doc = (await (await fetch(`${api.url}/api/identity/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/identity/me',
        '/api/identity/profile',
        '/api/identity/login',
        '/api/identity/proofs',
      ]),
    );
  });

  it('needs a session', async () => {
    const res = await fetch(`${api.url}/api/identity/me`);
    expect(res.status).toBe(401);
  });
});
