import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  verify,
  X509Certificate,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { config, isProductionMode } from '@copyreg/kit';
import { officeKeyProviderKind, officeKeySettings } from '../settings';
import { keyCredential, openPkcs12, type SigningCredential } from './credential';
import { officeIdentity } from './keys';

/**
 * The office seal key: what signs every certificate the office issues. A provider signs a
 * SHA-256 digest (the CMS's signed attributes, src/pki/cms.ts) and gives the certificate chain;
 * it never hands out the key. Three providers:
 *
 * - `file`: a PKCS#12 (.p12/.pfx) or PEM file, OFFICE_KEY_FILE, opened once per process with
 *   OFFICE_KEY_PASSPHRASE; OFFICE_CERT_CHAIN adds certificates (PEM) the file lacks. The key is
 *   then held by Node's crypto.
 * - `pkcs11`: a key on a PKCS#11 token (an HSM; SoftHSM2 in tests), OFFICE_PKCS11_MODULE,
 *   _TOKEN_LABEL, _PIN, _KEY_LABEL. The key never leaves the token; its certificate is the
 *   token's certificate object of the same label, or the first of OFFICE_CERT_CHAIN.
 * - `dev`: the development CA's office key, in its key file under COPYREG_DATA_DIR/dev-keys
 *   (src/pki/key-files.ts). Loopback only: production mode refuses to start on it (settings.ts)
 *   and this module and the key store refuse it again.
 *
 * Every provider is checked once when it opens: a signature by the key must verify under the
 * first certificate's public key, so a key and certificate that do not belong together fail at
 * the first certificate, not in a reader's signature panel.
 */
export interface OfficeKeyProvider extends SigningCredential {
  readonly kind: 'dev' | 'file' | 'pkcs11';
  /** Where the key is, for logs and errors: never a secret. */
  readonly description: string;
  /** Releases the token session (pkcs11); a no-op for the others. */
  close(): Promise<void>;
}

/** A provider that cannot open: the message names the setting to fix, never its value. */
export class OfficeKeyError extends Error {
  override name = 'OfficeKeyError';
}

/** DigestInfo's prefix for SHA-256 (RFC 8017 §9.2 note 1): what CKM_RSA_PKCS signs around the hash. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

let current: { kind: string; provider: Promise<OfficeKeyProvider> } | undefined;

/** The office key provider the settings name, opened once per process (again after a failure). */
export function officeKeyProvider(): Promise<OfficeKeyProvider> {
  const kind = officeKeyProviderKind();
  if (current?.kind !== kind) {
    const provider = openConfigured(kind);
    current = { kind, provider };
    provider.catch(() => {
      if (current?.provider === provider) current = undefined;
    });
  }
  return current.provider;
}

function openConfigured(kind: 'dev' | 'file' | 'pkcs11'): Promise<OfficeKeyProvider> {
  const s = officeKeySettings();
  if (kind === 'pkcs11') {
    if (!s.OFFICE_PKCS11_MODULE || !s.OFFICE_PKCS11_TOKEN_LABEL || s.OFFICE_PKCS11_PIN === undefined)
      throw new OfficeKeyError(
        'OFFICE_KEY_PROVIDER=pkcs11 needs OFFICE_PKCS11_MODULE, OFFICE_PKCS11_TOKEN_LABEL and OFFICE_PKCS11_PIN',
      );
    return pkcs11KeyProvider({
      module: s.OFFICE_PKCS11_MODULE,
      tokenLabel: s.OFFICE_PKCS11_TOKEN_LABEL,
      pin: s.OFFICE_PKCS11_PIN,
      keyLabel: s.OFFICE_PKCS11_KEY_LABEL,
      chain: s.OFFICE_CERT_CHAIN,
    });
  }
  if (kind === 'file') {
    // SIGNING_CA=p12 without OFFICE_KEY_FILE: the office.p12 beside the signers' files.
    const legacy = !s.OFFICE_KEY_FILE && s.SIGNING_P12_DIR;
    const file = s.OFFICE_KEY_FILE ?? (legacy ? path.join(s.SIGNING_P12_DIR as string, 'office.p12') : undefined);
    if (!file) throw new OfficeKeyError('OFFICE_KEY_PROVIDER=file needs OFFICE_KEY_FILE');
    return fileKeyProvider({
      file,
      passphrase: legacy ? s.SIGNING_P12_PASSPHRASE : s.OFFICE_KEY_PASSPHRASE,
      chain: s.OFFICE_CERT_CHAIN,
    });
  }
  return devKeyProvider();
}

