/**
 * CPU per registration of the documents, phase by phase (not a test: `npx tsx test/documents-cpu.ts [n]`).
 * The same work as the bench's documents baseline: the form, two signatures with their
 * appearances, the certificate, the office's signature over it. Needs the stack's Postgres
 * (the development CA's keys).
 */
import { randomUUID } from 'node:crypto';
import { createDb } from '@copyreg/kit';
import type { FilingSnapshot } from '@copyreg/proto';
import { renderApplicationForm } from '../src/pdf/application-form';
import { renderCertificate } from '../src/pdf/certificate-document';
import { signPdf } from '../src/pdf/sign';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from '../src/pdf/signature-slots';
import { personSignatureStamp } from '../src/pdf/stamps';
import { officeIdentity, signerIdentity } from '../src/pki/keys';

function snapshot(i: number): FilingSnapshot {
  return {
    filingId: randomUUID(),
    versionNo: 1,
    applicantId: randomUUID(),
    serialNo: `ZJ2026${String(i).padStart(9, '0')}`,
    region: '330106',
    content: {
      title: `西湖晨雾 第${i}号`,
      workType: 'photography',
      creationNature: 'original',
      completedOn: '2026-03-05',
      published: false,
      ownershipMode: 'individual',
      acquisitionMode: 'original',
      rightsScope: 'all',
      rights: [],
      description: '摄影作品，拍摄对象为清晨西湖断桥与薄雾，光圈 f/8，快门 1/250 秒，ISO 200，焦距 35 毫米。',
      creationProcess: '作者于 2026 年 3 月清晨在西湖边独立拍摄完成，意在表现江南早春的宁静。',
      samples: [
        { uploadId: randomUUID(), name: '晨雾.jpg', sha256: 'ab'.repeat(32), size: 1_234_567, mime: 'image/jpeg' },
      ],
      attachments: [],
      holders: [
        {
          holderType: 'individual',
          name: '张三',
          idType: 'resident_id',
          idNumber: '11010519491231002X',
          region: '330106',
        },
      ],
      authors: [{ name: '张三' }],
      invoiceEmail: 'bench@example.com',
      certificateDelivery: 'mail',
    },
    signers: [
      { signerId: randomUUID(), kind: 'holder', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X' },
      { signerId: randomUUID(), kind: 'writer', name: '李四', idType: 'resident_id', idNumber: '330106199001011234' },
    ],
    frozenAt: new Date().toISOString(),
  } as FilingSnapshot;
}

const n = Number(process.argv[2] ?? 30);
const db = createDb();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const phases = { form: 0, stamps: 0, signatures: 0, certificate: 0, seal: 0 };
const office = await officeIdentity(db);
const s0 = snapshot(0);
const identities = await Promise.all(s0.signers.map((s) => signerIdentity(db, s)));
const slots = signatureSlots(2);

async function one(i: number, record: boolean) {
  const s = snapshot(i);
  const add = (k: keyof typeof phases, t: number) => {
    if (record) phases[k] += cpu() - t;
  };
  let t = cpu();
  let pdf: Uint8Array = await renderApplicationForm(s);
  add('form', t);
  for (const [k, signer] of s.signers.entries()) {
    t = cpu();
    const appearance = await personSignatureStamp(signer.name, '2026-11-23');
    add('stamps', t);
    t = cpu();
    pdf = await signPdf(pdf, {
      identity: identities[k] as never,
      fieldName: `signer-${k + 1}`,
      signerName: signer.name,
      reason: '著作权人签章',
      location: '杭州',
      signingTime: new Date(),
      pageIndex: SIGNATURE_PAGE_INDEX,
      rect: slots[k] as never,
      appearance,
    });
    add('signatures', t);
  }
  t = cpu();
  const certificate = await renderCertificate({
    registrationNumber: `浙作登字-2026-I-${String(i).padStart(8, '0')}`,
    title: s.content.title,
    workType: s.content.workType,
    authors: ['张三'],
    holders: ['张三'],
    completedOn: s.content.completedOn,
    registeredOn: '2026-11-23',
    edition: 1,
    officeName: '浙江省版权局',
    verifyUrl: `http://127.0.0.1:3000/verify/${i}`,
  });
  add('certificate', t);
  t = cpu();
  await signPdf(certificate, {
    identity: office,
    fieldName: 'office',
    signerName: '浙江省版权局',
    reason: '作品登记证书',
    location: '杭州',
    signingTime: new Date(),
    pageIndex: 0,
    rect: { x: 380, y: 140, width: 130, height: 130 },
  });
  add('seal', t);
}

for (let i = 0; i < 3; i++) await one(-1 - i, false);
const start = cpu();
for (let i = 0; i < n; i++) await one(i, true);
const total = (cpu() - start) / n;
const per = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round((v / n) * 10) / 10]));
console.log(JSON.stringify({ n, cpuMsPerRegistration: Math.round(total * 10) / 10, ...per }));
await db.destroy();
