import { randomInt, randomUUID } from 'node:crypto';
import { config, createDb, createObjectStore, ensureBucket } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import {
  ApplicantProofs,
  type ErrorBody,
  idDocumentRegion,
  inZhejiang,
  jurisdictionOfDocument,
  Me,
  type ProfileInput,
  usccCheckChar,
} from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityApp, jurisdictionOf } from '../src/index';
import { PNG, rid, unreachableOidc } from './helpers';

/**
 * 管辖 (Art. 7; the manual's 资料完善 note): a person or organisation whose ID document was issued
 * outside Zhejiang uploads a proof of working, studying or living in Zhejiang (purpose=residence).
 */
const db = createDb();
const store = createObjectStore();
const bucket = config().S3_BUCKET;
let api: Awaited<ReturnType<typeof serve>>;

const someId = (region: string) =>
  rid(`${region}${1960 + randomInt(40)}0101${String(randomInt(1000)).padStart(3, '0')}`);
const profile = (idNumber: string): ProfileInput => ({
  category: 'individual',
  name: '赵六',
  idType: 'resident_id',
  idNumber,
  handler: '赵六',
  handlerMobile: '13800000000',
  invoiceEmail: 'zhao@example.com',
  recipient: '赵六',
  recipientMobile: '13800000000',
  mailingAddress: '浙江省杭州市西湖区文三路1号',
});
const as = async (roles: ('applicant' | 'admin')[] = ['applicant']) => {
  const userId = randomUUID();
  return { userId, cookie: await sessionCookie({ userId, roles }) };
};
const call = async (cookie: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${api.url}/api/identity${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & ErrorBody };
};
const upload = async (cookie: string, query = '') => {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'proof.png');
  const res = await fetch(`${api.url}/api/identity/proofs${query}`, {
    method: 'POST',
    headers: { cookie },
    body: form,
  });
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

describe('the region of an ID document', () => {
  it('reads a resident ID’s first 6 digits and a USCC’s characters 3–8; none for other documents', () => {
    expect(idDocumentRegion('resident_id', rid('33010619900307123'))).toBe('330106');
    const uscc = `91110105MA01234567`.slice(0, 17);
    expect(idDocumentRegion('uscc', uscc + usccCheckChar(uscc))).toBe('110105');
    expect(idDocumentRegion('passport', 'E12345678')).toBeUndefined();
    expect(inZhejiang('330106')).toBe(true);
    expect(inZhejiang('110105')).toBe(false);
    expect(jurisdictionOfDocument('passport', 'E12345678', []).basis).toBe('missing');
    expect(jurisdictionOfDocument('passport', 'E12345678', ['p']).basis).toBe('residence_proof');
    expect(jurisdictionOfDocument('uscc', `91330106MA27XY01B${usccCheckChar('91330106MA27XY01B')}`, []).basis).toBe(
      'uscc',
    );
  });
});

describe('在浙工作/学习/居住证明 (proof of residence)', () => {
  it('is asked of a person from outside Zhejiang, uploaded apart from the identity proofs, and seen by staff as such', async () => {
    const a = await as();
    expect((await call(a.cookie, 'put', '/profile', profile(someId('110105')))).status).toBe(200);
    expect((await upload(a.cookie)).status).toBe(201); // 身份证明
    let me = Me.parse((await call(a.cookie, 'get', '/me')).json);
    expect(me.profileComplete).toBe(true);
    expect(me.residenceProofRequired).toBe(true);
    expect((await jurisdictionOf(db, a.userId))?.basis).toBe('missing');

    const residence = await upload(a.cookie, '?purpose=residence');
    expect(residence.status).toBe(201);
    me = Me.parse((await call(a.cookie, 'get', '/me')).json);
    expect(me.profile?.residenceProofs?.map((p) => p.uploadId)).toEqual([residence.json.uploadId]);
    expect(me.profile?.proofs.map((p) => p.uploadId)).not.toContain(residence.json.uploadId);
    expect(await jurisdictionOf(db, a.userId)).toMatchObject({
      basis: 'residence_proof',
      documentRegion: '110105',
      residenceProofIds: [residence.json.uploadId],
    });

    // Staff see it marked as what it is (reviewers through the filing: services/filing's applicant-proofs).
    const admin = await as(['admin']);
    const seen = ApplicantProofs.parse(
      (await call(admin.cookie, 'get', `/staff/users/${a.userId}/proofs?reason=${encodeURIComponent('核对居住证明')}`))
        .json,
    );
    expect(seen.proofs.find((p) => p.uploadId === residence.json.uploadId)?.purpose).toBe('residence');

    // Deleted like any proof: the standing goes back to missing.
    expect((await call(a.cookie, 'delete', `/proofs/${residence.json.uploadId}`)).status).toBe(200);
    expect((await jurisdictionOf(db, a.userId))?.basis).toBe('missing');
  });

  it('is not asked of a Zhejiang resident; an unknown purpose is refused with 400 naming it', async () => {
    const a = await as();
    expect((await call(a.cookie, 'put', '/profile', profile(someId('330106')))).status).toBe(200);
    expect(Me.parse((await call(a.cookie, 'get', '/me')).json).residenceProofRequired).toBe(false);
    const bad = await upload(a.cookie, '?purpose=elsewhere');
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('query.purpose');
  });
});
