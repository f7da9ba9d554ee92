import { randomUUID } from 'node:crypto';
import type { FilingSnapshot } from '@copyreg/proto';
import type { Knex } from 'knex';
import { renderApplicationForm } from './pdf/application-form';
import { renderCertificate } from './pdf/certificate-document';
import { signPdf } from './pdf/sign';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from './pdf/signature-slots';
import { personSignatureStamp, STAMP_SIZE } from './pdf/stamps';
import { officeIdentity, signerIdentity } from './pki/keys';

/**
 * Documents throughput in this process (one core: pdf-lib and signing are synchronous): the
 * application form rendered, signed by each signer (an incremental update each, with a visible
 * signature), and the certificate rendered and signed by the office. For `npm run bench`.
 */
export interface DocumentsMeasurement {
  n: number;
  signersPerForm: number;
  formsRenderedPerSecond: number;
  signaturesPerSecond: number;
  certificatesIssuedPerSecond: number;
  /** Render + every signature + certificate, per registration. */
  registrationsPerSecond: number;
  bytes: { form: number; signedForm: number; certificate: number };
  msEach: { renderForm: number; signature: number; certificate: number };
  /** CPU time of this process per registration (user + system): the figure that holds on a busy machine. */
  cpuMsPerRegistration: number;
  /** 1000 / cpuMsPerRegistration: registrations per second one uncontended core would do. */
  registrationsPerCpuSecond: number;
}

export async function measureDocuments(
  db: Knex,
  snapshot: (i: number) => FilingSnapshot,
  n = 20,
): Promise<DocumentsMeasurement> {
  const office = await officeIdentity(db);
  const first = snapshot(0);
  const identities = await Promise.all(first.signers.map((s) => signerIdentity(db, s)));
  let renderMs = 0;
  let signMs = 0;
  let certMs = 0;
  let signatures = 0;
  const bytes = { form: 0, signedForm: 0, certificate: 0 };
  const one = async (i: number, record: boolean) => {
    const s = { ...snapshot(i), filingId: randomUUID() };
    let t = performance.now();
    let pdf: Uint8Array = await renderApplicationForm(s);
    const formBytes = pdf.length;
    renderMs += record ? performance.now() - t : 0;
    const slots = signatureSlots(s.signers.length);
    for (const [k, signer] of s.signers.entries()) {
      t = performance.now();
      const slot = slots[k] ?? { x: 60, y: 400 };
      pdf = await signPdf(pdf, {
        identity: identities[k] ?? (await signerIdentity(db, signer)),
        fieldName: `签章${k + 1}`,
        signerName: signer.name,
        reason: '著作权人签章',
        location: '作品自愿登记平台',
        signingTime: new Date(),
        pageIndex: SIGNATURE_PAGE_INDEX,
        rect: { x: slot.x, y: slot.y, ...STAMP_SIZE.person },
        appearance: await personSignatureStamp(signer.name, '2026-11-23'),
      });
      if (record) {
        signMs += performance.now() - t;
        signatures += 1;
      }
    }
    t = performance.now();
    const certificate = await renderCertificate({
      registrationNumber: `浙作登字-2026-F-${String(i + 1).padStart(8, '0')}`,
      title: s.content.title,
      workType: s.content.workType,
      authors: s.content.authors.map((a) => a.name),
      holders: s.content.holders.map((h) => h.name),
      completedOn: s.content.completedOn,
      firstPublishedOn: s.content.firstPublishedOn,
      registeredOn: '2026-11-23',
      edition: 1,
      officeName: '浙江省版权局',
      verifyUrl: `http://127.0.0.1:3000/verify/${i}?c=0123ABCD`,
    });
    const signedCertificate = await signPdf(certificate, {
      identity: office,
      fieldName: 'office',
      signerName: '浙江省版权局',
      reason: '作品登记证书',
      location: '浙江省版权局',
      signingTime: new Date(),
      pageIndex: 0,
      rect: { x: 0, y: 0, width: 0, height: 0 },
    });
    if (record) {
      certMs += performance.now() - t;
      bytes.form = formBytes;
      bytes.signedForm = pdf.length;
      bytes.certificate = signedCertificate.length;
    }
  };
  await one(-1, false); // the font is parsed once per process: not part of the steady state
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await one(i, true);
  const total = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / n;
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n,
    signersPerForm: first.signers.length,
    formsRenderedPerSecond: r(n / (renderMs / 1000)),
    signaturesPerSecond: r(signatures / (signMs / 1000)),
    certificatesIssuedPerSecond: r(n / (certMs / 1000)),
    registrationsPerSecond: r(n / total),
    bytes,
    msEach: { renderForm: r(renderMs / n), signature: r(signMs / Math.max(signatures, 1)), certificate: r(certMs / n) },
    cpuMsPerRegistration: r(cpuMs),
    registrationsPerCpuSecond: r(1000 / cpuMs),
  };
}
