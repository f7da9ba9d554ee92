import { createHash, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { renderCertificate } from '../src/pdf/certificate-document';
import { signPdf } from '../src/pdf/sign';
import { cmsSignedData } from '../src/pki/cms';
import { keyCredential, type SigningCredential } from '../src/pki/credential';
import { officeIdentity } from '../src/pki/keys';
import { pdfsig, tempPdf } from './pdf-tools';

describe('the CMS SignedData over Node crypto', () => {
  it('reads back with @peculiar/asn1-cms: attributes, chain, a signature the certificate verifies', async () => {
    const credential = await officeIdentity();
    const digest = createHash('sha256').update('the signed byte ranges').digest();
    const at = new Date(Date.UTC(2026, 10, 23, 9, 30, 5));
    const cms = await cmsSignedData(credential, digest, at);

    const info = AsnConvert.parse(cms, ContentInfo);
    expect(info.contentType).toBe('1.2.840.113549.1.7.2');
    const signed = AsnConvert.parse(info.content, SignedData);
    expect(signed.encapContentInfo.eContent).toBeUndefined(); // detached
    expect(signed.certificates?.length).toBe(credential.certificates.length);
    const [signer] = signed.signerInfos;
    if (!signer?.signedAttrs) throw new Error('no signed attributes');
    const attrs = new Map(
      signer.signedAttrs.map((a) => [a.attrType, Buffer.from(a.attrValues[0] ?? new ArrayBuffer(0))]),
    );
    expect(attrs.get('1.2.840.113549.1.9.3')?.toString('hex')).toBe('06092a864886f70d010701'); // id-data
    expect(attrs.get('1.2.840.113549.1.9.4')?.subarray(2).equals(digest)).toBe(true);
    expect(attrs.get('1.2.840.113549.1.9.5')?.subarray(2).toString('latin1')).toBe('261123093005Z');
    const certHash = createHash('sha256')
      .update(credential.certificates[0] as Uint8Array)
      .digest();
    expect(attrs.get('1.2.840.113549.1.9.16.2.47')?.subarray(-32).equals(certHash)).toBe(true);

    // The signature is over the attributes' DER as a SET OF (sorted), re-encoded here by asn1-schema.
    const encoded = signer.signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a))).sort(Buffer.compare);
    const body = Buffer.concat(encoded);
    expect(body.length).toBeLessThan(128 * 2);
    const set = Buffer.concat([Buffer.from([0x31, 0x81, body.length]), body]);
    const key = new X509Certificate(credential.certificates[0] as Uint8Array).publicKey;
    expect(verify('sha256', set, key, Buffer.from(signer.signature.buffer))).toBe(true);
    expect(verify('sha256', Buffer.concat([set, Buffer.from([0])]), key, Buffer.from(signer.signature.buffer))).toBe(
      false,
    );
  });

  it('signs through any credential that signs a hash (as a remote signing service would)', async () => {
    const local = await officeIdentity();
    const hashes: Uint8Array[] = [];
    const remote: SigningCredential = {
      certificates: local.certificates,
      signHash: async (digest) => {
        hashes.push(digest);
        return local.signHash(digest);
      },
    };
    const pdf = await renderCertificate({
      registrationNumber: '浙作登字-2026-F-00000009',
      title: '远程签名',
      workType: 'fine_art',
      authors: ['张三'],
      holders: ['张三'],
      completedOn: '2026-03-05',
      registeredOn: '2026-11-23',
      edition: 1,
      officeName: '浙江省版权局',
      verifyUrl: 'http://127.0.0.1:3000/verify/x?c=7KQ2M9XA',
    });
    const signed = await signPdf(pdf, {
      identity: remote,
      fieldName: 'office',
      signerName: '浙江省版权局',
      reason: '作品登记证书',
      location: '杭州',
      signingTime: new Date(),
      pageIndex: 0,
      rect: { x: 0, y: 0, width: 0, height: 0 },
    });
    expect(hashes).toHaveLength(1);
    expect(hashes[0]?.length).toBe(32);
    expect(await pdfsig(await tempPdf(signed))).toContain('Signature Validation: Signature is Valid.');
    // A key that is not the certificate's: pdfsig must say so.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await signPdf(pdf, {
      identity: { certificates: local.certificates, signHash: keyCredential(privateKey, []).signHash },
      fieldName: 'office',
      signerName: '浙江省版权局',
      reason: '作品登记证书',
      location: '杭州',
      signingTime: new Date(),
      pageIndex: 0,
      rect: { x: 0, y: 0, width: 0, height: 0 },
    });
    expect(await pdfsig(await tempPdf(forged))).not.toContain('Signature is Valid');
  });
});
