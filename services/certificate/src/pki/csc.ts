import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from '@copyreg/kit';
import { z } from 'zod';
import type { SigningCredential } from './credential';

/**
 * Signers' signatures through a remote-signing service shaped on the Cloud Signature Consortium
 * API v2 (the way a CA exposes cloud signing keys): `credentials/list` finds the signer's
 * credential, `credentials/info` gives its chain, `credentials/authorize` turns the signer's
 * consent into a SAD for one hash, `signatures/signHash` signs it. The PDF and the CMS are
 * assembled here; only the SHA-256 digest leaves. No signer's key is ever in this process.
 *
 * SIGNER_SIGNING_PROVIDER: `csc` is a CA's service at SIGNER_CSC_URL (OAuth2 client credentials
 * SIGNER_CSC_CLIENT_ID/_SECRET at SIGNER_CSC_TOKEN_URL, or a bearer SIGNER_CSC_TOKEN); `dev`
 * (the default) is the development provider, its own process on DEV_CSC_PORT (src/csc-dev),
 * which production mode refuses (kit's config).
 */
const schema = z.object({
  SIGNER_SIGNING_PROVIDER: z.enum(['dev', 'csc']).default('dev'),
  /** The service's base URL, ending in its API version, e.g. https://ca.example/csc/v2. */
  SIGNER_CSC_URL: z.url().optional(),
  /** OAuth2 token endpoint; unset: SIGNER_CSC_URL + /oauth2/token. */
  SIGNER_CSC_TOKEN_URL: z.url().optional(),
  SIGNER_CSC_CLIENT_ID: z.string().optional(),
  SIGNER_CSC_CLIENT_SECRET: z.string().optional(),
  /** A bearer token the CA issued, instead of client credentials. */
  SIGNER_CSC_TOKEN: z.string().optional(),
  /** Per request: a stalled provider fails the signature (the activity retries), not the worker. */
  SIGNER_CSC_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

/** The development provider's client credentials: public, loopback only. */
export const DEV_CSC_CLIENT = { id: 'copyreg-dev', secret: 'development-only-csc-client-secret' };

/** CSC's algorithm identifiers: SHA-256, and RSA with PKCS #1 v1.5 padding. */
export const CSC_OID = { sha256: '2.16.840.1.101.3.4.2.1', rsa: '1.2.840.113549.1.1.1' } as const;

/** A refusal or failure of the signing service: the signature is not made. */
export class RemoteSigningError extends Error {
  override name = 'RemoteSigningError';
  constructor(
    message: string,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Endpoint {
  url: string;
  timeoutMs: number;
  auth: { token: string } | { tokenUrl: string; clientId: string; clientSecret: string };
}

function endpoint(): Endpoint {
  const s = schema.parse(process.env);
  if (s.SIGNER_SIGNING_PROVIDER === 'dev') {
    const url = `http://127.0.0.1:${config().DEV_CSC_PORT}/csc/v2`;
    const auth = { tokenUrl: `${url}/oauth2/token`, clientId: DEV_CSC_CLIENT.id, clientSecret: DEV_CSC_CLIENT.secret };
    return { url, timeoutMs: s.SIGNER_CSC_TIMEOUT_MS, auth };
  }
  if (!s.SIGNER_CSC_URL) throw new RemoteSigningError('SIGNER_SIGNING_PROVIDER=csc needs SIGNER_CSC_URL');
  const url = s.SIGNER_CSC_URL.replace(/\/$/, '');
  if (s.SIGNER_CSC_TOKEN) return { url, timeoutMs: s.SIGNER_CSC_TIMEOUT_MS, auth: { token: s.SIGNER_CSC_TOKEN } };
  if (!s.SIGNER_CSC_CLIENT_ID || !s.SIGNER_CSC_CLIENT_SECRET)
    throw new RemoteSigningError(
      'SIGNER_SIGNING_PROVIDER=csc needs SIGNER_CSC_TOKEN or SIGNER_CSC_CLIENT_ID and SIGNER_CSC_CLIENT_SECRET',
    );
  const tokenUrl = s.SIGNER_CSC_TOKEN_URL ?? `${url}/oauth2/token`;
  return {
    url,
    timeoutMs: s.SIGNER_CSC_TIMEOUT_MS,
    auth: { tokenUrl, clientId: s.SIGNER_CSC_CLIENT_ID, clientSecret: s.SIGNER_CSC_CLIENT_SECRET },
  };
}

/** The OAuth2 access token, fetched once and again a minute before it expires. */
let accessToken: { key: string; token: string; until: number } | undefined;

async function bearer(e: Endpoint): Promise<string> {
  if ('token' in e.auth) return e.auth.token;
  const { tokenUrl, clientId, clientSecret } = e.auth;
  const key = `${tokenUrl} ${clientId}`;
  if (accessToken?.key === key && accessToken.until > Date.now()) return accessToken.token;
  const body = await call(
    tokenUrl,
    new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    undefined,
    e.timeoutMs,
  );
  const { access_token, expires_in } = z
    .object({ access_token: z.string(), expires_in: z.number().default(3600) })
    .parse(body);
  accessToken = { key, token: access_token, until: Date.now() + Math.max(0, expires_in - 60) * 1000 };
  return access_token;
}

/** One CSC call: JSON in and out, a deadline, and the service's error turned into a RemoteSigningError. */
async function call(url: string, body: unknown, token: string | undefined, timeoutMs: number): Promise<unknown> {
  const form = body instanceof URLSearchParams;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: form ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new RemoteSigningError(`remote signing: ${new URL(url).pathname} did not answer (${(err as Error).message})`);
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const reason = [answer.error, answer.error_description].filter(Boolean).join(': ') || res.statusText;
    throw new RemoteSigningError(
      `remote signing: ${new URL(url).pathname} refused (${res.status} ${reason})`,
      res.status,
    );
  }
  return answer;
}

async function csc(e: Endpoint, method: string, body: unknown): Promise<unknown> {
  try {
    return await call(`${e.url}/${method}`, body, await bearer(e), e.timeoutMs);
  } catch (err) {
    // The provider no longer knows the access token (it restarted, or revoked it): fetch a new one.
    if (!(err instanceof RemoteSigningError && err.status === 401 && accessToken)) throw err;
    accessToken = undefined;
    return call(`${e.url}/${method}`, body, await bearer(e), e.timeoutMs);
  }
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** What the signer confirmed (确认): the placement of their signature and when. */
export interface Consent {
  placementId: string;
  confirmedAt: Date;
}

/**
 * The consent token `credentials/authorize` carries: the signer's confirmation, bound to their
 * user id and the one hash, valid for a minute. HMAC under a key derived from SESSION_SECRET, which
 * the development provider shares; a CA's service verifies consent its own way (its app or OTP).
 */
const CONSENT_TTL_MS = 60_000;
const consentKey = () => createHmac('sha256', config().SESSION_SECRET).update('csc-signer-consent').digest();

export function consentToken(userId: string, hash: Uint8Array, consent: Consent, now = Date.now()): string {
  const claims = Buffer.from(
    JSON.stringify({
      sub: userId,
      hash: b64(hash),
      placement: consent.placementId,
      confirmedAt: consent.confirmedAt.toISOString(),
      exp: now + CONSENT_TTL_MS,
    }),
  ).toString('base64url');
  return `${claims}.${createHmac('sha256', consentKey()).update(claims).digest('base64url')}`;
}

/** Whether the token is a valid consent of `userId` to sign exactly `hash` (base64). */
export function verifyConsent(token: string, userId: string, hash: string, now = Date.now()): boolean {
  const [claims, mac] = token.split('.');
  if (!claims || !mac) return false;
  const expected = createHmac('sha256', consentKey()).update(claims).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub: string; hash: string; exp: number };
  return c.sub === userId && c.hash === hash && c.exp > now;
}

/** The credential's id and chain, asked once per process for each signer. */
const known = new Map<string, Promise<{ credentialId: string; certificates: Uint8Array[] }>>();
const MAX_KNOWN = 1000;

function lookUp(e: Endpoint, userId: string, name: string) {
  const key = `${e.url} ${userId}`;
  let found = known.get(key);
  if (!found) {
    found = (async () => {
      // clientData: the name a development provider enrols a new signer under; a CA ignores it.
      const list = z
        .object({ credentialIDs: z.array(z.string()) })
        .parse(await csc(e, 'credentials/list', { userID: userId, clientData: name }));
      const [credentialId] = list.credentialIDs;
      if (!credentialId) throw new RemoteSigningError('remote signing: the signer has no signing credential');
      const info = z
        .object({ key: z.object({ status: z.string() }), cert: z.object({ certificates: z.array(z.string()).min(1) }) })
        .parse(await csc(e, 'credentials/info', { credentialID: credentialId, certificates: 'chain' }));
      if (info.key.status !== 'enabled') throw new RemoteSigningError(`remote signing: the key is ${info.key.status}`);
      return { credentialId, certificates: info.cert.certificates.map((c) => Buffer.from(c, 'base64')) };
    })();
    found.catch(() => known.delete(key));
    if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value as string);
    known.set(key, found);
  }
  return found;
}

/**
 * The signer's remote credential: `userId` is the verified identity's subject (personSubject:
 * a digest of the ID document the login provider verified), `name` the certificate's name.
 * Each signHash is one authorisation (numSignatures 1, this hash, the consent) and one signature.
 */
export async function remoteSignerCredential(
  userId: string,
  name: string,
  consent: Consent,
): Promise<SigningCredential> {
  const e = endpoint();
  const { credentialId, certificates } = await lookUp(e, userId, name);
  return {
    certificates,
    async signHash(digest) {
      if (digest.length !== 32) throw new Error('signHash takes a SHA-256 digest');
      const hash = b64(digest);
      const { SAD } = z.object({ SAD: z.string() }).parse(
        await csc(e, 'credentials/authorize', {
          credentialID: credentialId,
          numSignatures: 1,
          hashes: [hash],
          hashAlgorithmOID: CSC_OID.sha256,
          authData: [{ id: 'consent', value: consentToken(userId, digest, consent) }],
        }),
      );
      const { signatures } = z.object({ signatures: z.array(z.string()).length(1) }).parse(
        await csc(e, 'signatures/signHash', {
          credentialID: credentialId,
          SAD,
          hashes: [hash],
          hashAlgorithmOID: CSC_OID.sha256,
          signAlgo: CSC_OID.rsa,
        }),
      );
      return Buffer.from(signatures[0] as string, 'base64');
    },
  };
}
