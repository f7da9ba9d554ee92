import type { Party } from '@copyreg/infra/src/bench/flow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations, shot } from './browser';

/** The two sizes the 其他登记服务 pages are checked at (revocation-pages, other-services). */
export const sizes = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } };
export type Size = keyof typeof sizes;

/**
 * A page in this person's own browser, logged in by their session cookie (a party made in the
 * database, not through the identity provider's pages); `storage` is what the portal keeps on the
 * browser (language, 长辈版).
 */
export async function partyPage(
  browser: Browser,
  url: string,
  contexts: BrowserContext[],
  who: Party,
  size: Size = 'desktop',
  storage?: Record<string, string>,
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: url,
    locale: 'zh-CN',
    viewport: sizes[size],
    ...(size === 'phone' ? { isMobile: true, hasTouch: true } : {}),
    // No fades: a page is checked in its final colours, never a toast caught mid-fade (flaky contrast).
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(20_000);
  contexts.push(context);
  if (storage) {
    await context.addInitScript(
      `for (const [k, v] of Object.entries(${JSON.stringify(storage)})) localStorage.setItem(k, v);`,
    );
  }
  await addSession(context, who, url);
  return context.newPage();
}

/** The party's session cookie in a browser context of the portal at `url`. */
export async function addSession(context: BrowserContext, who: Party, url: string) {
  const [name, ...value] = who.cookie.split(';')[0]!.split('=');
  await context.addCookies([{ name: name!, value: value.join('='), url }]);
}

/** Waits (Playwright's patience, not a sleep) until the heading's status tag says exactly `text`. */
export const headingStatus = (page: Page, testId: string, text: string) =>
  page
    .locator(`h1 [data-testid="${testId}"]`)
    .filter({ hasText: new RegExp(`^${text}$`) })
    .waitFor();

/** The id a page shows: its address ends in it (/service-requests/:id, /staff/revocations/:id). */
export const idInAddress = (page: Page) => new URL(page.url()).pathname.split('/').at(-1) as string;

/** The rows of the page's table that contain the text. */
export const tableRow = (page: Page, text: string) =>
  page.locator('.ant-table-tbody tr.ant-table-row', { hasText: text });

/**
 * A page state on screen: axe's serious and critical findings collected (asserted empty at the
 * end of the file), the picture kept in docs/screenshots, and on a phone nothing wider than it.
 */
export async function checkState(page: Page, name: string, violations: string[]) {
  violations.push(...(await seriousViolations(page, name)));
  await shot(page, name);
  if (page.viewportSize()?.width === sizes.phone.width) {
    // The page's code runs in the browser, hence the string.
    const [scrollWidth, innerWidth] = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as [number, number];
    expect(scrollWidth, `${name} is ${scrollWidth} px wide`).toBeLessThanOrEqual(innerWidth);
  }
}
