import { config, createDb, createObjectStore, SESSION_COOKIE, verifySession } from '@copyreg/kit';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityApp } from '../src/app';
import { devAccounts, devUserId } from '../src/dev-accounts';
import { createDevOidcApp } from '../src/dev-oidc';
import { seedDevAccounts } from '../src/seed';
import { Browser, serveLate } from './helpers';

/** The whole login: portal → identity → development provider's login page → back with a session. */
describe('login through OpenID Connect (development provider standing in for 浙江政务服务网)', () => {
  const db = createDb();
  let idp: Awaited<ReturnType<typeof serveLate>>;
  let identity: Awaited<ReturnType<typeof serveLate>>;
  const publicUrl = 'http://portal.test';

  beforeAll(async () => {
    idp = await serveLate();
    identity = await serveLate();
    const redirectUri = `${identity.url}/api/identity/callback`;
    idp.use(
      createDevOidcApp({
        issuer: idp.url,
        clientId: 'portal',
        clientSecret: 'test-secret-1234',
        redirectUris: [redirectUri],
      }),
    );
    identity.use(
      createIdentityApp({
        db,
        store: createObjectStore(),
        bucket: config().S3_BUCKET,
        oidc: { issuer: idp.url, clientId: 'portal', clientSecret: 'test-secret-1234', redirectUri, publicUrl },
      }),
    );
    await seedDevAccounts(db, idp.url);
  });
  afterAll(async () => {
    await identity.close();
    await idp.close();
    await db.destroy();
  });

  /** Follows redirects; on the login page submits the form fields given; stops when back on the portal. */
  async function logIn(browser: Browser, form: Record<string, string>, returnTo = '/works') {
    let res = await browser.go(`${identity.url}/api/identity/login?returnTo=${encodeURIComponent(returnTo)}`);
    for (let i = 0; i < 15; i++) {
      const location = res.headers.get('location');
      if (location?.startsWith(publicUrl)) return { res, location };
      if (location) {
        res = await browser.go(new URL(location, res.url).href);
        continue;
      }
      const html = await res.text();
      expect(res.status, html).toBe(200);
      expect(html).toContain('浙江政务服务网（开发用登录）');
      const action = /action="([^"]+)"/.exec(html)?.[1] as string;
      res = await browser.go(new URL(action, res.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    }
    throw new Error('login did not finish');
  }

  it('logs in a seeded staff account with the roles and region of the identity schema', async () => {
    const browser = new Browser();
    const { location } = await logIn(browser, { accountId: 'regional-hangzhou' });
    expect(location).toBe(`${publicUrl}/works`);
    const token = browser.cookie(new URL(identity.url).host, SESSION_COOKIE);
    const user = await verifySession(token as string);
    expect(user).toEqual({ userId: devUserId('regional-hangzhou'), roles: ['regional_staff'], region: '330100' });
    const me = await browser.go(`${identity.url}/api/identity/me`);
    expect(((await me.json()) as { name: string }).name).toBe('吴杭州');
  });

  it('logs in a new person by name and resident ID, creating an applicant with the verified document', async () => {
    const browser = new Browser();
    const idNumber = devAccounts[0]!.idNumber.replace(/^330106/, '330110'); // same birth date, other district
    const fixed = idNumber.slice(0, 17);
    const { residentIdCheckChar } = await import('@copyreg/proto');
    const valid = fixed + residentIdCheckChar(fixed);
    await logIn(browser, { name: '新签章人', idNumber: valid });
    const user = await verifySession(browser.cookie(new URL(identity.url).host, SESSION_COOKIE) as string);
    expect(user?.roles).toEqual(['applicant']);
    assert(user, 'the new person has a session'); // narrows: the checks below read its id
    const row = await db('identity.users').where({ id: user.userId }).first();
    expect(row).toMatchObject({
      verified_name: '新签章人',
      verified_id_type: 'resident_id',
      verified_id_number: valid,
    });

    // Logging in again finds the same user.
    const again = new Browser();
    await logIn(again, { name: '新签章人', idNumber: valid });
    expect((await verifySession(again.cookie(new URL(identity.url).host, SESSION_COOKIE) as string))?.userId).toBe(
      user.userId,
    );

    const token = browser.cookie(new URL(identity.url).host, SESSION_COOKIE) as string;
    const out = await browser.go(`${identity.url}/api/identity/logout`, { method: 'POST' });
    expect(out.status).toBe(200);
    expect(browser.cookie(new URL(identity.url).host, SESSION_COOKIE)).toBeUndefined();
    // Ended server-side: the token kept elsewhere (a copied cookie) no longer works.
    expect(await verifySession(token)).toBeUndefined();
    const me = await fetch(`${identity.url}/api/identity/me`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
    expect(me.status).toBe(401);
  });

  it('the login page refuses a new person with an invalid resident ID, saying why', async () => {
    const browser = new Browser();
    let res = await browser.go(`${identity.url}/api/identity/login`);
    while (res.headers.get('location'))
      res = await browser.go(new URL(res.headers.get('location') as string, res.url).href);
    const page = await res.text();
    const action = /action="([^"]+)"/.exec(page)?.[1] as string;
    res = await browser.go(new URL(action, res.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: '某人', idNumber: ' 330106199003071236' }).toString(),
    });
    const back = await browser.go(new URL(res.headers.get('location') as string, res.url).href);
    expect(await back.text()).toContain('证件号前后不能有空格');
  });

  it('refuses an open redirect and a callback without a login in progress', async () => {
    const browser = new Browser();
    const { location } = await logIn(browser, { accountId: 'applicant-zhang' }, '//evil.example/x');
    expect(location).toBe(`${publicUrl}/`);
    const res = await fetch(`${identity.url}/api/identity/callback?code=x&state=y`);
    expect(res.status).toBe(401);
  });
});
