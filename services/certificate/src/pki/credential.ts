import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  privateEncrypt,
  constants as rsa,
  X509Certificate,
} from 'node:crypto';
import forge from 'node-forge';
import type { SigningIdentity } from './keys';

/**
 * A signing credential: the signer's certificate and chain, and a way to sign a digest. The PDF
 * and the CMS are assembled here; only the digest leaves, so a remote signing provider (a CA's
 * Cloud Signature Consortium `signatures/signHash`, a PKCS#11 token) fits behind the same shape.
 */
export interface SigningCredential {
  /** DER: the signer's certificate first, then the rest of its chain. */
  certificates: Uint8Array[];
  /** An RSASSA-PKCS1-v1_5 signature of a SHA-256 digest. */
  signHash(digest: Uint8Array): Promise<Uint8Array>;
}

/** DigestInfo's prefix for SHA-256 (RFC 8017 §9.2 note 1): what PKCS #1 v1.5 signs around the hash. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A key held in this process: Node's native RSA (about 1.4 ms a signature), not node-forge's. */
export function keyCredential(key: KeyObject, certificates: Uint8Array[]): SigningCredential {
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`signing keys must be RSA, not ${key.asymmetricKeyType}`);
  return {
    certificates,
    async signHash(digest) {
      if (digest.length !== 32) throw new Error('signHash takes a SHA-256 digest');
      return privateEncrypt({ key, padding: rsa.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
    },
  };
}

/**
 * The credential in a PKCS#12, opened once per process (node-forge's KDF and 3DES run once, not
 * per signature) with the key then held by Node's crypto. Keyed by the file's digest, so a
 * renewed file is read again.
 */
const opened = new Map<string, SigningCredential>();
const MAX_OPENED = 1000;

export function credentialOf(identity: SigningIdentity): SigningCredential {
  const id = createHash('sha256').update(identity.p12).update('\0').update(identity.passphrase).digest('hex');
  let credential = opened.get(id);
  if (!credential) {
    credential = openPkcs12(identity.p12, identity.passphrase);
    if (opened.size >= MAX_OPENED) opened.delete(opened.keys().next().value as string);
    opened.set(id, credential);
  }
  return credential;
}

/** A PKCS#12's key (held by Node's crypto from here on) and its certificates, the key's first. */
export function openPkcs12(p12: Buffer, passphrase: string): SigningCredential {
  const file = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), passphrase);
  const keyBag = forge.pki.oids.pkcs8ShroudedKeyBag as string;
  const certBag = forge.pki.oids.certBag as string;
  const key = file.getBags({ bagType: keyBag })[keyBag]?.[0]?.key;
  if (!key) throw new Error('no private key in the PKCS#12');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(key));
  const certificates = (file.getBags({ bagType: certBag })[certBag] ?? []).map((bag) => {
    if (!bag.cert) throw new Error('a PKCS#12 certificate bag that is not X.509');
    // forge keeps the parsed TBSCertificate, so this is the certificate's own DER.
    return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary');
  });
  // The signer's certificate first: the one whose public key is the private key's.
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('hex');
  const own = spki(createPublicKey(privateKey));
  const index = certificates.findIndex((der) => spki(new X509Certificate(der).publicKey) === own);
  if (index < 0) throw new Error('no certificate for the private key in the PKCS#12');
  const [mine] = certificates.splice(index, 1);
  return keyCredential(privateKey, [mine as Buffer, ...certificates]);
}
