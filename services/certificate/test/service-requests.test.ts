import { randomUUID } from 'node:crypto';
import { config, createDb, createObjectStore, ensureBucket, getObject } from '@copyreg/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCode, issueCertificate, reissueCertificate, verifyCertificate } from '../src/certificates';
import { allocateRegistrationNumber } from '../src/numbers';
import { devRootCertificatePem } from '../src/pki/keys';
import { fileContractRecord } from '../src/service-requests';
import { assertSoundPdf, nssTrusting, pdfsig, pdftotext, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

/**
 * 其他登记服务, the certificate's side: a change registration's edition (once per request, the
 * changed facts, public verification marking the old edition superseded) and the 备案证明 of a
 * contract (numbered once per request, signed, sound).
 */
describe('editions and filing records of service requests', () => {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  const deps = { db, store, bucket };
  const snapshot = sampleSnapshot({ filingId: randomUUID() });
  let number: string;

  beforeAll(async () => {
    await ensureBucket(store, bucket);
    number = await allocateRegistrationNumber(db, { filingId: snapshot.filingId, workType: 'fine_art', year: 2026 });
    await issueCertificate(deps, { snapshot, registrationNumber: number, registeredOn: '2026-11-23' });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('a change: one new edition per request with the changed facts; the old one verifies as superseded', async () => {
    const by = {
      requestId: randomUUID(),
      operatorId: randomUUID(),
      reason: 'change' as const,
      changes: { title: '西湖春色（修订版）', firstPublishedOn: '2026-01-05', published: true },
    };
    const [a, b] = await Promise.all([
      reissueCertificate(deps, snapshot.filingId, by),
      reissueCertificate(deps, snapshot.filingId, by),
    ]);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ edition: 2, status: 'valid', registrationNumber: number, title: '西湖春色（修订版）' });
    const old = await verifyCertificate(db, { number, c: checkCode(number, 1) });
    expect(old).toMatchObject({ status: 'superseded', edition: 1 });
    expect(old.statusText).toBe('已被变更登记后的证书取代（最新为第 2 版）');
    const current = await verifyCertificate(db, { number, c: checkCode(number, 2) });
    expect(current).toMatchObject({ status: 'valid', title: '西湖春色（修订版）' });

    const row = await db('certificate.certificates').where({ service_request_id: by.requestId }).first();
    const pdf = await getObject(store, { bucket: row.bucket, key: row.object_key });
    await assertSoundPdf(pdf);
    const text = await pdftotext(await tempPdf(pdf));
    expect(text).toContain('西湖春色（修订版）');
    expect(text).toContain('变更（第 2 版）');
    expect(text).toContain('2026年01月05日');
  });

  it('a transfer: one numbered record per request; its 备案证明 is signed by the office and sound', async () => {
    const input = {
      requestId: randomUUID(),
      kind: 'transfer' as const,
      filingId: snapshot.filingId,
      operatorId: randomUUID(),
      completedAt: '2026-11-30T03:00:00.000Z',
      contract: { assignee: '杭州西湖文化传媒有限公司', rights: ['reproduction' as const], signedOn: '2026-11-01' },
    };
    const [a, b] = await Promise.all([fileContractRecord(deps, input), fileContractRecord(deps, input)]);
    expect(b).toEqual(a);
    expect(a.recordNumber).toMatch(/^浙作备字-2026-\d{8}$/);
    const pdf = await getObject(store, a.ref);
    await assertSoundPdf(pdf);
    const file = await tempPdf(pdf);
    const text = await pdftotext(file);
    for (const s of ['著作权转让合同备案证明', a.recordNumber, number, '杭州西湖文化传媒有限公司', '复制权']) {
      expect(text).toContain(s);
    }
    const sig = await pdfsig(file, await nssTrusting(await devRootCertificatePem()));
    expect(sig).toContain('Signature Validation: Signature is Valid.');
  });
});
