import { randomUUID } from 'node:crypto';
import {
  ApiError,
  config,
  endSession,
  logger,
  sessionCookieName,
  sessionCookieOptions,
  sessionTokenOf,
  startSession,
} from '@copyreg/kit';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Knex } from 'knex';
import * as oidc from 'openid-client';
import { upsertLogin } from './profiles';

/**
 * Login through OpenID Connect (authorization code + PKCE) as a relying party (`openid-client`).
 * The issuer is 浙江政务服务网 in production and the development provider here. The login
 * transaction (state, verifier, where to return) rides in a short-lived signed cookie.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: `<public url>/api/identity/callback`. */
  redirectUri: string;
  /** Where the browser lands after login or logout (the portal). */
  publicUrl: string;
}

export function oidcSettingsFromConfig(): OidcSettings {
  const c = config();
  return {
    issuer: c.OIDC_ISSUER ?? `http://127.0.0.1:${c.DEV_OIDC_PORT}`,
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    redirectUri: `${c.PUBLIC_URL}/api/identity/callback`,
    publicUrl: c.PUBLIC_URL,
  };
}

const LOGIN_COOKIE = 'copyreg_login';
const key = () => new TextEncoder().encode(`${config().SESSION_SECRET}:login`);

export class OidcLogin {
  private discovered?: Promise<oidc.Configuration>;
  constructor(
    private readonly db: Knex,
    readonly settings: OidcSettings,
  ) {}

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, {
        // Only the development provider on loopback speaks plain http.
        ...(this.settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err) => {
        this.discovered = undefined;
        throw err;
      });
    return this.discovered;
  }

  /** Only paths on the portal are accepted as a place to return to (no open redirect). */
  private safeReturn(returnTo: unknown): string {
    return typeof returnTo === 'string' && /^\/(?!\/)[^\s\\]*$/.test(returnTo) ? returnTo : '/';
  }

  async start(req: Request, res: Response): Promise<void> {
    let cfg: oidc.Configuration;
    try {
      cfg = await this.configuration();
    } catch (err) {
      logger.warn({ err }, 'OIDC discovery failed');
      throw new ApiError('UPSTREAM_UNAVAILABLE', '统一身份认证服务暂不可用，请稍后重试');
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const tx = await new SignJWT({ state, verifier, returnTo: this.safeReturn(req.query.returnTo) })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(key());
    res.cookie(LOGIN_COOKIE, tx, { ...sessionCookieOptions(), maxAge: 10 * 60 * 1000 });
    res.redirect(302, url.href);
  }

  async callback(req: Request, res: Response): Promise<void> {
    const raw = req.cookies?.[LOGIN_COOKIE] as string | undefined;
    const tx = raw
      ? await jwtVerify(raw, key()).then(
          (r) => r.payload,
          () => undefined,
        )
      : undefined;
    if (!tx) throw new ApiError('UNAUTHENTICATED', '登录已过期，请重新登录');
    const cfg = await this.configuration();
    const current = new URL(req.originalUrl, this.settings.redirectUri);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(cfg, current, {
        pkceCodeVerifier: tx.verifier as string,
        expectedState: tx.state as string,
      });
    } catch (err) {
      logger.warn({ err }, 'OIDC code exchange failed');
      throw new ApiError('UNAUTHENTICATED', '登录失败，请重新登录');
    }
    const subject = tokens.claims()?.sub as string;
    const info = await oidc.fetchUserInfo(cfg, tokens.access_token, subject);
    const user = await upsertLogin(this.db, {
      userId: randomUUID(),
      issuer: this.settings.issuer,
      subject,
      ...(typeof info.name === 'string' ? { name: info.name } : {}),
      ...(typeof info.id_type === 'string' ? { idType: info.id_type } : {}),
      ...(typeof info.id_number === 'string' ? { idNumber: info.id_number } : {}),
    });
    res.clearCookie(LOGIN_COOKIE, { path: '/' });
    res.cookie(sessionCookieName(), await startSession(user.userId, this.db), sessionCookieOptions());
    res.redirect(302, new URL(tx.returnTo as string, this.settings.publicUrl).href);
  }

  /** Ends the session server-side (every service refuses it from the next request), then the cookie. */
  async logout(req: Request, res: Response): Promise<void> {
    await endSession(sessionTokenOf(req), this.db);
    res.clearCookie(sessionCookieName(), { path: '/', secure: sessionCookieOptions().secure });
  }
}
