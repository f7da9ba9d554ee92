import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshotFailure } from './browser';
import { addSession } from './party-browser';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';

declare const document: { title: string; documentElement: { className: string; lang: string } };
declare function getComputedStyle(element: unknown): { backgroundColor: string };

/**
 * The landing page rendered by the portal server (issue 18: a first load under 2 s on Fast 3G):
 * with the scripts off it already shows the page, the sidebar and 我的办件 with the applicant's
 * own works, in the browser's language and mode; with them on, the app takes it over without a
 * difference (no hydration error) and without asking for the session again. A work's title is
 * the applicant's text inside the page's data: it stays text.
 */
describe('the landing page, rendered by the server', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-6);
  const n = 100 + (Number.parseInt(run, 36) % 800);
  // Markup and a replacement pattern (`$&`), to stay text in the HTML and in the page's data.
  const title = `</script><script>document.title='pwned'</script> $& 第${n}号`;
  let applicant: Party;

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb(undefined, { min: 0, max: 2 });
    applicant = await party(db, { name: '张三', idNumber: residentId(n) });
    const flow = apiFlow(platform, 60_000);
    await flow.completeProfile(applicant, n);
    await flow.call('POST /api/filing/filings', applicant, 'POST', `${platform.url}/api/filing/filings`, {
      content: { title },
    });
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'landing');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  async function open(options: { scripts: boolean; view?: string; phone?: boolean }): Promise<Page> {
    const context = await browser.newContext({
      baseURL: platform.url,
      locale: 'zh-CN',
      javaScriptEnabled: options.scripts,
      viewport: options.phone ? { width: 390, height: 844 } : { width: 1366, height: 900 },
      ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    await addSession(context, applicant, platform.url);
    if (options.view) await context.addCookies([{ name: 'view', value: options.view, url: platform.url }]);
    return context.newPage();
  }

  it('shows the page, the sidebar and 我的办件 before any script runs', async () => {
    const page = await open({ scripts: false });
    const response = await page.goto('/');
    // The applicant's own data: kept by no cache.
    expect(response?.headers()['cache-control']).toBe('private, no-store');
    await expect(page.locator('h1').textContent()).resolves.toBe('作品自愿登记须知');
    expect(await page.locator('a[data-menu="作品列表"]').isVisible()).toBe(true);
    expect(await page.getByTestId('my-work').filter({ hasText: title }).count()).toBe(1);
    expect(await page.getByTestId('current-user').textContent()).toContain('张三');
    // Drawn with its styles: the header bar's blue, the menu's width.
    const header = await page.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(header).toBe('rgb(11, 78, 162)');
    // In English and 长辈版 when this browser shows them.
    const english = await open({ scripts: false, view: 'lang=en&elder=1&wide=1&still=0' });
    await english.goto('/');
    await expect(english.locator('h1').textContent()).resolves.toBe('About voluntary registration');
    expect(
      await english.evaluate(() => [document.documentElement.lang, document.documentElement.className, document.title]),
    ).toEqual(['en', 'elder', 'Voluntary Copyright Registration']);
  });

  it('is taken over by the app as it is, without asking for the session again', async () => {
    for (const phone of [false, true]) {
      const page = await open({ scripts: true, phone });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      const asked: string[] = [];
      page.on('request', (r) => asked.push(r.url().slice(platform.url.length)));
      // A phone's first visit is rendered for a desktop (the server cannot know the width) and
      // rendered again by the app; from then on its cookie tells the server, and it is taken over.
      for (const visit of phone ? [1, 2] : [1]) {
        asked.length = 0;
        await page.goto('/');
        await page.waitForFunction(() => performance.getEntriesByName('portal:interactive').length > 0);
        expect(await page.evaluate(() => document.title)).toBe('作品自愿登记平台');
        const expected = phone && visit === 1 ? 'rendered' : 'hydrated';
        expect(await page.locator('html').getAttribute('data-app')).toBe(expected);
      }
      expect(asked).not.toContain('/api/identity/me');
      expect(asked).not.toContain('/api/filing/filings?list=all&page=1&pageSize=20');
      expect(errors).toEqual([]);
      // The app works: a link of 我的办件 is followed in the page.
      await page.getByTestId('my-work').filter({ hasText: title }).getByRole('link').click();
      await page.waitForURL(/\/filings\/[\w-]+$/);
      await page.locator('h1').first().waitFor();
    }
  });
});
