import { randomUUID } from 'node:crypto';
import { saveSnapshot } from '@copyreg/filing';
import { config, createDb, createObjectStore, ensureBucket, getObject } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { CertificateList, CertificateSummary, type ErrorBody, VerifyResult } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateApp } from '../src/app';
import { issueCertificate } from '../src/certificates';
import { allocateRegistrationNumber } from '../src/numbers';
import { devRootCertificatePem } from '../src/pki/keys';
import { assertSoundPdf, nssTrusting, pdfsig, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

describe('the certificate service', () => {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  const snapshot = sampleSnapshot();
  let api: Awaited<ReturnType<typeof serve>>;
  let owner: string;
  let other: string;
  let admin: string;
  let number: string;

  beforeAll(async () => {
    await ensureBucket(store, bucket);
    await saveSnapshot(db, snapshot);
    api = await serve(createCertificateApp({ db, store, bucket }));
    owner = await sessionCookie({ userId: snapshot.applicantId, roles: ['applicant'] });
    other = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    admin = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    number = await allocateRegistrationNumber(db, { filingId: snapshot.filingId, workType: 'fine_art', year: 2026 });
  });
  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  const get = (path: string, cookie?: string) =>
    fetch(`${api.url}/api/certificate${path}`, { headers: cookie ? { cookie } : {} });
  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${api.url}/api/certificate${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });

  it('issues once (a retry returns the same object), signed by the office', async () => {
    const input = { snapshot, registrationNumber: number, registeredOn: '2026-11-23' };
    const [a, b] = await Promise.all([
      issueCertificate({ db, store, bucket }, input),
      issueCertificate({ db, store, bucket }, input),
    ]);
    expect(b).toEqual(a);
    expect(await issueCertificate({ db, store, bucket }, input)).toEqual(a);
    const pdf = await getObject(store, a);
    await assertSoundPdf(pdf);
    const out = await pdfsig(await tempPdf(pdf), await nssTrusting(await devRootCertificatePem()));
    expect(out).toContain('Signer Certificate Common Name: 浙江省版权局');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    // A certificate changed after issue (one byte of what the office signed) no longer verifies.
    const tampered = Buffer.from(pdf);
    tampered[2000] = (tampered[2000] ?? 0) ^ 0x01;
    const bad = await pdfsig(await tempPdf(tampered, 'tampered-certificate.pdf'));
    expect(bad).toContain('Digest Mismatch');
    expect(bad).not.toContain('Signature is Valid');
  });

  it('lets the owner and staff download it, and nobody else', async () => {
    const list = CertificateList.parse(await (await get(`/certificates/${snapshot.filingId}`, owner)).json());
    expect(list.items).toHaveLength(1);
    const pdf = await get(`/certificates/${snapshot.filingId}/pdf`, owner);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await get(`/certificates/${snapshot.filingId}/pdf`, admin)).status).toBe(200);
    const refused = await get(`/certificates/${snapshot.filingId}/pdf`, other);
    expect(refused.status).toBe(404);
    expect((await get(`/certificates/${snapshot.filingId}/pdf`)).status).toBe(401);
  });

  it('verifies publicly by number and check code or holder, showing only what is public', async () => {
    const [current] = CertificateList.parse(
      await (await get(`/certificates/${snapshot.filingId}`, owner)).json(),
    ).items;
    const c = new URL(current?.verifyUrl ?? '').searchParams.get('c');
    expect(current?.verifyUrl).toContain(`/verify/${encodeURIComponent(number)}?c=`);
    const byCode = await get(`/verify?number=${encodeURIComponent(number)}&c=${c}`);
    expect(byCode.status).toBe(200);
    const body = (await byCode.json()) as Record<string, unknown>;
    // Exactly the contract's fields: every required one, and no optional one a valid certificate lacks
    // (revokedOn is only for a revoked one).
    const required = Object.entries(VerifyResult.shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([key]) => key);
    expect(Object.keys(body).sort()).toEqual(required.sort());
    expect(body).toMatchObject({
      registrationNumber: number,
      status: 'valid',
      statusText: '有效',
      title: '西湖春晓（组图）',
    });
    expect(JSON.stringify(body)).not.toContain('11010519491231002X');
    const byHolder = await get(`/verify?number=${encodeURIComponent(number)}&holder=${encodeURIComponent('张三')}`);
    expect(byHolder.status).toBe(200);
    const wrong = await get(`/verify?number=${encodeURIComponent(number)}&holder=${encodeURIComponent('王五')}`);
    expect(wrong.status).toBe(404);
    const numberOnly = await get(`/verify?number=${encodeURIComponent(number)}`);
    expect(numberOnly.status).toBe(400);
  });

  it('reissues (补证) under the same number and marks the old edition superseded', async () => {
    const [first] = CertificateList.parse(await (await get(`/certificates/${snapshot.filingId}`, owner)).json()).items;
    expect((await post(`/admin/certificates/${snapshot.filingId}/reissue`, {}, owner)).status).toBe(403);
    const res = await post(`/admin/certificates/${snapshot.filingId}/reissue`, {}, admin);
    expect(res.status).toBe(200);
    const second = CertificateSummary.parse(await res.json());
    expect(second).toMatchObject({ registrationNumber: number, edition: 2, status: 'valid' });
    expect(second.sha256).not.toBe(first?.sha256);
    const oldC = new URL(first?.verifyUrl ?? '').searchParams.get('c');
    const old = VerifyResult.parse(await (await get(`/verify?number=${encodeURIComponent(number)}&c=${oldC}`)).json());
    expect(old).toMatchObject({ status: 'superseded', edition: 1 });
    expect(old.statusText).toContain('已被补发证书取代');
    const newC = new URL(second.verifyUrl).searchParams.get('c');
    const fresh = VerifyResult.parse(
      await (await get(`/verify?number=${encodeURIComponent(number)}&c=${newC}`)).json(),
    );
    expect(fresh).toMatchObject({ status: 'valid', edition: 2, sha256: second.sha256 });
  });

  it('refuses a bad waybill and a delivery for a registration that has no workflow, recording nothing', async () => {
    const bad = await post(`/admin/deliveries/${snapshot.filingId}`, { kind: 'mailed', waybillNo: 'sf 12' }, admin);
    expect(bad.status).toBe(400);
    const none = randomUUID();
    const res = await post(`/admin/deliveries/${none}`, { kind: 'picked_up' }, admin);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
    expect(await db('certificate.deliveries').where({ filing_id: none }).first()).toBeUndefined();
  });
});
