import { fileURLToPath } from 'node:url';
import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeBrowser,
  launchBrowser,
  login,
  personContext,
  screenshotFailure,
  seriousViolations,
  shot,
} from './browser';
import { people } from './fixtures';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';
import { item } from './ui';

/**
 * The guided journey (issue 18): 我的办件 on the home page with the next action of each work, the
 * sidebar's badges following an action without a page change, a work leaving the final queue as
 * soon as it is approved, the timeline of a registration's steps with their dates, the ID number
 * from the real-name login, and field help reachable by keyboard and by touch.
 */
describe('the guided journey', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-5);
  const n = Number.parseInt(run, 36) % 1000;
  const applicant = { name: `周引导${run}`, idNumber: residentId(n) };
  const violations: string[] = [];

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb(undefined, { min: 0, max: 2 });
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'guided');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  async function as(who: { accountId: string } | { name: string; idNumber: string }, returnTo = '/') {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, who, returnTo);
    return page;
  }

  /** The API party of a page's logged-in user, to bring their work to a state fast. */
  async function partyOf(page: Page): Promise<Party> {
    const me = await page.evaluate(() =>
      fetch('/api/identity/me').then((r) => r.json() as Promise<{ userId: string }>),
    );
    const session = (await page.context().cookies(platform.url)).find((c) => c.name === 'copyreg_session');
    if (!session) throw new Error('no session cookie after login');
    return { userId: me.userId, cookie: `${session.name}=${session.value}` };
  }

  const badge = (page: Page, menu: string) => page.locator(`a[data-menu="${menu}"] .ant-badge`).first();

  it('资料完善 shows the ID number of the real-name login, filled in and read-only', async () => {
    const page = await as(applicant, '/profile');
    await page.getByTestId('profile-form').waitFor();
    const id = page.getByTestId('id-number');
    await expect.poll(() => id.inputValue()).toBe(applicant.idNumber);
    expect(await id.getAttribute('readonly')).not.toBeNull();
    expect(await item(page, '证件类型').locator('.ant-select-disabled').count()).toBe(1);
    expect(await item(page, '证件类型').innerText()).toContain('居民身份证');
    // The category follows the verified document: a person, fixed.
    expect(await item(page, '类别').locator('input[type="radio"]:checked').getAttribute('value')).toBe('individual');
    await shot(page, 'guided-01-profile-id-prefilled');
    violations.push(...(await seriousViolations(page, 'profile prefilled')));
  });

  it('field help opens from the keyboard and by a tap, says its text to a screen reader, and closes with Esc', async () => {
    const page = await as(applicant, '/filings/new');
    const title = page.locator('#title');
    await title.waitFor();
    const help = '填写作品的完整名称，与样本一致；系列作品请分别登记。';
    // Shift+Tab from the field reaches the help button beside its label.
    await title.focus();
    await page.keyboard.press('Shift+Tab');
    const focused = page.locator(':focus');
    expect(await focused.getAttribute('data-testid')).toBe('help-tip');
    const tooltip = page.locator('.ant-tooltip:not(.ant-tooltip-hidden)', { hasText: help });
    await tooltip.waitFor();
    const describedBy = (await focused.getAttribute('aria-describedby'))?.split(' ')[0] ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(help);
    violations.push(...(await seriousViolations(page, 'filing form, help open')));
    // The viewport, not the full page: a full-page capture draws the tooltip away from its button.
    await page.screenshot({
      path: fileURLToPath(new URL('../../../docs/screenshots/guided-02-field-help.png', import.meta.url)),
    });
    await page.keyboard.press('Escape');
    await tooltip.waitFor({ state: 'hidden' });

    // A phone has no hover: a tap opens it.
    const phone = await browser.newContext({
      baseURL: platform.url,
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      storageState: await page.context().storageState(),
    });
    contexts.push(phone);
    const tapPage = await phone.newPage();
    await tapPage.goto('/filings/new');
    const tip = tapPage.locator('.ant-form-item', { has: tapPage.locator('#title') }).getByTestId('help-tip');
    await tip.tap();
    await tapPage.locator('.ant-tooltip:not(.ant-tooltip-hidden)', { hasText: help }).waitFor();
  });

  it('我的办件 names the next action; the badges follow an action on the same page; the timeline dates each step', async () => {
    const page = await as(applicant);
    const me = await partyOf(page);
    const flow = apiFlow(platform, 240_000);
    await flow.completeProfile(me, n);
    const cosignerId = residentId((n + 500) % 1000);
    const cosigner = await party(db, { name: '吴合作', idNumber: cosignerId });
    const filingId = await flow.file(
      me,
      [
        { name: applicant.name, idNumber: applicant.idNumber },
        { name: '吴合作', idNumber: cosignerId },
      ],
      n,
    );
    const row = () => page.getByTestId('my-work').filter({ has: page.locator(`a[href="/filings/${filingId}"]`) });

    await page.goto('/');
    await row().getByTestId('next-action').filter({ hasText: '去签章' }).waitFor();
    await badge(page, '待签章作品').filter({ hasText: '1' }).waitFor();
    violations.push(...(await seriousViolations(page, 'home, my works')));
    await shot(page, 'guided-03-home-next-action');

    await flow.sign(me, [me, cosigner], filingId);
    await flow.waitStatus(me, filingId, ['awaiting_submission'], 'all signed');
    await page.reload();
    // 去提交 opens the signing list, which submits the signed work; the badges follow on this page.
    await row().getByTestId('next-action').filter({ hasText: '去提交' }).click();
    await page.getByTestId('auto-submitted').waitFor();
    await badge(page, '待缴费作品').filter({ hasText: '1' }).waitFor();
    await badge(page, '待签章作品').filter({ hasText: '0' }).waitFor();
    expect(page.url()).toBe(`${platform.url}/`);
    await page.getByRole('button', { name: '关闭' }).first().click();
    await row().getByTestId('next-action').filter({ hasText: '去缴费' }).waitFor();

    await flow.pay(me, filingId);
    await flow.waitStatus(me, filingId, ['initial_review'], 'paid');
    const initial = await party(db, { name: '初审员', roles: ['initial_reviewer'] });
    await flow.review(initial, me, filingId, 'initial', ['final_review']);

    // 终审通过: the work leaves the final queue at once, though its certificate is still being made.
    const reviewer = await as(people.finalReviewer, `/staff/review/final/${filingId}`);
    await reviewer.getByTestId('review-submit').click();
    await reviewer.waitForURL(/\/staff\/review\/final$/);
    await reviewer.locator('.ant-table-tbody').first().waitFor();
    await reviewer.waitForLoadState('networkidle');
    expect(await reviewer.locator(`a[href="/staff/review/final/${filingId}"]`).count()).toBe(0);
    await flow.waitStatus(me, filingId, ['certified'], 'certified');
    await flow.certificate(me, filingId);
    expect(await reviewer.locator(`a[href="/staff/review/final/${filingId}"]`).count()).toBe(0);

    await page.goto('/');
    await row().getByTestId('next-action').filter({ hasText: '查看证书' }).click();
    await page.waitForURL(new RegExp(`/filings/${filingId}$`));
    const steps = page.getByTestId('timeline-step');
    await steps.nth(6).waitFor();
    const texts = await steps.allInnerTexts();
    expect(texts.map((s) => s.replace(/\s+\S+$/, ''))).toEqual([
      '提交',
      `著作权人签章：${applicant.name}`,
      '著作权人签章：吴合作',
      '缴费',
      '初审通过',
      '终审通过',
      '发证',
    ]);
    // Each with its date, in order.
    const dates = await steps.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect(dates).toHaveLength(7);
    expect(dates.every((d) => !Number.isNaN(Date.parse(d)))).toBe(true);
    expect([...dates].sort()).toEqual(dates);
    expect(await page.getByTestId('timeline-next').innerText()).toBe('待邮寄');
    violations.push(...(await seriousViolations(page, 'work detail, timeline')));
    await shot(page, 'guided-04-work-timeline');
    // No internal names on the page (event names such as draft.created, status keys).
    // On a phone the dashboard keeps each work's next action within the width.
    const phone = await browser.newContext({
      baseURL: platform.url,
      viewport: { width: 390, height: 844 },
      storageState: await page.context().storageState(),
    });
    contexts.push(phone);
    const small = await phone.newPage();
    await small.goto('/');
    const action = small.getByTestId('next-action').first();
    await action.waitFor();
    const box = await action.boundingBox();
    expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    violations.push(...(await seriousViolations(small, 'home on a phone')));
    await shot(small, 'guided-05-home-phone');

    expect(await page.locator('#main').innerText()).not.toMatch(/draft\.|submission\.|review\.|awaiting_|_review\b/);
  }, 600_000);

  it('has no serious or critical accessibility violations on these pages', () => {
    expect(violations).toEqual([]);
  });
});
