import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, personContext, screenshotFailure } from './browser';
import { people } from './fixtures';
import { ensurePlatform, type TestPlatform } from './platform';

/**
 * Issue 16: the typed client's transport keeps what the hand-written one did. A command carries
 * one Idempotency-Key per user action; when its answer is lost (the network, or a 503 while the
 * service is busy) it is sent again with the same key, in the portal's language.
 */
describe('the portal client sends a command again with the same key', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'transport');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await platform?.stop();
  });

  it('退出 lost on the network, then refused with 503, goes through on the third send with one key', async () => {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, people.li);

    const sent: { key?: string; lang?: string }[] = [];
    await page.route('**/api/identity/logout', async (route) => {
      const headers = route.request().headers();
      sent.push({ key: headers['idempotency-key'], lang: headers['accept-language'] });
      if (sent.length === 1) await route.abort('connectionreset');
      else if (sent.length === 2) await route.fulfill({ status: 503, headers: { 'retry-after': '1' }, json: {} });
      else await route.continue();
    });
    await page.getByTestId('current-user').click();
    await page.getByTestId('logout').click();
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(3);

    expect(sent[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.map((s) => s.key)).toEqual([sent[0]?.key, sent[0]?.key, sent[0]?.key]);
    expect(sent.map((s) => s.lang)).toEqual(['zh-CN', 'zh-CN', 'zh-CN']);
    // The third send reached the service: the session is over.
    await expect.poll(async () => (await context.request.get('/api/identity/me')).status()).toBe(401);
    // The portal then loads its home page again. The test ends on that page, settled and with its
    // route removed, so that the teardown never closes a page mid-navigation under interception.
    await page.getByTestId('login').first().waitFor();
    await page.unrouteAll({ behavior: 'wait' });
    await page.waitForLoadState('networkidle');
  });
});