/** (a) A PKCS#12 or PEM file, its passphrase from the environment. */
export async function fileKeyProvider(o: {
  file: string;
  passphrase: string;
  chain?: string;
}): Promise<OfficeKeyProvider> {
  const name = path.basename(o.file);
  const bytes = await readFile(o.file).catch((err: NodeJS.ErrnoException) => {
    throw new OfficeKeyError(`OFFICE_KEY_FILE: cannot read the office key file ${name} (${err.code ?? err.message})`);
  });
  const extra = o.chain ? await readChain(o.chain) : [];
  let credential: SigningCredential;
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')) {
    const text = bytes.toString('latin1');
    const keyPem = /-----BEGIN ((?:ENCRYPTED |RSA )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/.exec(text)?.[0];
    if (!keyPem) throw new OfficeKeyError(`OFFICE_KEY_FILE: no private key in ${name}`);
    let key: ReturnType<typeof createPrivateKey>;
    try {
      key = createPrivateKey({ key: keyPem, format: 'pem', passphrase: o.passphrase });
    } catch (err) {
      throw new OfficeKeyError(
        `OFFICE_KEY_PASSPHRASE does not open the office key in ${name} (wrong or missing passphrase: ${(err as Error).message})`,
      );
    }
    credential = keyCredential(key, signerFirst(createPublicKey(key), [...pemCertificates(text), ...extra], name));
  } else {
    try {
      credential = openPkcs12(bytes, o.passphrase);
    } catch (err) {
      const message = (err as Error).message;
      if (/MAC could not be verified|Invalid password|decrypt/i.test(message))
        throw new OfficeKeyError(
          `OFFICE_KEY_PASSPHRASE does not open the PKCS#12 ${name} (wrong passphrase: ${message})`,
        );
      throw new OfficeKeyError(`OFFICE_KEY_FILE: ${name} is not a usable PKCS#12 or PEM key (${message})`);
    }
    credential = { ...credential, certificates: withChain(credential.certificates, extra) };
  }
  await checkPair(credential, name);
  return { kind: 'file', description: `file ${name}`, ...credential, close: async () => {} };
}

