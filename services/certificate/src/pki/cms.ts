import { createHash } from 'node:crypto';
import { CMSVersion, IssuerAndSerialNumber, id_data, id_signedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { SigningCredential } from './credential';

/**
 * A detached CMS SignedData (RFC 5652) over a SHA-256 digest, as a PDF signature's /Contents
 * holds it: signed attributes content-type, message-digest, signing-time and the ESS
 * signing-certificate-v2 (RFC 5035) that binds the signer's certificate, the certificate chain,
 * and an RSA PKCS #1 v1.5 signature made by the credential's `signHash`.
 *
 * @peculiar/asn1-x509 parses the signer's certificate and @peculiar/asn1-cms writes its
 * identifier, once per credential; the rest is a few DER sequences written here, with the
 * certificates copied as they are (asn1-schema's serializer cost ~15 ms a signature, most of it
 * re-encoding the certificates). test/cms.test.ts reads the result back with @peculiar/asn1-cms.
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
const NULL = Buffer.from([0x05, 0x00]);

/**
 * What a credential's signatures share, built once per certificate chain (a remote signer's
 * credential is made per consent, around the chain its provider gave once): the SignedData's fields up to
 * its signer infos (version, digest algorithms, the detached content's type, the certificates as
 * their own DER), the signer's identifier and the ESS certificate hash.
 */
interface Prepared {
  head: Buffer;
  sid: Buffer;
  essCertId: Buffer;
}
const prepared = new WeakMap<readonly Uint8Array[], Prepared>();

function prepare(credential: SigningCredential): Prepared {
  let p = prepared.get(credential.certificates);
  if (!p) {
    const [first] = credential.certificates;
    if (!first) throw new Error('a credential without a certificate');
    const signer = AsnConvert.parse(first, Certificate);
    const sid = Buffer.from(
      AsnConvert.serialize(
        new IssuerAndSerialNumber({
          issuer: signer.tbsCertificate.issuer,
          serialNumber: signer.tbsCertificate.serialNumber,
        }),
      ),
    );
    const head = Buffer.concat([
      der(0x02, Buffer.from([CMSVersion.v1])),
      der(0x31, algorithm(oid.sha256)),
      der(0x30, der(0x06, oidBytes(id_data))),
      der(0xa0, Buffer.concat(credential.certificates.map((c) => Buffer.from(c)))), // [0] IMPLICIT CertificateSet
    ]);
    p = { head, sid, essCertId: createHash('sha256').update(first).digest() };
    prepared.set(credential.certificates, p);
  }
  return p;
}

export async function cmsSignedData(
  credential: SigningCredential,
  contentDigest: Uint8Array,
  signingTime: Date,
): Promise<Buffer> {
  const { head, sid, essCertId } = prepare(credential);
  const attributes = [
    attribute(oid.contentType, der(0x06, oidBytes(id_data))),
    attribute(oid.signingTime, der(0x17, Buffer.from(utcTime(signingTime), 'latin1'))),
    attribute(oid.messageDigest, der(0x04, Buffer.from(contentDigest))),
    // SigningCertificateV2 { certs { ESSCertIDv2 { certHash } } }; hashAlgorithm SHA-256 by default.
    attribute(oid.signingCertificateV2, der(0x30, der(0x30, der(0x30, der(0x04, essCertId))))),
  ];
  // DER: a SET OF in ascending order of the encodings; signed with the SET tag (RFC 5652 §5.4),
  // carried in the SignerInfo as [0] IMPLICIT.
  const sorted = Buffer.concat(attributes.sort(Buffer.compare));
  const signature = await credential.signHash(createHash('sha256').update(der(0x31, sorted)).digest());
  const signerInfo = der(
    0x30,
    Buffer.concat([
      der(0x02, Buffer.from([CMSVersion.v1])),
      sid,
      algorithm(oid.sha256),
      der(0xa0, sorted),
      algorithm(oid.rsaEncryption, NULL),
      der(0x04, Buffer.from(signature)),
    ]),
  );
  const signedData = der(0x30, Buffer.concat([head, der(0x31, signerInfo)]));
  // ContentInfo { id-signedData, [0] EXPLICIT SignedData }
  return der(0x30, Buffer.concat([der(0x06, oidBytes(id_signedData)), der(0xa0, signedData)]));
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF ANY } with one value. */
const attribute = (type: string, value: Buffer) =>
  der(0x30, Buffer.concat([der(0x06, oidBytes(type)), der(0x31, value)]));

/** AlgorithmIdentifier, its parameters absent (SHA-256, RFC 5754) or given (NULL for RSA). */
const algorithm = (id: string, parameters?: Buffer) =>
  der(0x30, Buffer.concat([der(0x06, oidBytes(id)), ...(parameters ? [parameters] : [])]));

const oids = new Map<string, Buffer>();
/** An OBJECT IDENTIFIER's content octets. */
function oidBytes(id: string): Buffer {
  let bytes = oids.get(id);
  if (!bytes) {
    const [a = 0, b = 0, ...rest] = id.split('.').map(Number);
    const out = [40 * a + b];
    for (const n of rest) {
      const base128 = [n & 0x7f];
      for (let v = n >> 7; v > 0; v >>= 7) base128.unshift((v & 0x7f) | 0x80);
      out.push(...base128);
    }
    bytes = Buffer.from(out);
    oids.set(id, bytes);
  }
  return bytes;
}

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
