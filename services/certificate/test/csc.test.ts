import { spawnSync } from 'node:child_process';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDb, listen, loadConfig } from '@copyreg/kit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevCscApp } from '../src/csc-dev/provider';
import { renderApplicationForm } from '../src/pdf/application-form';
import { signPdf } from '../src/pdf/sign';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from '../src/pdf/signature-slots';
import { CSC_OID, consentToken, DEV_CSC_CLIENT, RemoteSigningError } from '../src/pki/csc';
import { devRootCertificatePem, personSubject, signerCredential } from '../src/pki/keys';
import { officeKeyProvider } from '../src/pki/office-key';
import { assertSoundPdf, nssTrusting, pdfsig, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

/** The development signing provider this run started (src/csc-dev/vitest-setup.ts), called as a client would. */
const base = () => `http://127.0.0.1:${process.env.DEV_CSC_PORT}/csc/v2`;
let token = '';
async function csc(method: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base()}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const snapshot = sampleSnapshot();
const signer = snapshot.signers[0] as (typeof snapshot.signers)[number];
const userId = personSubject(signer);
const consent = { placementId: 'placement-1', confirmedAt: new Date() };
const digest = (text: string) => createHash('sha256').update(text).digest();

describe('signers sign through the remote-signing (CSC v2) interface', () => {
  const db = createDb();
  beforeAll(async () => {
    const res = await fetch(`${base()}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEV_CSC_CLIENT.id,
        client_secret: DEV_CSC_CLIENT.secret,
      }),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    await csc('credentials/list', { userID: userId, clientData: signer.name }); // enrols the signer
  });
  afterAll(() => db.destroy());

  it('signs every signer of a form; pdfsig validates each signature and its chain', async () => {
    let pdf: Uint8Array = await renderApplicationForm(snapshot);
    const slots = signatureSlots(snapshot.signers.length);
    for (const [i, s] of snapshot.signers.entries()) {
      pdf = await signPdf(pdf, {
        identity: await signerCredential(s, { placementId: `p${i}`, confirmedAt: new Date() }),
        fieldName: `签章${i + 1}`,
        signerName: s.name,
        reason: '著作权人签章',
        location: '作品自愿登记平台',
        signingTime: new Date(),
        pageIndex: SIGNATURE_PAGE_INDEX,
        rect: slots[i] ?? { x: 0, y: 0, width: 10, height: 10 },
      });
    }
    await assertSoundPdf(pdf);
    const out = await pdfsig(await tempPdf(pdf, 'csc.pdf'), await nssTrusting(await devRootCertificatePem()));
    const n = snapshot.signers.length;
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(n);
    expect(out.match(/Certificate Validation: Certificate is Trusted\./g)).toHaveLength(n);
    for (const s of snapshot.signers) expect(out).toContain(`Signer Certificate Common Name: ${s.name}`);
  });

  it('a credential is listed by the verified identity, and signs under its certificate', async () => {
    const list = await csc('credentials/list', { userID: userId, clientData: signer.name });
    expect(list.body.credentialIDs).toEqual([userId]);
    const credential = await signerCredential(signer, consent);
    const hash = digest('one document');
    const signature = await credential.signHash(hash);
    const cert = new X509Certificate(Buffer.from(credential.certificates[0] as Uint8Array));
    // The provider signed the DigestInfo of this hash (RSA PKCS#1 v1.5), as Node's own sha256 verify expects.
    expect(verify('sha256', Buffer.from('one document'), cert.publicKey, signature)).toBe(true);
  });

  it('refuses a signHash without a SAD, with a made-up one, or with a SAD for another hash, and uses a SAD once', async () => {
    const hash = digest('document A').toString('base64');
    const other = digest('document B').toString('base64');
    const sign = (SAD: string | undefined, h = hash) =>
      csc('signatures/signHash', {
        credentialID: userId,
        ...(SAD === undefined ? {} : { SAD }),
        hashes: [h],
        hashAlgorithmOID: CSC_OID.sha256,
        signAlgo: CSC_OID.rsa,
      });
    expect((await sign(undefined)).status).toBe(400);
    expect((await sign('made-up')).body.error_description).toMatch(/SAD does not authorise/);

    const authorized = await csc('credentials/authorize', {
      credentialID: userId,
      numSignatures: 1,
      hashes: [hash],
      hashAlgorithmOID: CSC_OID.sha256,
      authData: [{ id: 'consent', value: consentToken(userId, Buffer.from(hash, 'base64'), consent) }],
    });
    expect(authorized.status).toBe(200);
    const SAD = authorized.body.SAD as string;
    expect((await sign(SAD, other)).status).toBe(400);
    expect((await sign(SAD)).status).toBe(200);
    expect((await sign(SAD)).body.error_description).toMatch(/SAD does not authorise/);
  });

  it("refuses to authorise without the signer's consent to this very hash", async () => {
    const hash = digest('document C');
    const authorize = (authData: unknown[]) =>
      csc('credentials/authorize', {
        credentialID: userId,
        numSignatures: 1,
        hashes: [hash.toString('base64')],
        hashAlgorithmOID: CSC_OID.sha256,
        authData,
      });
    const refused = /no valid consent/;
    expect((await authorize([])).body.error_description).toMatch(refused);
    // Consent to another hash, another signer's consent, an expired one, a forged one.
    const cases = [
      consentToken(userId, digest('document D'), consent),
      consentToken(personSubject(snapshot.signers[1] as typeof signer), hash, consent),
      consentToken(userId, hash, consent, Date.now() - 120_000),
      `${consentToken(userId, hash, consent).split('.')[0]}.${Buffer.alloc(32).toString('base64url')}`,
    ];
    for (const value of cases) {
      const r = await authorize([{ id: 'consent', value }]);
      expect(r.body.error_description, JSON.stringify(r)).toMatch(refused);
    }
    // And a client without a token is refused before anything else.
    token = `${token}x`;
    try {
      expect((await authorize([])).status).toBe(401);
    } finally {
      token = token.slice(0, -1);
    }
  });

  it('a refusal reaches the signer as a RemoteSigningError', async () => {
    const credential = await signerCredential(signer, consent);
    await expect(credential.signHash(Buffer.alloc(31))).rejects.toThrow('SHA-256 digest');
    const previous = process.env.SIGNER_CSC_TIMEOUT_MS;
    process.env.SIGNER_SIGNING_PROVIDER = 'csc';
    process.env.SIGNER_CSC_URL = 'http://127.0.0.1:9/csc/v2'; // discard port: nothing listens
    process.env.SIGNER_CSC_TOKEN = 'x';
    process.env.SIGNER_CSC_TIMEOUT_MS = '2000';
    try {
      await expect(signerCredential(signer, consent)).rejects.toBeInstanceOf(RemoteSigningError);
    } finally {
      delete process.env.SIGNER_SIGNING_PROVIDER;
      delete process.env.SIGNER_CSC_URL;
      delete process.env.SIGNER_CSC_TOKEN;
      if (previous === undefined) delete process.env.SIGNER_CSC_TIMEOUT_MS;
      else process.env.SIGNER_CSC_TIMEOUT_MS = previous;
    }
  });

  it("a CA's service by configuration: client credentials, and a new token when the service forgot the old", async () => {
    const keyDir = await mkdtemp(path.join(os.tmpdir(), 'csc-ca-'));
    const provider = () => createDevCscApp({ keyDir, passphrase: 'ca-test' });
    // One listener in front of the provider, so a restart keeps the client's connections.
    let current = provider();
    const front = express().use((req, res, next) => current(req, res, next));
    const server = await listen(front, 0);
    const { port } = server.address() as AddressInfo;
    const settings = {
      SIGNER_SIGNING_PROVIDER: 'csc',
      SIGNER_CSC_URL: `http://127.0.0.1:${port}/csc/v2`,
      SIGNER_CSC_CLIENT_ID: DEV_CSC_CLIENT.id,
      SIGNER_CSC_CLIENT_SECRET: DEV_CSC_CLIENT.secret,
    };
    Object.assign(process.env, settings);
    try {
      const credential = await signerCredential(signer, consent);
      const first = await credential.signHash(digest('first'));
      // The service restarts: its tokens are gone, its keys are not.
      current = provider();
      const second = await credential.signHash(digest('first'));
      expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    } finally {
      for (const k of Object.keys(settings)) delete process.env[k];
      server.close();
      await rm(keyDir, { recursive: true, force: true });
    }
  });

  it('no private key is in any Postgres table (every column scanned)', async () => {
    // A signer's key and the office's (so the root's) were used with this database; the
    // development gateway's keys are checked in the payment package's tests.
    await signerCredential(signer, consent).then((c) => c.signHash(digest('scan')));
    await officeKeyProvider().then((office) => office.signHash(digest('scan')));
    expect(await privateKeysInDatabase(db)).toEqual([]);
  });

  it('a process in production mode refuses the development signing provider, naming the variable', () => {
    const root = path.resolve(__dirname, '../../..');
    const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['services/certificate/src/csc-dev/main.ts'], {
      cwd: root,
      env: { ...process.env, PUBLIC_URL: 'https://register.example.org', DEV_CSC_PORT: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('SIGNER_SIGNING_PROVIDER');
    // Set to a CA's service, the variable is no longer among those refused; without its URL it still is.
    const env = {
      ...process.env,
      PUBLIC_URL: 'https://register.example.org',
      SIGNER_SIGNING_PROVIDER: 'csc',
      SIGNER_CSC_URL: 'https://sign.ca.example/csc/v2',
    };
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig(env)).not.toThrow(/SIGNER_SIGNING_PROVIDER/);
    expect(() => loadConfig({ ...env, SIGNER_CSC_URL: '' })).toThrow(/SIGNER_SIGNING_PROVIDER/);
  });
});

/**
 * Every column of every table of the platform's schemas holding private key material: PEM
 * `PRIVATE KEY` text, or the DER of a PKCS#8 RSA key, an encrypted PKCS#8 (PBES2), a PKCS#12
 * key bag or a bare PKCS#1 RSA key. Named `schema.table.column`.
 */
async function privateKeysInDatabase(db: ReturnType<typeof createDb>): Promise<string[]> {
  const der = [
    '020100300d06092a864886f70d0101010500', // PKCS#8: version 0, rsaEncryption
    '06092a864886f70d01050d', // PBES2 (encrypted PKCS#8)
    '060b2a864886f70d010c0a0101', // PKCS#12 keyBag
    '060b2a864886f70d010c0a0102', // PKCS#12 pkcs8ShroudedKeyBag
  ];
  const columns: { table_schema: string; table_name: string; column_name: string; data_type: string }[] = await db(
    'information_schema.columns as c',
  )
    .join('information_schema.tables as t', function () {
      this.on('t.table_schema', 'c.table_schema').andOn('t.table_name', 'c.table_name');
    })
    .where('t.table_type', 'BASE TABLE')
    .whereNotIn('c.table_schema', ['pg_catalog', 'information_schema'])
    .whereIn('c.data_type', ['bytea', 'text', 'character varying', 'json', 'jsonb', 'ARRAY'])
    .select('c.table_schema', 'c.table_name', 'c.column_name', 'c.data_type');
  expect(columns.length).toBeGreaterThan(20); // the scan reached the platform's tables
  const found: string[] = [];
  for (const c of columns) {
    const column = db.raw('??', [`${c.table_schema}.${c.table_name}.${c.column_name}`]);
    const q = db(`${c.table_schema}.${c.table_name}`);
    if (c.data_type === 'bytea')
      q.where((w) => {
        for (const hex of der) w.orWhereRaw('position(decode(?, ?) in ?) > 0', [hex, 'hex', column]);
        // A bare PKCS#1 RSAPrivateKey: SEQUENCE, version 0, then the modulus.
        w.orWhereRaw("encode(?, 'hex') ~ '^30820[0-9a-f]{3}02010002'", [column]);
      });
    else q.whereRaw("?::text like '%PRIVATE KEY%'", [column]);
    if ((await q.first(db.raw('1 as hit'))) !== undefined)
      found.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
  }
  return found;
}
