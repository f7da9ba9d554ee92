import { createHash } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_data,
  id_signedData,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { SigningCredential } from './credential';

/**
 * A detached CMS SignedData (RFC 5652) over a SHA-256 digest, as a PDF signature's /Contents
 * holds it: signed attributes content-type, message-digest, signing-time and the ESS
 * signing-certificate-v2 (RFC 5035) that binds the signer's certificate, the certificate chain,
 * and an RSA PKCS #1 v1.5 signature made by the credential's `signHash`.
 */
const oid = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};
/** DER NULL: the parameters of rsaEncryption. */
const NULL = new Uint8Array([0x05, 0x00]).buffer;

/** The parsed chain of a credential, once per credential. */
const chains = new WeakMap<SigningCredential, { certs: Certificate[]; essCertId: Buffer }>();

function chainOf(credential: SigningCredential) {
  let chain = chains.get(credential);
  if (!chain) {
    const certs = credential.certificates.map((der) => {
      const cert = AsnConvert.parse(der, Certificate);
      // asn1-schema writes certificates from their parsed fields: they must come out as they went in.
      if (!Buffer.from(AsnConvert.serialize(cert)).equals(Buffer.from(der))) {
        throw new Error('a certificate of the chain is not in canonical DER');
      }
      return cert;
    });
    const first = credential.certificates[0];
    if (!first) throw new Error('a credential without a certificate');
    chain = { certs, essCertId: createHash('sha256').update(first).digest() };
    chains.set(credential, chain);
  }
  return chain;
}

export async function cmsSignedData(
  credential: SigningCredential,
  contentDigest: Uint8Array,
  signingTime: Date,
): Promise<Buffer> {
  const { certs, essCertId } = chainOf(credential);
  const signer = certs[0] as Certificate;
  const attributes = [
    attribute(oid.contentType, der(0x06, Buffer.from('2a864886f70d010701', 'hex'))), // id-data
    attribute(oid.signingTime, der(0x17, Buffer.from(utcTime(signingTime), 'latin1'))),
    attribute(oid.messageDigest, der(0x04, Buffer.from(contentDigest))),
    // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }; hashAlgorithm SHA-256 by default.
    attribute(oid.signingCertificateV2, der(0x30, der(0x30, der(0x30, der(0x04, essCertId))))),
  ];
  // DER: a SET OF in ascending order of the encodings; signed with the SET tag (RFC 5652 §5.4).
  const encoded = attributes
    .map((a) => ({ a, bytes: Buffer.from(AsnConvert.serialize(a)) }))
    .sort((x, y) => Buffer.compare(x.bytes, y.bytes));
  const signedAttributes = der(0x31, Buffer.concat(encoded.map((e) => e.bytes)));
  const signature = await credential.signHash(createHash('sha256').update(signedAttributes).digest());

  const signedData = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new DigestAlgorithmIdentifier({ algorithm: oid.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certs.map((certificate) => new CertificateChoices({ certificate }))),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: CMSVersion.v1,
        sid: new SignerIdentifier({
          issuerAndSerialNumber: new IssuerAndSerialNumber({
            issuer: signer.tbsCertificate.issuer,
            serialNumber: signer.tbsCertificate.serialNumber,
          }),
        }),
        digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: oid.sha256 }),
        signedAttrs: encoded.map((e) => e.a),
        signatureAlgorithm: new SignatureAlgorithmIdentifier({ algorithm: oid.rsaEncryption, parameters: NULL }),
        signature: new OctetString(signature),
      }),
    ]),
  });
  const contentInfo = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

function attribute(type: string, value: Buffer): Attribute {
  return new Attribute({ attrType: type, attrValues: [toArrayBuffer(value)] });
}

const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

/** A DER TLV. */
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** UTCTime (YYMMDDHHMMSSZ), as RFC 5652 asks for dates from 1950 to 2049. */
function utcTime(d: Date): string {
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}