/** (b) A key on a PKCS#11 token: only digests go in, signatures come out. */
export async function pkcs11KeyProvider(o: {
  module: string;
  tokenLabel: string;
  pin: string;
  keyLabel: string;
  chain?: string;
}): Promise<OfficeKeyProvider> {
  // Loaded here only: the native binding is needed by the processes that use a token.
  const pkcs11js = (await import('pkcs11js')).default;
  const where = `token "${o.tokenLabel}"`;
  const code = (err: unknown) => (err as Error).message;
  const p11 = openModule(pkcs11js, o.module);
  const release = () => releaseModule(o.module);
  let session: Buffer | undefined;
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === o.tokenLabel);
    if (!slot) {
      const labels = p11.C_GetSlotList(true).map((s) => p11.C_GetTokenInfo(s).label.trim());
      throw new OfficeKeyError(
        `OFFICE_PKCS11_TOKEN_LABEL: no ${where} (tokens present: ${labels.join(', ') || 'none'})`,
      );
    }
    session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      p11.C_Login(session, pkcs11js.CKU_USER, o.pin);
    } catch (err) {
      const c = code(err);
      if (c.includes('CKR_USER_ALREADY_LOGGED_IN')) {
        // Another session of this process logged in already: the login is the token's.
      } else if (c.includes('CKR_PIN_INCORRECT') || c.includes('CKR_PIN_LEN_RANGE'))
        throw new OfficeKeyError(`OFFICE_PKCS11_PIN is not the user PIN of ${where} (${c})`);
      else if (c.includes('CKR_PIN_LOCKED')) throw new OfficeKeyError(`the user PIN of ${where} is locked (${c})`);
      else throw err;
    }
    const find = (template: { type: number; value: number | string | Buffer }[]) => {
      p11.C_FindObjectsInit(session as Buffer, template);
      try {
        return p11.C_FindObjects(session as Buffer, 2);
      } finally {
        p11.C_FindObjectsFinal(session as Buffer);
      }
    };
    const keys = find([
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: o.keyLabel },
    ]);
    const [key] = keys;
    if (!key) throw new OfficeKeyError(`OFFICE_PKCS11_KEY_LABEL: no private key labelled "${o.keyLabel}" on ${where}`);
    if (keys.length > 1)
      throw new OfficeKeyError(`OFFICE_PKCS11_KEY_LABEL: several private keys labelled "${o.keyLabel}" on ${where}`);
    const [keyType, id] = p11.C_GetAttributeValue(session, key, [
      { type: pkcs11js.CKA_KEY_TYPE },
      { type: pkcs11js.CKA_ID },
    ]);
    if (ulong(keyType?.value as Buffer | undefined) !== pkcs11js.CKK_RSA)
      throw new OfficeKeyError(`the key "${o.keyLabel}" on ${where} is not an RSA key`);
    // The token's certificate of the same label (or id), then OFFICE_CERT_CHAIN.
    const certClass = { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE };
    let [cert] = find([certClass, { type: pkcs11js.CKA_LABEL, value: o.keyLabel }]);
    if (!cert && (id?.value as Buffer | undefined)?.length)
      [cert] = find([certClass, { type: pkcs11js.CKA_ID, value: id?.value as Buffer }]);
    const onToken = cert
      ? [p11.C_GetAttributeValue(session, cert, [{ type: pkcs11js.CKA_VALUE }])[0]?.value as Buffer]
      : [];
    const chain = [...onToken, ...(o.chain ? await readChain(o.chain) : [])];
    if (chain.length === 0)
      throw new OfficeKeyError(
        `no certificate for "${o.keyLabel}" on ${where}: put it on the token or in OFFICE_CERT_CHAIN`,
      );
    const open = session;
    const credential: SigningCredential = {
      certificates: withChain([], chain),
      async signHash(digest) {
        if (digest.length !== 32) throw new Error('signHash takes a SHA-256 digest');
        // Init and sign run back to back on this thread: no other signature interleaves.
        p11.C_SignInit(open, { mechanism: pkcs11js.CKM_RSA_PKCS }, key);
        return Buffer.from(p11.C_Sign(open, Buffer.concat([SHA256_DIGEST_INFO, digest]), Buffer.alloc(1024)));
      },
    };
    await checkPair(credential, `"${o.keyLabel}" on ${where}`);
    let closed = false;
    return {
      kind: 'pkcs11',
      description: `PKCS#11 ${where}, key "${o.keyLabel}"`,
      ...credential,
      async close() {
        if (closed) return;
        closed = true;
        p11.C_CloseSession(open);
        release();
      },
    };
  } catch (err) {
    if (session) p11.C_CloseSession(session);
    release();
    throw err;
  }
}

/** A CK_ULONG attribute (8 bytes on 64-bit Linux, 4 elsewhere), in the machine's order. */
const ulong = (b: Buffer | undefined) =>
  !b ? undefined : b.length === 8 ? Number(b.readBigUInt64LE(0)) : b.length === 4 ? b.readUInt32LE(0) : undefined;

