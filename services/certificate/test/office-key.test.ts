import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveSnapshot } from '@copyreg/filing';
import { config, createDb, createObjectStore, ensureBucket, getObject } from '@copyreg/kit';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../src/certificates';
import { allocateRegistrationNumber } from '../src/numbers';
import { renderCertificate } from '../src/pdf/certificate-document';
import { signPdf } from '../src/pdf/sign';
import { fileKeyProvider, type OfficeKeyProvider, officeKeyProvider, pkcs11KeyProvider } from '../src/pki/office-key';
import { officeKeyProviderKind } from '../src/settings';
import { assertSoundPdf, nssTrusting, pdfsig, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

/**
 * The office seal key outside Postgres: a PKCS#12 and a PEM file made here with openssl, and a
 * key on a SoftHSM2 token initialised in a temporary folder. Each signs a certificate that pdfsig
 * validates against the test's own root; a wrong passphrase or PIN is refused by name.
 */
const run = promisify(execFile);
const SOFTHSM_MODULE = process.env.TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const OFFICE = '浙江省版权局';
const PASSPHRASE = 'office-p12-passphrase';
const PIN = '246810';

let dir: string;
let rootPem: string;
let nss: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'copyreg-office-key-'));
  const at = (f: string) => path.join(dir, f);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '30',
    '-subj',
    '/CN=copyreg test office root/O=copyreg test/C=CN',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  await openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'office.key',
    '-out',
    'office.csr',
    '-utf8',
    '-subj',
    `/CN=${OFFICE}/O=${OFFICE}/C=CN`,
  );
  await writeFile(
    at('office.ext'),
    'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    'office.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-out',
    'office.pem',
    '-days',
    '30',
    '-extfile',
    'office.ext',
  );
  // openssl 3's defaults: AES-256-CBC, PBKDF2 with HMAC-SHA-256, a SHA-256 MAC.
  await openssl(
    'pkcs12',
    '-export',
    '-inkey',
    'office.key',
    '-in',
    'office.pem',
    '-certfile',
    'root.pem',
    '-out',
    'office.p12',
    '-passout',
    `pass:${PASSPHRASE}`,
  );
  // The same key as an encrypted PKCS#8 PEM, its certificate and the root beside it.
  await openssl(
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    'office.key',
    '-out',
    'office-key.pem',
    '-passout',
    `pass:${PASSPHRASE}`,
  );
  await writeFile(
    at('chain.pem'),
    `${await readFile(at('office.pem'), 'latin1')}${await readFile(at('root.pem'), 'latin1')}`,
  );
  rootPem = await readFile(at('root.pem'), 'latin1');
  nss = await nssTrusting(rootPem);
}, 60_000);

afterAll(async () => {
  delete process.env.SOFTHSM2_CONF;
  await rm(dir, { recursive: true, force: true });
});

/** Renders a certificate and signs it as certificates.ts does; pdfsig must validate it. */
async function signCertificate(provider: OfficeKeyProvider): Promise<{ out: string; ms: number }> {
  const pdf = await renderCertificate({
    registrationNumber: '浙作登字-2026-F-00000001',
    title: '西湖春晓（组图）',
    workType: 'fine_art',
    authors: ['张三'],
    holders: ['张三'],
    completedOn: '2026-03-05',
    firstPublishedOn: '2026-04-01',
    registeredOn: '2026-11-23',
    edition: 1,
    officeName: OFFICE,
    verifyUrl: 'http://127.0.0.1:3000/verify/x?c=7KQ2M9XA',
  });
  const started = performance.now();
  const signed = await signPdf(pdf, {
    identity: provider,
    fieldName: `${OFFICE} 登记证书签章`,
    signerName: OFFICE,
    reason: '作品登记证书',
    location: OFFICE,
    signingTime: new Date(),
    pageIndex: 0,
    rect: { x: 0, y: 0, width: 0, height: 0 },
  });
  const ms = performance.now() - started;
  await assertSoundPdf(signed);
  return { out: await pdfsig(await tempPdf(signed, 'certificate.pdf'), nss), ms };
}

