import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IdType } from '@copyreg/proto';
import forge from 'node-forge';
import { documentSettings } from '../settings';
import { credentialOf, keyCredential, type SigningCredential } from './credential';
import { type Consent, remoteSignerCredential } from './csc';
import { devKeyFile } from './key-files';

/**
 * The office's signing key and certificate chain (`officeIdentity`); signers' keys are never
 * here: they sign through a remote-signing service (`signerCredential`, src/pki/csc.ts).
 *
 * `dev` (the default): a development CA that the stack creates on first use and keeps in key
 * files of its own (COPYREG_DATA_DIR/dev-keys, src/pki/key-files.ts), never in Postgres, stable
 * across restarts and shared by every process and database of one data directory. It stands in
 * for the organisation certificates of e照通; the root issues the office's certificate, and the
 * development signing provider (src/csc-dev) has it issue signers' certificates, whose keys it
 * keeps in its own store.
 * `p12`: a real CA's issued file SIGNING_P12_DIR/office.p12.
 */
export interface SigningIdentity {
  p12: Buffer;
  passphrase: string;
}

export interface SignerSubject {
  name: string;
  idType: IdType;
  idNumber: string;
}

/** The subject key of a signer: a digest, so no ID number is used as a key or file name. */
export const personSubject = (s: Pick<SignerSubject, 'idType' | 'idNumber'>) =>
  `person:${createHash('sha256').update(`${s.idType}:${s.idNumber.trim().toUpperCase()}`).digest('hex').slice(0, 32)}`;

/** The office's key and chain: the real CA's PKCS#12 (SIGNING_CA=p12) or the development CA's. */
export async function officeIdentity(): Promise<SigningCredential> {
  const s = documentSettings();
  if (s.SIGNING_CA === 'p12') return credentialOf(await readP12('office'));
  const root = await devRoot();
  // Named by the root: a new development root gets a new office key, never a stale chain.
  const file = await devKeyFile(`ca/office-${fingerprint(root.certPem)}.pem`, () => {
    const made = issue({ commonName: s.OFFICE_NAME, organisation: s.OFFICE_NAME }, root, 825);
    return { keyPem: made.keyPem, publicPem: made.certPem };
  });
  return keyCredential(file.key, [new X509Certificate(file.publicPem).raw, new X509Certificate(root.certPem).raw]);
}

/** The signer's remote credential, found by their verified identity and bound to their consent. */
export function signerCredential(signer: SignerSubject, consent: Consent): Promise<SigningCredential> {
  return remoteSignerCredential(personSubject(signer), signer.name, consent);
}

/** The development root certificate (PEM), e.g. to trust it in an NSS db for `pdfsig`. */
export async function devRootCertificatePem(): Promise<string> {
  return (await devRoot()).certPem;
}

/** A short digest of a certificate, to name what belongs to it. */
export const fingerprint = (certPem: string) => createHash('sha256').update(certPem).digest('hex').slice(0, 16);

async function readP12(name: string): Promise<SigningIdentity> {
  const s = documentSettings();
  if (!s.SIGNING_P12_DIR) throw new Error('SIGNING_CA=p12 needs SIGNING_P12_DIR');
  return { p12: await readFile(path.join(s.SIGNING_P12_DIR, `${name}.p12`)), passphrase: s.SIGNING_P12_PASSPHRASE };
}

export interface Issued {
  certPem: string;
  keyPem: string;
}

/**
 * ASCII only: node-forge's CMS writer re-encodes the issuer's name from its parsed form and
 * garbles non-ASCII text, so the issuer (the root) must have an ASCII name. Signers' own names
 * may be Chinese.
 */
const rootSubject = {
  commonName: 'copyreg development root CA',
  organisation: 'copyreg development (not for production)',
};

/** The development root CA, made on first use by whichever process asks first. */
export async function devRoot(): Promise<Issued> {
  const file = await devKeyFile('ca/root.pem', () => {
    const made = issue(rootSubject, undefined, 3650);
    return { keyPem: made.keyPem, publicPem: made.certPem };
  });
  return { certPem: file.publicPem, keyPem: file.keyPem };
}

export function issue(
  name: { commonName: string; organisation?: string },
  issuer: Issued | undefined,
  days: number,
): Issued {
  // Node's native RSA key generation (node-forge's pure-JS one takes seconds).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 3600 * 1000);
  const attrs = nameAttributes(name);
  cert.setSubject(attrs);
  const ca = !issuer;
  const issuerCert = issuer ? forge.pki.certificateFromPem(issuer.certPem) : undefined;
  // Every certificate is the root's or issued by it.
  cert.setIssuer(issuer ? nameAttributes(rootSubject) : attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: ca, critical: true },
    ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(issuerCert
      ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() }]
      : []),
  ]);
  const signingKey = forge.pki.privateKeyFromPem(issuer ? issuer.keyPem : keyPem);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** Names as UTF8String (forge encodes the value), so Chinese names survive. */
function nameAttributes(name: { commonName: string; organisation?: string }): forge.pki.CertificateField[] {
  const utf8 = 12 as forge.asn1.Class; // UNIVERSAL UTF8String tag
  return [
    { name: 'commonName', value: name.commonName, valueTagClass: utf8 },
    ...(name.organisation ? [{ name: 'organizationName', value: name.organisation, valueTagClass: utf8 }] : []),
    { name: 'countryName', value: 'CN' },
  ];
}
