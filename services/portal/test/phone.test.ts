import { type Party, residentId } from '@copyreg/infra/src/bench/flow';
import type { SigningSession } from '@copyreg/proto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, screenshotFailure, shot } from './browser';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';

// The browser's globals inside page.evaluate (the tests compile without the DOM library).
type Rect = { x: number; y: number; width: number; height: number };
type El = { getBoundingClientRect(): Rect; contains(other: unknown): boolean; tagName: string };
declare const document: {
  getAnimations(): { playState: string }[];
  documentElement: { scrollWidth: number };
  activeElement: El | null;
  elementFromPoint(x: number, y: number): El | null;
  querySelector(selector: string): El | null;
};
declare const window: { innerWidth: number };

/**
 * The applicant on a phone (390×844, touch): login → 作品填报 → the signing page, with no page
 * wider than the screen and every key button on screen and usable; signing places the mark in
 * the signer's own box, moves it by keyboard, shows the service's refusal of a place outside the
 * signature area, and ends with 返回我的作品 (issue 18).
 */
describe('the portal on a phone', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const run = Date.now().toString(36).slice(-5);
  const n = 100 + (Number.parseInt(run, 36) % 800);

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: platform.url,
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure([context], 'phone');
  });
  afterAll(async () => {
    await closeBrowser(browser, [context]);
    await platform?.stop();
  });

  /** Nothing on the page is wider than the screen: no sideways scrolling. */
  async function fitsTheWidth() {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `page ${page.url()} is ${scrollWidth} px wide`).toBeLessThanOrEqual(innerWidth);
  }

  /** On screen (scrolled to if need be), inside the screen's width, and the topmost thing where it is. */
  async function usable(button: Locator) {
    await button.scrollIntoViewIfNeeded();
    const box = await button.boundingBox();
    expect(box).not.toBeNull();
    const b = box as { x: number; y: number; width: number; height: number };
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
    expect(b.height).toBeGreaterThanOrEqual(24);
    const onTop = await button.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return !!hit && (el === hit || el.contains(hit));
    });
    expect(onTop).toBe(true);
  }

  it('logs in, opens 作品填报 from the menu drawer, and reaches the user menu and 退出', async () => {
    await page.goto('/');
    await login(page, { name: '张三', idNumber: residentId(n) });
    await fitsTheWidth();
    await shot(page, 'phone-home');

    // The header keeps the user menu; 退出 is one tap away.
    await usable(page.locator('[data-testid="current-user"]'));
    await page.locator('[data-testid="current-user"]').click();
    await usable(page.locator('.ant-dropdown-menu-item:has([data-testid="logout"])'));
    await page.keyboard.press('Escape');

    // The sidebar is a drawer behind the menu button; the page keeps the whole width.
    await usable(page.locator('[data-testid="menu-button"]'));
    await page.locator('[data-testid="menu-button"]').click();
    const drawer = page.locator('.ant-drawer-section');
    await drawer.waitFor();
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    await shot(page, 'phone-menu');
    await drawer.locator('a[data-menu="作品填报"]').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-testid="filing-form"]').waitFor();
    // Focus went to the new page's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await fitsTheWidth();
    // One column: the 作品名称 and 作品类型 fields are one above the other, each the form's width.
    const form = page.locator('[data-testid="filing-form"]');
    const boxes = await form.locator('.ant-form-item').evaluateAll((els) =>
      els.slice(0, 2).map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width };
      }),
    );
    expect(boxes[1]?.y).toBeGreaterThan((boxes[0]?.y ?? 0) + 20);
    expect(boxes[0]?.width).toBeGreaterThan(300);
    await usable(page.locator('[data-testid="add-holder"]'));
    await page.locator('[data-testid="add-holder"]').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.waitFor();
    await fitsTheWidth();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await shot(page, 'phone-filing-form');
  });

  it('signs on the phone: own box, keyboard moves, a refused place, 确认 on screen, then 返回我的作品', async () => {
    // A joint work of the applicant and one more holder, filed and submitted through the APIs (the
    // journeys fill the form); the applicant signs first.
    const me = await page.evaluate(() =>
      fetch('/api/identity/me').then((r) => r.json() as Promise<{ userId: string }>),
    );
    const session = (await context.cookies(platform.url)).find((c) => c.name === 'copyreg_session');
    const applicant: Party = { userId: me.userId, cookie: `${session?.name}=${session?.value}` };
    const flow = apiFlow(platform, 120_000);
    await flow.completeProfile(applicant, n);
    const filingId = await flow.file(
      applicant,
      [
        { name: '张三', idNumber: residentId(n) },
        { name: '王五', idNumber: residentId(n + 100) },
      ],
      n,
    );
    let link: string | undefined;
    for (let i = 0; i < 120 && !link; i++) {
      const list = await page.evaluate(
        (id) =>
          fetch(`/api/signature/filings/${id}/signing-list`).then(
            (r) => r.json() as Promise<{ items?: { state: string; signingLink?: string }[] }>,
          ),
        filingId,
      );
      link = list.items?.find((it) => it.state === 'current')?.signingLink;
      if (!link) await page.waitForTimeout(500);
    }
    expect(link).toBeTruthy();
    await page.goto(link as string);
    const sessionUrl = new URL(link as string, platform.url).pathname.replace(/^\/sign\//, '/api/signature/links/');
    const signing = () => page.evaluate((u) => fetch(u).then((r) => r.json()), sessionUrl) as Promise<SigningSession>;
    const { suggested } = await signing();

    await page.locator('[data-testid="sign-page-image"]').waitFor();
    await page.locator('[data-testid="own-box"]').waitFor();
    await fitsTheWidth();
    await usable(page.locator('[data-testid="start-signing"]'));
    await usable(page.locator('[data-testid="confirm-signing"]'));

    // 开始签署 puts the mark in this signer's own box, which stays in sight.
    await page.locator('[data-testid="start-signing"]').click();
    const mark = page.locator('[data-testid="signature-mark"]');
    await mark.waitFor();
    let placed = (await signing()).placement;
    expect(placed?.x).toBeCloseTo(suggested.x, 1);
    expect(placed?.y).toBeCloseTo(suggested.y, 1);
    expect(await page.locator('[data-testid="own-box"]').isVisible()).toBe(true);
    const inside = await page.evaluate(() => {
      const m = document.querySelector('[data-testid="signature-mark"]')?.getBoundingClientRect();
      const b = document.querySelector('[data-testid="own-box"]')?.getBoundingClientRect();
      return !!m && !!b && Math.abs(m.x - b.x) < 2 && Math.abs(m.y - b.y) < 2;
    });
    expect(inside).toBe(true);
    // The mark has focus; the arrow keys move it, 2 pt a press, saved once the keys rest.
    expect(await mark.evaluate((el) => el === document.activeElement)).toBe(true);
    const saved = () => page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/placements/'));
    let put = saved();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await put;
    placed = (await signing()).placement;
    expect(placed?.x).toBeCloseTo(suggested.x + 6, 1);
    // 放到签章处 puts it back.
    put = saved();
    await page.locator('[data-testid="to-own-box"]').click();
    await put;
    placed = (await signing()).placement;
    expect(placed?.x).toBeCloseTo(suggested.x, 1);
    // Far up the page (over the declaration) is outside the signature area: refused, with the service's words.
    await mark.focus();
    put = saved();
    for (let i = 0; i < 40; i++) await page.keyboard.press('Shift+ArrowUp');
    expect((await put).status()).toBe(400);
    await page.locator('[data-testid="signing-problem"]', { hasText: '签章位置不在签章区域内' }).waitFor();
    placed = (await signing()).placement;
    expect(placed?.y).toBeCloseTo(suggested.y, 1);
    await shot(page, 'phone-signing');

    await usable(page.locator('[data-testid="confirm-signing"]'));
    await page.locator('[data-testid="confirm-signing"]').click();
    await page.locator('[data-testid="signed"]').waitFor({ timeout: 60_000 });
    await fitsTheWidth();
    await usable(page.locator('[data-testid="back-to-works"]'));
    await page.locator('[data-testid="download-signed"]').waitFor();
    await shot(page, 'phone-signed');
    await page.locator('[data-testid="back-to-works"]').click();
    await page.waitForURL(/\/works\/all$/);
    expect(errors).toEqual([]);
  });
});