function expectValid(out: string) {
  expect(out.match(/Signature #\d+/g)).toHaveLength(1);
  expect(out).toContain(`Signer Certificate Common Name: ${OFFICE}`);
  expect(out).toContain('Signature Validation: Signature is Valid.');
  expect(out).toContain('Certificate Validation: Certificate is Trusted.');
}

/** Median time of `n` signatures of a digest. */
async function signTime(provider: OfficeKeyProvider, n = 50): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await provider.signHash(Buffer.alloc(32, i));
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
}

describe('the office key from a file', () => {
  it('signs a certificate with a PKCS#12 made by openssl', async () => {
    const provider = await fileKeyProvider({ file: path.join(dir, 'office.p12'), passphrase: PASSPHRASE });
    expect(provider.kind).toBe('file');
    expect(provider.certificates).toHaveLength(2);
    const { out, ms } = await signCertificate(provider);
    expectValid(out);
    console.info(
      `file (PKCS#12): signPdf ${ms.toFixed(1)} ms, signHash median ${(await signTime(provider)).toFixed(2)} ms`,
    );
  });

  it('signs with an encrypted PEM key and OFFICE_CERT_CHAIN', async () => {
    const provider = await fileKeyProvider({
      file: path.join(dir, 'office-key.pem'),
      passphrase: PASSPHRASE,
      chain: path.join(dir, 'chain.pem'),
    });
    expectValid((await signCertificate(provider)).out);
  });

  it('refuses a wrong passphrase, naming the setting and never the passphrase', async () => {
    for (const file of ['office.p12', 'office-key.pem']) {
      const err = await fileKeyProvider({ file: path.join(dir, file), passphrase: 'not-it' }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('OfficeKeyError');
      expect((err as Error).message).toMatch(/^OFFICE_KEY_PASSPHRASE does not open/);
      expect((err as Error).message).not.toContain('not-it');
    }
  });

  it('refuses a certificate chain that is not the key’s', async () => {
    const err = await fileKeyProvider({
      file: path.join(dir, 'office-key.pem'),
      passphrase: PASSPHRASE,
      chain: path.join(dir, 'root.pem'),
    }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/no certificate for the office key/);
  });

  it('is what certificates are issued with when OFFICE_KEY_FILE is set', async () => {
    // Before anything in this process reads the settings (they are read once).
    process.env.OFFICE_KEY_FILE = path.join(dir, 'office.p12');
    process.env.OFFICE_KEY_PASSPHRASE = PASSPHRASE;
    expect(officeKeyProviderKind()).toBe('file');
    const db = createDb();
    const store = createObjectStore();
    const bucket = config().S3_BUCKET;
    try {
      await ensureBucket(store, bucket);
      const snapshot = { ...sampleSnapshot(), filingId: randomUUID() };
      await saveSnapshot(db, snapshot);
      const number = await allocateRegistrationNumber(db, {
        filingId: snapshot.filingId,
        workType: 'fine_art',
        year: 2026,
      });
      const ref = await issueCertificate(
        { db, store, bucket },
        { snapshot, registrationNumber: number, registeredOn: '2026-11-23' },
      );
      expect((await officeKeyProvider()).kind).toBe('file');
      expectValid(await pdfsig(await tempPdf(await getObject(store, ref)), nss));
    } finally {
      delete process.env.OFFICE_KEY_FILE;
      delete process.env.OFFICE_KEY_PASSPHRASE;
      await db.destroy();
    }
  }, 60_000);
});

describe('the office key on a PKCS#11 token (SoftHSM2)', () => {
  const TOKEN = 'copyreg-office';
  beforeAll(async () => {
    // A token of its own: SoftHSM2 reads SOFTHSM2_CONF when the module initialises.
    const conf = path.join(dir, 'softhsm2.conf');
    await run('mkdir', ['-p', path.join(dir, 'tokens')]);
    await writeFile(
      conf,
      `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    process.env.SOFTHSM2_CONF = conf;
    const util = (...args: string[]) => run('softhsm2-util', args, { env: { ...process.env, SOFTHSM2_CONF: conf } });
    await util('--init-token', '--free', '--label', TOKEN, '--pin', PIN, '--so-pin', '13579246');
    await util(
      '--import',
      path.join(dir, 'office.key'),
      '--token',
      TOKEN,
      '--label',
      'office',
      '--id',
      '01',
      '--pin',
      PIN,
    );
    // The office certificate on the token beside its key, as an office's HSM holds it.
    const p11 = new pkcs11js.PKCS11();
    p11.load(SOFTHSM_MODULE);
    p11.C_Initialize();
    try {
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === TOKEN);
      const session = p11.C_OpenSession(slot as Buffer, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      p11.C_Login(session, pkcs11js.CKU_USER, PIN);
      const pem = await readFile(path.join(dir, 'office.pem'), 'latin1');
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      p11.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: 'office' },
        { type: pkcs11js.CKA_ID, value: Buffer.from([1]) },
        {
          type: pkcs11js.CKA_SUBJECT,
          value: Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject)),
        },
        { type: pkcs11js.CKA_VALUE, value: der },
      ]);
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    } finally {
      p11.C_Finalize();
      p11.close();
    }
  }, 60_000);

  const open = (pin: string) =>
    pkcs11KeyProvider({
      module: SOFTHSM_MODULE,
      tokenLabel: TOKEN,
      pin,
      keyLabel: 'office',
      chain: path.join(dir, 'root.pem'),
    });

  it('signs a certificate with the key on the token', async () => {
    const provider = await open(PIN);
    try {
      expect(provider.kind).toBe('pkcs11');
      expect(provider.certificates).toHaveLength(2);
      const { out, ms } = await signCertificate(provider);
      expectValid(out);
      console.info(
        `pkcs11 (SoftHSM2): signPdf ${ms.toFixed(1)} ms, signHash median ${(await signTime(provider)).toFixed(2)} ms`,
      );
    } finally {
      await provider.close();
    }
  });

  it('refuses a wrong PIN, naming the setting and never the PIN', async () => {
    const err = await open('000000').catch((e: Error) => e);
    expect((err as Error).name).toBe('OfficeKeyError');
    expect((err as Error).message).toMatch(
      /^OFFICE_PKCS11_PIN is not the user PIN of token "copyreg-office" \(CKR_PIN_INCORRECT/,
    );
    expect((err as Error).message).not.toContain('000000');
    // The token still opens with the right PIN afterwards.
    const provider = await open(PIN);
    await provider.close();
  });

  it('refuses an unknown token or key label', async () => {
    const noToken = await pkcs11KeyProvider({
      module: SOFTHSM_MODULE,
      tokenLabel: 'nope',
      pin: PIN,
      keyLabel: 'office',
    }).catch((e: Error) => e);
    expect((noToken as Error).message).toMatch(
      /^OFFICE_PKCS11_TOKEN_LABEL: no token "nope" \(tokens present: copyreg-office/,
    );
    const noKey = await pkcs11KeyProvider({
      module: SOFTHSM_MODULE,
      tokenLabel: TOKEN,
      pin: PIN,
      keyLabel: 'seal',
    }).catch((e: Error) => e);
    expect((noKey as Error).message).toMatch(/^OFFICE_PKCS11_KEY_LABEL: no private key labelled "seal"/);
  });
});
