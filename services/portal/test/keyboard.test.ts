import { party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { SigningSession } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshotFailure } from './browser';
import { png } from './fixtures';
import { partyPage } from './party-browser';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';
import { item, modal, toast } from './ui';

// The browser's globals inside evaluate (the tests compile without the DOM library).
type El = { contains(other: unknown): boolean };
declare const document: { activeElement: El | null };

/**
 * 作品填报 and 签章 with the keyboard alone (issue 18): every control of the journey is reached by
 * Tab from the one before it and worked with typing, the arrow keys and Enter; the mouse is never
 * used. The profile is completed through the API (its page is the journeys' to fill).
 */
describe('the filing and signing journey by keyboard alone', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-5);
  const n = 100 + (Number.parseInt(run, 36) % 800);

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'keyboard');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  /** Presses Tab until the target (or something inside it) has the focus; fails if Tab never gets there. */
  async function tabTo(page: Page, target: Locator, what: string, max = 80) {
    const el = await target.elementHandle();
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (
        await el?.evaluate((e) => !!document.activeElement && (e as unknown as El).contains(document.activeElement))
      ) {
        return;
      }
    }
    throw new Error(`${what}: not reached in ${max} presses of Tab`);
  }

  it('fills 作品填报, adds the holder and the author, submits, and signs: Tab, typing, arrows and Enter', async () => {
    const who = await party(db, { name: '张三', idNumber: residentId(n) });
    await apiFlow(platform, 120_000).completeProfile(who, n);
    const page = await partyPage(browser, platform.url, contexts, who);
    // Playwright turns on its interception of file choosers when the first listener is added. That
    // message can reach the page after an Enter pressed just after it (Chromium runs input events
    // first), and the chooser then opens unseen: once in a rehearsal. Turned on here, long before.
    page.on('filechooser', () => {});
    await page.goto('/');
    await page.locator('#main h1').waitFor();

    // From the home page to 作品填报 by the sidebar.
    await tabTo(page, page.locator('a[data-menu="作品填报"]'), '作品填报 in the sidebar');
    await page.keyboard.press('Enter');
    const form = page.locator('[data-testid="filing-form"]');
    await form.waitFor();

    const title = `键盘填报-${run}`;
    await tabTo(page, item(form, '作品名称').locator('input'), '作品名称');
    await page.keyboard.type(title);
    // 作品类别: the arrow keys open the list and move in it, Enter picks.
    await tabTo(page, item(form, '作品类别').locator('input'), '作品类别');
    await page.keyboard.press('ArrowDown');
    const active = page.locator('.ant-select-dropdown:visible .ant-select-item-option-active');
    for (let i = 0; i < 20 && (await active.innerText()) !== '美术'; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => item(form, '作品类别').innerText()).toContain('美术');
    // The date typed in, Enter to take it.
    await tabTo(page, item(form, '创作/制作完成日期').locator('input'), '创作/制作完成日期');
    await page.keyboard.type('2026-01-10');
    await page.keyboard.press('Enter');
    await expect.poll(() => item(form, '创作/制作完成日期').locator('input').inputValue()).toBe('2026-01-10');
    // 上传样本 opens the file chooser from the keyboard.
    await tabTo(page, item(form, '样本').locator('.ant-upload-wrapper'), '上传样本');
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    const sample = await png(`${title}.png`, title);
    await (await chooser).setFiles(sample);
    await item(form, '样本').locator('.ant-upload-list-item-done', { hasText: sample.name }).waitFor();
    await tabTo(page, item(form, '作品简介及创意').locator('textarea'), '作品简介及创意');
    await page.keyboard.type('以西湖晨雾为主要元素，水墨层次构成画面。');

    // The holder and the author, each in its dialog: the focus goes in, Tab stays in, Enter on 确定.
    await tabTo(page, page.locator('[data-testid="add-holder"]'), '添加著作权人');
    await page.keyboard.press('Enter');
    const holder = modal(page, '添加著作权人');
    await holder.waitFor();
    await tabTo(page, item(holder, '姓名/名称').locator('input'), '著作权人 姓名/名称');
    await page.keyboard.type('张三');
    await tabTo(page, item(holder, '证件号').locator('input'), '著作权人 证件号');
    await page.keyboard.type(residentId(n));
    await tabTo(page, holder.locator('.ant-modal-footer .ant-btn-primary'), '著作权人 确定');
    await page.keyboard.press('Enter');
    await holder.waitFor({ state: 'hidden' });
    await tabTo(page, page.locator('[data-testid="add-author"]'), '添加作者');
    await page.keyboard.press('Enter');
    const author = modal(page, '添加作者');
    await author.waitFor();
    await tabTo(page, item(author, '作者姓名/名称').locator('input'), '作者姓名/名称');
    await page.keyboard.type('张三');
    await tabTo(page, author.locator('.ant-modal-footer .ant-btn-primary'), '作者 确定');
    await page.keyboard.press('Enter');
    await author.waitFor({ state: 'hidden' });

    await tabTo(page, page.locator('[data-testid="save-draft"]'), '暂存');
    await page.keyboard.press('Enter');
    await toast(page, '已暂存');
    await tabTo(page, page.locator('[data-testid="submit-and-sign"]'), '提交并电子签章');
    await page.keyboard.press('Enter');

    // The signing list: this applicant signs first, by its 签章 link (a new tab).
    const list = modal(page, '签章');
    const link = list.locator('tbody tr').first().locator('[data-testid="sign-link"]');
    await link.waitFor({ timeout: 60_000 });
    await tabTo(page, link, '签章 link');
    const opened = page.context().waitForEvent('page');
    await page.keyboard.press('Enter');
    const signing = await opened;
    await signing.bringToFront();
    await signing.locator('[data-testid="sign-page-image"]').waitFor();
    const sessionUrl = new URL(signing.url()).pathname.replace(/^\/sign\//, '/api/signature/links/');
    const session = () =>
      signing.evaluate((u) => fetch(u).then((r) => r.json()), sessionUrl) as Promise<SigningSession>;
    const { suggested } = await session();

    // 开始签署 puts the mark in the signer's box; the arrows move it (saved when the keys rest),
    // 放到签章处 puts it back; 确认 signs.
    await tabTo(signing, signing.locator('[data-testid="start-signing"]'), '开始签署');
    await signing.keyboard.press('Enter');
    await signing.locator('[data-testid="signature-mark"]').waitFor();
    const saved = () =>
      signing.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/placements/'));
    let put = saved();
    await signing.keyboard.press('ArrowRight');
    await signing.keyboard.press('ArrowRight');
    await put;
    expect((await session()).placement?.x).toBeCloseTo(suggested.x + 4, 1);
    put = saved();
    await tabTo(signing, signing.locator('[data-testid="to-own-box"]'), '放到签章处');
    await signing.keyboard.press('Enter');
    await put;
    const placed = (await session()).placement;
    expect(placed?.x).toBeCloseTo(suggested.x, 1);
    expect(placed?.y).toBeCloseTo(suggested.y, 1);
    await tabTo(signing, signing.locator('[data-testid="confirm-signing"]'), '确认');
    await signing.keyboard.press('Enter');
    await signing.locator('[data-testid="signed"]').waitFor();
    expect((await session()).placement?.confirmed).toBe(true);
  });
});
