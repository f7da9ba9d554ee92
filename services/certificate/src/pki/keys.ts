import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IdType } from '@copyreg/proto';
import type { Knex } from 'knex';
import forge from 'node-forge';
import { documentSettings } from '../settings';
import type { SigningCredential } from './credential';
import { type Consent, remoteSignerCredential } from './csc';

/**
 * The office's signing keys as PKCS#12 (key + certificate chain), opened once per process by
 * `credentialOf`; signers' keys are never here: they sign through a remote-signing service
 * (`signerCredential`, src/pki/csc.ts).
 *
 * `dev` (the default): a development CA that the stack creates on first use and keeps in the
 * certificate schema, stable across restarts. It stands in for the organisation certificates of
 * e照通; the root issues the office's certificate, and the development signing provider
 * (src/csc-dev) has it issue signers' certificates, whose keys it keeps in its own store.
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

/** Dev CA only: a fixed passphrase, since the keys are development stand-ins. */
const DEV_PASSPHRASE = 'copyreg-development-ca';

/** The subject key of a signer: a digest, so no ID number is used as a key or file name. */
export const personSubject = (s: Pick<SignerSubject, 'idType' | 'idNumber'>) =>
  `person:${createHash('sha256').update(`${s.idType}:${s.idNumber.trim().toUpperCase()}`).digest('hex').slice(0, 32)}`;

export async function officeIdentity(db: Knex): Promise<SigningIdentity> {
  const s = documentSettings();
  if (s.SIGNING_CA === 'p12') return readP12('office');
  return devIdentity(db, 'office', { commonName: s.OFFICE_NAME, organisation: s.OFFICE_NAME });
}

/** The signer's remote credential, found by their verified identity and bound to their consent. */
export function signerCredential(signer: SignerSubject, consent: Consent): Promise<SigningCredential> {
  return remoteSignerCredential(personSubject(signer), signer.name, consent);
}

/** The development root certificate (PEM), e.g. to trust it in an NSS db for `pdfsig`. */
export async function devRootCertificatePem(db: Knex): Promise<string> {
  return (await devRoot(db)).certPem;
}

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

export async function devRoot(db: Knex): Promise<Issued & { p12: Buffer }> {
  const row = await db('certificate.signing_keys').where({ subject: 'root' }).first();
  if (row) return { certPem: row.certificate_pem, keyPem: keyFromP12(row.p12), p12: row.p12 };
  const made = issue(rootSubject, undefined, 3650);
  const p12 = toP12(made, []);
  // Another process may create the root at the same time: the first insert wins, all read it back.
  await db('certificate.signing_keys')
    .insert({ subject: 'root', certificate_pem: made.certPem, p12 })
    .onConflict('subject')
    .ignore();
  return devRoot(db);
}

async function devIdentity(
  db: Knex,
  subject: string,
  name: { commonName: string; organisation?: string },
): Promise<SigningIdentity> {
  const row = await db('certificate.signing_keys').where({ subject }).first('p12');
  if (row) return { p12: row.p12, passphrase: DEV_PASSPHRASE };
  const root = await devRoot(db);
  const made = issue(name, root, 825);
  const p12 = toP12(made, [root.certPem]);
  await db('certificate.signing_keys')
    .insert({ subject, certificate_pem: made.certPem, p12 })
    .onConflict('subject')
    .ignore();
  const stored = await db('certificate.signing_keys').where({ subject }).first('p12');
  return { p12: stored.p12, passphrase: DEV_PASSPHRASE };
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

function toP12(made: Issued, chain: string[]): Buffer {
  const key = forge.pki.privateKeyFromPem(made.keyPem);
  const certs = [made.certPem, ...chain].map((pem) => forge.pki.certificateFromPem(pem));
  // One KDF iteration: the development passphrase is public anyway, and the default 2,048
  // SHA-1 rounds cost tens of milliseconds when a process first opens it.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, DEV_PASSPHRASE, { algorithm: '3des', count: 1 });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function keyFromP12(p12: Buffer): string {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), DEV_PASSPHRASE);
  const bagType = forge.pki.oids.pkcs8ShroudedKeyBag as string;
  const bag = parsed.getBags({ bagType })[bagType]?.[0];
  if (!bag?.key) throw new Error('development root key missing from its PKCS#12');
  return forge.pki.privateKeyToPem(bag.key);
}
