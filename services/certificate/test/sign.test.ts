import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDb } from '@copyreg/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { renderApplicationForm } from '../src/pdf/application-form';
import { A4, type Rect } from '../src/pdf/layout';
import { signPdf } from '../src/pdf/sign';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from '../src/pdf/signature-slots';
import { organisationSealStamp, personSignatureStamp, STAMP_SIZE } from '../src/pdf/stamps';
import { devRootCertificatePem, signerCredential } from '../src/pki/keys';
import { assertSoundPdf, nssTrusting, pdfsig, pdftoppm, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

describe('ordered PDF signatures as incremental updates', () => {
  const db = createDb();
  afterAll(() => db.destroy());

  /**
   * Signs the sample form by each of its three signers in turn, checking every incremental
   * update; `where` picks each mark's rectangle.
   */
  async function signAll(
    where: (i: number, size: { width: number; height: number }) => Rect,
    { appearance = true, names }: { appearance?: boolean; names?: string[] } = {},
  ) {
    const base = sampleSnapshot();
    const snapshot = names
      ? { ...base, signers: base.signers.map((s, i) => ({ ...s, name: names[i] ?? s.name })) }
      : base;
    const form = await renderApplicationForm(snapshot);
    await assertSoundPdf(form);
    let pdf: Uint8Array = form;
    for (const [i, signer] of snapshot.signers.entries()) {
      const organisation = signer.idType === 'uscc';
      const size = organisation ? STAMP_SIZE.organisation : STAMP_SIZE.person;
      const before = pdf;
      pdf = await signPdf(pdf, {
        identity: await signerCredential(signer, { placementId: `test-${i}`, confirmedAt: new Date() }),
        fieldName: `签章${i + 1} ${signer.name}`,
        signerName: signer.name,
        reason: signer.kind === 'writer' ? '执笔者签章' : '著作权人签章',
        location: '作品自愿登记平台',
        signingTime: new Date(Date.UTC(2026, 10, 23, 9, i, 17, 345)),
        pageIndex: SIGNATURE_PAGE_INDEX,
        rect: where(i, size),
        ...(appearance
          ? {
              appearance: organisation
                ? await organisationSealStamp(signer.name)
                : await personSignatureStamp(signer.name, '2026-11-23'),
            }
          : {}),
      });
      // An incremental update: the earlier bytes stay as they were, and the whole file is sound.
      expect(Buffer.from(pdf.subarray(0, before.length)).equals(Buffer.from(before))).toBe(true);
      await assertSoundPdf(pdf).catch((err) => {
        throw new Error(`after signature ${i + 1}: ${(err as Error).message}`);
      });
    }
    return { form, pdf };
  }

  const slots = signatureSlots(3);
  const inSlot = (i: number) => ({ x: slots[i]?.x ?? 0, y: slots[i]?.y ?? 0 });
  // Where 开始签署 used to leave a mark: the page's top-left corner.
  const topLeft = (_i: number, size: { height: number }) => ({ x: 36, y: A4.height - 36 - size.height });

  it('keeps every earlier signature valid, and reports a changed byte as a digest mismatch', async () => {
    const { pdf } = await signAll((i, size) => ({ ...inSlot(i), ...size }));
    const file = await tempPdf(pdf, 'signed.pdf');
    if (process.env.UPDATE_SAMPLES) {
      // The signed form's signature page, for docs/samples (look at it).
      const samples = path.resolve(__dirname, '../../../docs/samples');
      await writeFile(path.join(samples, 'application-form-signed.pdf'), pdf);
      const [png] = await pdftoppm(file, path.join(path.dirname(file), 'signed'), 80, 2);
      if (png) await copyFile(png, path.join(samples, 'application-form-signed-2.png'));
    }
    const out = await pdfsig(file, await nssTrusting(await devRootCertificatePem()));
    expect(out.match(/Signature #\d+/g)).toHaveLength(3);
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(3);
    // The development CA in an NSS db: each signer's certificate chains to a trusted root.
    expect(out.match(/Certificate Validation: Certificate is Trusted\./g)).toHaveLength(3);
    expect(out).not.toContain('Digest Mismatch');

    const tampered = Buffer.from(pdf);
    tampered[2000] = (tampered[2000] ?? 0) ^ 0x01;
    const bad = await pdfsig(await tempPdf(tampered, 'tampered.pdf'));
    expect(bad).toContain('Digest Mismatch');
  });

  it('every update has a sound cross-reference table: marks left at the top-left corner', async () => {
    const { pdf } = await signAll((i, size) => ({ ...topLeft(i, size), ...size }));
    const out = await pdfsig(await tempPdf(pdf, 'top-left.pdf'));
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(3);
  });

  it('names whose characters end in the bytes of ( ) and \\ are written as text, not as broken strings', async () => {
    // 作 is U+4F5C (a backslash in its low byte), 弨 U+5F28 and 伩 U+4F29 a parenthesis each.
    const names = ['王小作', '杭州弨某工作室伩', '李作'];
    const { pdf } = await signAll((i, size) => ({ ...inSlot(i), ...size }), { names });
    const out = await pdfsig(await tempPdf(pdf, 'names.pdf'));
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(3);
    for (const [i, name] of names.entries()) expect(out).toContain(`Signature Field Name: 签章${i + 1} ${name}`);
  });

  it('every update has a sound cross-reference table: invisible signatures (no appearance)', async () => {
    const { pdf } = await signAll(() => ({ x: 0, y: 0, width: 0, height: 0 }), { appearance: false });
    const out = await pdfsig(await tempPdf(pdf, 'invisible.pdf'));
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(3);
  });
});