/**
 * A PKCS#11 module is initialised once per process and shared by its providers (C_Finalize
 * would end every session of the module): finalised when the last one closes.
 */
type Pkcs11js = typeof import('pkcs11js');
const modules = new Map<string, { p11: InstanceType<Pkcs11js['PKCS11']>; users: number }>();

function openModule(pkcs11js: Pkcs11js, module: string): InstanceType<Pkcs11js['PKCS11']> {
  let entry = modules.get(module);
  if (!entry) {
    const p11 = new pkcs11js.PKCS11();
    try {
      p11.load(module);
    } catch (err) {
      throw new OfficeKeyError(
        `OFFICE_PKCS11_MODULE: cannot load the PKCS#11 module ${path.basename(module)} (${(err as Error).message})`,
      );
    }
    try {
      p11.C_Initialize();
    } catch (err) {
      if (!(err as Error).message.includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw err;
    }
    entry = { p11, users: 0 };
    modules.set(module, entry);
  }
  entry.users += 1;
  return entry.p11;
}

function releaseModule(module: string): void {
  const entry = modules.get(module);
  if (!entry || --entry.users > 0) return;
  modules.delete(module);
  entry.p11.C_Finalize();
  entry.p11.close();
}

/** (c) The development CA's office key, in the development key files: loopback development only. */
export async function devKeyProvider(): Promise<OfficeKeyProvider> {
  if (isProductionMode(config()))
    throw new OfficeKeyError('the development office key is refused in production mode: set OFFICE_KEY_PROVIDER');
  const credential = await officeIdentity();
  return {
    kind: 'dev',
    description: 'development CA (key files in COPYREG_DATA_DIR/dev-keys)',
    certificates: credential.certificates,
    signHash: (digest) => credential.signHash(digest),
    close: async () => {},
  };
}

/** The key signs, and the first certificate's public key verifies it. */
async function checkPair(credential: SigningCredential, what: string): Promise<void> {
  const [first] = credential.certificates;
  if (!first) throw new OfficeKeyError(`no certificate for the office key ${what}`);
  const data = randomBytes(32);
  const signature = await credential.signHash(createHash('sha256').update(data).digest());
  const ok = verify(
    'sha256',
    data,
    { key: new X509Certificate(first).publicKey, padding: constants.RSA_PKCS1_PADDING },
    signature,
  );
  if (!ok) throw new OfficeKeyError(`the office key ${what} does not match its certificate`);
}

/** The certificate of `publicKey` first, then the others. */
function signerFirst(publicKey: ReturnType<typeof createPublicKey>, certificates: Buffer[], name: string): Buffer[] {
  const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' }).toString('hex');
  const own = spki(publicKey);
  const index = certificates.findIndex((der) => spki(new X509Certificate(der).publicKey) === own);
  if (index < 0) throw new OfficeKeyError(`no certificate for the office key in ${name} or OFFICE_CERT_CHAIN`);
  return [certificates[index] as Buffer, ...certificates.filter((_, i) => i !== index)];
}

/** Certificates not yet in the list, appended (each once). */
function withChain(certificates: Uint8Array[], extra: Uint8Array[]): Uint8Array[] {
  const out = [...certificates];
  for (const c of extra) if (!out.some((x) => Buffer.from(x).equals(Buffer.from(c)))) out.push(c);
  return out;
}

async function readChain(file: string): Promise<Buffer[]> {
  const text = await readFile(file, 'latin1').catch((err: NodeJS.ErrnoException) => {
    throw new OfficeKeyError(`OFFICE_CERT_CHAIN: cannot read ${path.basename(file)} (${err.code ?? err.message})`);
  });
  const certs = pemCertificates(text);
  if (certs.length === 0) throw new OfficeKeyError(`OFFICE_CERT_CHAIN: no PEM certificate in ${path.basename(file)}`);
  return certs;
}

function pemCertificates(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'),
  );
}
