import { randomBytes, X509Certificate } from 'node:crypto';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { keyCredential, type SigningCredential } from '../pki/credential';
import { CSC_OID, DEV_CSC_CLIENT, verifyConsent } from '../pki/csc';
import { keyFile } from '../pki/key-files';
import { devRoot, fingerprint, issue } from '../pki/keys';

/**
 * The development remote-signing provider: the Cloud Signature Consortium API v2 methods the
 * platform uses, over a key store of its own — one file per signer under DEV_CSC_KEY_DIR holding
 * the PKCS#8 key encrypted with AES-256 under DEV_CSC_PASSPHRASE, and the certificate. It stands
 * in for a CA's cloud signing service; the platform's Postgres never sees these keys. Signers are
 * enrolled on first `credentials/list`, with a certificate from the development root (read from
 * the development CA's key files, src/pki/keys.ts), so pdfsig validates the chain as before. It
 * reads nothing from Postgres.
 */
export interface DevCscOptions {
  keyDir: string;
  passphrase: string;
}

/** A SAD (Signature Activation Data) is good for one signature of one hash, for five minutes. */
const SAD_TTL_MS = 5 * 60_000;
const TOKEN_TTL_S = 3600;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
const ListRequest = z.object({ userID: z.string().regex(/^person:[0-9a-f]{32}$/), clientData: z.string().min(1) });
const InfoRequest = z.object({ credentialID: z.string() });
const AuthorizeRequest = z.object({
  credentialID: z.string(),
  numSignatures: z.literal(1),
  hashes: z.array(Base64).length(1),
  hashAlgorithmOID: z.literal(CSC_OID.sha256),
  authData: z.array(z.object({ id: z.string(), value: z.string() })).default([]),
});
const SignHashRequest = z.object({
  credentialID: z.string(),
  SAD: z.string(),
  hashes: z.array(Base64).length(1),
  hashAlgorithmOID: z.literal(CSC_OID.sha256),
  signAlgo: z.literal(CSC_OID.rsa),
});

/** CSC's error body (RFC 6749 style). */
class CscError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

