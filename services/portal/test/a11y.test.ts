import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, screenshotFailure, seriousViolations, shot } from './browser';
import { people } from './fixtures';
import { ensurePlatform, type TestPlatform } from './platform';

// The browser's globals inside page.evaluate (the tests compile without the DOM library).
declare const document: {
  documentElement: { lang: string };
  activeElement: { tagName: string; textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

/**
 * Accessibility basics on the pages a visitor and an applicant reach first, at a desktop and a
 * phone viewport: axe-core (WCAG 2.1 A and AA rules) finds nothing serious or critical; each page
 * has one h1; <html lang> follows the language; the first Tab reaches the skip link (issue 18).
 */
describe('accessibility', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'a11y');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await platform?.stop();
  });

  const viewports = {
    desktop: { width: 1366, height: 900 },
    phone: { width: 390, height: 844 },
  };

  async function open(viewport: keyof typeof viewports): Promise<Page> {
    const context = await browser.newContext({
      baseURL: platform.url,
      locale: 'zh-CN',
      viewport: viewports[viewport],
      ...(viewport === 'phone' ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    return context.newPage();
  }

  async function checkPage(page: Page, path: string, name: string, ready: string): Promise<string[]> {
    await page.goto(path);
    await page.locator(ready).first().waitFor();
    expect(await page.evaluate(() => document.querySelectorAll('h1').length), `${name}: h1 count`).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    return seriousViolations(page, name);
  }

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`has no serious or critical axe violations (${viewport})`, async () => {
      const found: string[] = [];
      // A visitor: the home page, a page behind the login, the public certificate check.
      const visitor = await open(viewport);
      found.push(...(await checkPage(visitor, '/', `${viewport} home (visitor)`, 'h1')));
      // The skip link is the first thing Tab reaches.
      await visitor.keyboard.press('Tab');
      expect(await visitor.evaluate(() => document.activeElement?.textContent)).toBe('跳到主要内容');
      found.push(...(await checkPage(visitor, '/verify', `${viewport} verify`, 'h1')));

      // The applicant: home, 资料完善, 作品填报, 作品列表.
      const applicant = await open(viewport);
      await applicant.goto('/');
      await login(applicant, people.zhang);
      found.push(...(await checkPage(applicant, '/', `${viewport} home`, 'h1')));
      found.push(...(await checkPage(applicant, '/profile', `${viewport} profile`, '[data-testid="profile-form"]')));
      found.push(
        ...(await checkPage(applicant, '/filings/new', `${viewport} filing form`, '[data-testid="filing-form"]')),
      );
      found.push(...(await checkPage(applicant, '/works/all', `${viewport} work list`, '.ant-table')));
      if (viewport === 'desktop') await shot(applicant, 'a11y-work-list');
      // English sets <html lang="en">.
      await applicant.click('[data-testid="lang-switch"]');
      expect(await applicant.evaluate(() => document.documentElement.lang)).toBe('en');
      await applicant.click('[data-testid="lang-switch"]');
      expect(found).toEqual([]);
    });
  }
});
