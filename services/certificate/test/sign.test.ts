import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb } from '@copyreg/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { renderApplicationForm } from '../src/pdf/application-form';
import { signPdf } from '../src/pdf/sign';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from '../src/pdf/signature-slots';
import { organisationSealStamp, personSignatureStamp, STAMP_SIZE } from '../src/pdf/stamps';
import { devRootCertificatePem, signerIdentity } from '../src/pki/keys';
import { nssTrusting, pdfsig, pdftoppm, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

describe('ordered PDF signatures as incremental updates', () => {
  const db = createDb();
  afterAll(() => db.destroy());

  it('keeps every earlier signature valid, and reports a changed byte as a digest mismatch', async () => {
    const snapshot = sampleSnapshot();
    const form = await renderApplicationForm(snapshot);
    const slots = signatureSlots(snapshot.signers.length);
    let pdf: Uint8Array = form;
    for (const [i, signer] of snapshot.signers.entries()) {
      const organisation = signer.idType === 'uscc';
      const size = organisation ? STAMP_SIZE.organisation : STAMP_SIZE.person;
      const slot = slots[i];
      if (!slot) throw new Error('no slot');
      pdf = await signPdf(pdf, {
        identity: await signerIdentity(db, signer),
        fieldName: `签章 ${i + 1}`,
        signerName: signer.name,
        reason: '作品登记申请表签章',
        location: '浙江',
        signingTime: new Date('2026-11-23T09:00:00Z'),
        pageIndex: SIGNATURE_PAGE_INDEX,
        rect: { x: slot.x, y: slot.y, ...size },
        appearance: organisation
          ? await organisationSealStamp(signer.name)
          : await personSignatureStamp(signer.name, '2026-11-23'),
      });
      expect(Buffer.from(pdf.subarray(0, form.length)).equals(Buffer.from(form))).toBe(true);
    }
    const file = await tempPdf(pdf, 'signed.pdf');
    if (process.env.UPDATE_SAMPLES) {
      // The signed form's signature page, for docs/samples (look at it).
      const samples = path.resolve(__dirname, '../../../docs/samples');
      await writeFile(path.join(samples, 'application-form-signed.pdf'), pdf);
      const [png] = await pdftoppm(file, path.join(path.dirname(file), 'signed'), 80, 2);
      if (png) await copyFile(png, path.join(samples, 'application-form-signed-2.png'));
    }
    const out = await pdfsig(file, await nssTrusting(await devRootCertificatePem(db)));
    expect(out.match(/Signature #\d+/g)).toHaveLength(3);
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(3);
    // The development CA in an NSS db: each signer's certificate chains to a trusted root.
    expect(out.match(/Certificate Validation: Certificate is Trusted\./g)).toHaveLength(3);
    expect(out).not.toContain('Digest Mismatch');

    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('西湖') > 0 ? 2000 : 2000;
    tampered[at] = (tampered[at] ?? 0) ^ 0x01;
    const bad = await pdfsig(await tempPdf(tampered, 'tampered.pdf'));
    expect(bad).toContain('Digest Mismatch');
  });
});