export function createDevCscApp(o: DevCscOptions): express.Express {
  const tokens = new Map<string, number>();
  const sads = new Map<string, { credentialId: string; hash: string; until: number }>();
  const store = keyStore(o);
  /** Drops what has expired, so tokens and SADs never used do not pile up. */
  const prune = () => {
    const now = Date.now();
    for (const [k, until] of tokens) if (until < now) tokens.delete(k);
    for (const [k, sad] of sads) if (sad.until < now) sads.delete(k);
  };

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(express.json({ limit: '64kb' }));

  app.post('/csc/v2/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
    const b = req.body as Record<string, string>;
    if (b.grant_type !== 'client_credentials' || b.client_id !== DEV_CSC_CLIENT.id)
      throw new CscError(400, 'invalid_client', 'unknown client or grant');
    if (b.client_secret !== DEV_CSC_CLIENT.secret) throw new CscError(401, 'invalid_client', 'wrong client secret');
    prune();
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + TOKEN_TTL_S * 1000);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S });
  });

  app.post('/csc/v2/info', (_req, res) => {
    res.json({
      specs: '2.0.0.0',
      name: 'copyreg development signing provider',
      authType: ['oauth2client'],
      methods: ['credentials/list', 'credentials/info', 'credentials/authorize', 'signatures/signHash'],
    });
  });

  // Every other method needs the client's access token.
  app.use('/csc/v2', (req, _res, next) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || (tokens.get(token) ?? 0) < Date.now()) throw new CscError(401, 'invalid_token', 'no valid token');
    next();
  });

  app.post('/csc/v2/credentials/list', async (req, res) => {
    const { userID, clientData } = parse(ListRequest, req);
    await store.enrol(userID, clientData);
    res.json({ credentialIDs: [userID] });
  });

  app.post('/csc/v2/credentials/info', async (req, res) => {
    const { credentialID } = parse(InfoRequest, req);
    const credential = await store.open(credentialID);
    res.json({
      key: { status: 'enabled', algo: [CSC_OID.rsa], len: 2048 },
      cert: { status: 'valid', certificates: credential.certificates.map((c) => Buffer.from(c).toString('base64')) },
      authMode: 'explicit',
      SCAL: 'SCAL2',
      multisign: 1,
    });
  });

  app.post('/csc/v2/credentials/authorize', async (req, res) => {
    const r = parse(AuthorizeRequest, req);
    await store.open(r.credentialID);
    const hash = r.hashes[0] as string;
    const consent = r.authData.find((a) => a.id === 'consent')?.value;
    if (!consent || !verifyConsent(consent, r.credentialID, hash))
      throw new CscError(400, 'invalid_request', "no valid consent of the credential's owner for this hash");
    prune();
    const SAD = randomBytes(24).toString('base64url');
    sads.set(SAD, { credentialId: r.credentialID, hash, until: Date.now() + SAD_TTL_MS });
    res.json({ SAD, expiresIn: SAD_TTL_MS / 1000 });
  });

  app.post('/csc/v2/signatures/signHash', async (req, res) => {
    const r = parse(SignHashRequest, req);
    const hash = r.hashes[0] as string;
    const sad = sads.get(r.SAD);
    if (!sad || sad.until < Date.now() || sad.credentialId !== r.credentialID || sad.hash !== hash)
      throw new CscError(400, 'invalid_request', 'the SAD does not authorise this hash');
    sads.delete(r.SAD); // numSignatures 1: used once
    const credential = await store.open(r.credentialID);
    const signature = await credential.signHash(Buffer.from(hash, 'base64'));
    res.json({ signatures: [Buffer.from(signature).toString('base64')] });
  });

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const e = err instanceof CscError ? err : new CscError(500, 'server_error', 'the provider failed');
    res.status(e.status).json({ error: e.error, error_description: e.message });
  });
  return app;
}

function parse<T>(schema: z.ZodType<T>, req: Request): T {
  const r = schema.safeParse(req.body);
  if (!r.success) throw new CscError(400, 'invalid_request', r.error.issues.map((i) => i.path.join('.')).join(', '));
  return r.data;
}

/**
 * Keys by credential, in files named by the root's fingerprint (a new development root, e.g. the
 * test database's, gets its own signers) and the credential id (a digest, never an ID number).
 */
function keyStore(o: DevCscOptions) {
  const opened = new Map<string, Promise<SigningCredential>>();
  const dirOf = async () => {
    const root = await devRoot();
    return { root, dir: path.join(o.keyDir, fingerprint(root.certPem)) };
  };
  const fileOf = (dir: string, credentialId: string) => path.join(dir, `${credentialId.replace(':', '-')}.pem`);

  /** The signer's key file; only `enrol` (a name given) makes one, once even when enrolments race. */
  const credentialFile = async (credentialId: string, name?: string) => {
    const { root, dir } = await dirOf();
    const { key, publicPem } = await keyFile(fileOf(dir, credentialId), o.passphrase, () => {
      if (name === undefined) throw new CscError(400, 'invalid_request', 'unknown credentialID');
      const made = issue({ commonName: name }, root, 825);
      return { keyPem: made.keyPem, publicPem: made.certPem };
    });
    return keyCredential(key, [new X509Certificate(publicPem).raw, new X509Certificate(root.certPem).raw]);
  };
  const load = (credentialId: string): Promise<SigningCredential> => credentialFile(credentialId);

  return {
    async enrol(credentialId: string, name: string): Promise<void> {
      await credentialFile(credentialId, name);
    },
    open(credentialId: string): Promise<SigningCredential> {
      let credential = opened.get(credentialId);
      if (!credential) {
        credential = load(credentialId);
        credential.catch(() => opened.delete(credentialId));
        opened.set(credentialId, credential);
      }
      return credential;
    },
  };
}
