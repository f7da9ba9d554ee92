import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Playwright's own log of the browser calls and the browser process (the last 300 lines), printed
 * when a teardown stalls, so that a rare hang names the call that did not return.
 */
const browserLog: string[] = [];
const logger = {
  isEnabled: (name: string) => name === 'api' || name === 'browser',
  log: (name: string, _severity: string, message: string | Error) => {
    browserLog.push(`${new Date().toISOString()} ${name} ${message instanceof Error ? message.message : message}`);
    if (browserLog.length > 300) browserLog.shift();
  },
};

/** Debian's Chromium, headless; Playwright gives each launch a fresh temporary profile (user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    logger,
  });
}

/**
 * Closes a test file's contexts, then its browser. A close that takes over 30 s prints the
 * browser's recent log and keeps waiting: the hook's own timeout still fails the run.
 */
export async function closeBrowser(browser: Browser | undefined, contexts: (BrowserContext | undefined)[]) {
  const stalled = setTimeout(
    () => console.error(`closing the browser has taken over 30 s; its last log lines:\n${browserLog.join('\n')}`),
    30_000,
  );
  try {
    for (const c of contexts) await c?.close().catch(() => undefined);
    await browser?.close();
  } finally {
    clearTimeout(stalled);
  }
}

/** One person's browser: their own cookies (each user logs in in a context of their own). */
export async function personContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
    // No fades: a page is checked in its final colours, never a toast caught mid-fade (flaky contrast).
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(20_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  return context;
}

const screenshotDir = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));
mkdirSync(screenshotDir, { recursive: true });

/** Saves a full-page screenshot into docs/screenshots/<name>.png, for the docs and for a human to look at. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir, `${name}.png`);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Logs in through the development identity provider (浙江政务服务网 stand-in): a seeded account by id,
 * or a new person by name and resident ID.
 */
export async function login(
  page: Page,
  who: { accountId: string } | { name: string; idNumber: string },
  returnTo = '/',
): Promise<void> {
  const portal = new URL(page.context().pages()[0]?.url() || 'about:blank').origin;
  await page.goto(`/api/identity/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.waitForURL(/\/interaction\//);
  if ('accountId' in who) {
    await page.click(`button[data-account="${who.accountId}"]`);
  } else {
    await page.fill('input[name="name"]', who.name);
    await page.fill('input[name="idNumber"]', who.idNumber);
    await page.click('form:has(input[name="idNumber"]) button[type="submit"]');
  }
  await page.waitForURL((url) => url.origin === portal && !url.pathname.startsWith('/api/'));
  await page.waitForSelector('[data-testid="current-user"]');
}

/** After a failed test, a picture of every open page (outside the repository) to see why. */
export async function screenshotFailure(contexts: BrowserContext[], prefix: string) {
  const dir = path.join(tmpdir(), 'portal-test-failures');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const c of contexts)
    for (const p of c.pages())
      await p.screenshot({ path: path.join(dir, `${prefix}-${n++}.png`), fullPage: true }).catch(() => undefined);
  console.log(`failure screenshots in ${dir}`);
}

/** The page's serious and critical axe violations (WCAG 2.1 A and AA), one line each (rule, impact, where). */
export async function seriousViolations(page: Page, name: string): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Animations (antd's fades) finished, so colours are the final ones.
  await page.waitForTimeout(400);
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
          .join(' | ')}`,
    );
}
