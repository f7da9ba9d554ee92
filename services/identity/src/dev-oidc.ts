import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { config, developmentOnly, listen, logger } from '@copyreg/kit';
import { idNumberProblem } from '@copyreg/proto';
import express from 'express';
import Provider from 'oidc-provider';
import { devAccountClaims, devAccounts, newPersonAccountId } from './dev-accounts';

/**
 * The development OpenID Connect provider, standing in for 浙江政务服务网 (a certified provider,
 * `oidc-provider`). Its login page lists the development accounts and lets anyone log in as a
 * new person by name and resident ID. Never run it in production: it asks for no password.
 */
export interface DevOidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createDevOidcApp(opts: DevOidcOptions) {
  const provider = new Provider(opts.issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'id_type', 'id_number'] },
    scopes: ['openid', 'profile'],
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const claims = devAccountClaims(sub);
      if (!claims) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: claims.name, id_type: claims.idType, id_number: claims.idNumber }),
      };
    },
  });
  // The development issuer runs over plain http on loopback.
  provider.proxy = true;

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: 'dev-oidc' });
  });

  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        await grantConsent(provider, details, req, res);
        return;
      }
      res.type('html').send(loginPage(details.uid, typeof req.query.error === 'string' ? req.query.error : undefined));
    } catch (err) {
      next(err);
    }
  });

  app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      let accountId = String(req.body?.accountId ?? '');
      if (!accountId) {
        const name = String(req.body?.name ?? '').trim();
        const idNumber = String(req.body?.idNumber ?? '');
        const problem = name ? idNumberProblem('resident_id', idNumber) : '请填写姓名';
        if (problem) {
          res.redirect(303, `/interaction/${details.uid}?error=${encodeURIComponent(problem)}`);
          return;
        }
        accountId = newPersonAccountId(name, idNumber);
      }
      if (!devAccountClaims(accountId)) {
        res.redirect(303, `/interaction/${details.uid}?error=${encodeURIComponent('没有这个账号')}`);
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  app.use(provider.callback());
  return app;
}

/** The development provider asks no consent: the platform is its only client. */
async function grantConsent(
  provider: Provider,
  details: Awaited<ReturnType<Provider['interactionDetails']>>,
  req: express.Request,
  res: express.Response,
) {
  const { prompt, params, session, grantId: existing } = details;
  const grant = existing
    ? await provider.Grant.find(existing)
    : new provider.Grant({ accountId: session?.accountId as string, clientId: params.client_id as string });
  if (!grant) throw new Error('grant not found');
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function loginPage(uid: string, error?: string): string {
  const rows = devAccounts
    .map(
      (a) => `<li><form method="post" action="/interaction/${esc(uid)}/login">
<input type="hidden" name="accountId" value="${esc(a.accountId)}">
<button type="submit" data-account="${esc(a.accountId)}">${esc(a.name)}</button> <span>${esc(a.label)}</span></form></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>浙江政务服务网（开发用登录）</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto}li{margin:.4rem 0}.error{color:#c00}</style></head>
<body><h1>浙江政务服务网（开发用登录）</h1>
<p>开发环境身份提供方，仅用于开发与测试，不校验密码。</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<h2>选择账号登录</h2><ul>${rows}</ul>
<h2>以新用户登录</h2>
<form method="post" action="/interaction/${esc(uid)}/login">
<label>姓名 <input name="name" required></label>
<label>居民身份证号 <input name="idNumber" required></label>
<button type="submit">登录</button></form></body></html>`;
}

/** The provider as the platform process `dev-oidc`, for the portal and identity service of this machine. */
export function devOidcOptionsFromConfig(): DevOidcOptions {
  const c = config();
  return {
    issuer: `http://127.0.0.1:${c.DEV_OIDC_PORT}`,
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    redirectUris: [
      `${c.PUBLIC_URL}/api/identity/callback`,
      `http://127.0.0.1:${c.IDENTITY_PORT}/api/identity/callback`,
    ],
    postLogoutRedirectUris: [`${c.PUBLIC_URL}/`, c.PUBLIC_URL],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  developmentOnly('the development identity provider');
  const server: Server = await listen(createDevOidcApp(devOidcOptionsFromConfig()), config().DEV_OIDC_PORT);
  logger.info({ port: config().DEV_OIDC_PORT }, 'development identity provider listening');
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
