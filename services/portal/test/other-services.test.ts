import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotFailure } from './browser';
import { checkState, partyPage, type Size } from './party-browser';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';
import { choose, fill, radio, toast } from './ui';

/**
 * 其他登记服务 in the browser, against the whole platform: on a registration certified through the
 * real services, the holder asks for a change (变更登记) that both joint holders confirm in order
 * and both reviews approve, ending in a new edition of the certificate; on a phone, a reissue
 * (补证) with no one to confirm. Each state of the lists 待提交 / 待签章 / 审核中 / 已办结 is looked
 * at, with axe, and kept in docs/screenshots.
 */
describe('other services: change and reissue', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-6);
  const n = 100 + (Number.parseInt(run, 36) % 800);
  const violations: string[] = [];
  let holder: Party;
  let cosigner: Party;
  let initial: Party;
  let final: Party;
  let title = '';

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb(undefined, { min: 0, max: 2 });
    holder = await party(db, { name: '张三', idNumber: residentId(n) });
    cosigner = await party(db, { name: '王五', idNumber: residentId(n + 1) });
    initial = await party(db, { name: `初审${run}`, roles: ['initial_reviewer'] });
    final = await party(db, { name: `终审${run}`, roles: ['final_reviewer'] });
    // A joint work of two holders, registered through the services' APIs as the portal drives them.
    const flow = apiFlow(platform, 240_000);
    await flow.completeProfile(holder, n);
    await flow.register(
      {
        applicant: holder,
        signers: [holder, cosigner],
        holders: [
          { name: '张三', idNumber: residentId(n) },
          { name: '王五', idNumber: residentId(n + 1) },
        ],
        initial,
        final,
      },
      n,
    );
    title = `西湖晨雾 第${n}号`;
  }, 600_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'other-services');
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await db?.destroy();
    await platform?.stop();
  });

  const as = (who: Party, size?: Size, storage?: Record<string, string>) =>
    partyPage(browser, platform.url, contexts, who, size, storage);
  const check = (page: Page, name: string) => checkState(page, name, violations);

  /** Waits (Playwright's patience, not a fixed sleep) until the heading's status tag says exactly this. */
  const status = (page: Page, text: string) =>
    page
      .locator('h1 [data-testid="request-status"]')
      .filter({ hasText: new RegExp(`^${text}$`) })
      .waitFor();
  const row = (page: Page, text: string) => page.locator('.ant-table-tbody tr.ant-table-row', { hasText: text });

  /** A reviewer at the stage approves the request from the queue. */
  async function approve(who: Party, stage: 'initial' | 'final', shotName?: string) {
    const page = await as(who);
    await page.goto(`/staff/service-requests/${stage}`);
    await row(page, title).first().locator('[data-testid="request-open"]').click();
    const form = page.locator('[data-testid="request-review-form"]');
    await radio(form, '审核结果', '通过');
    if (shotName) await check(page, shotName);
    await page.click('[data-testid="request-review-submit"]');
    await toast(page, '审核意见已提交');
  }

  it('a change: saved, submitted, confirmed by both holders in order, approved twice, a new edition', async () => {
    const page = await as(holder);
    await page.goto('/');
    await page.locator('nav a[href="/services"]').click();
    await check(page, 'services-01-other-services');
    await page.locator('[data-testid="service-card"] a[href="/services/new/change"]').click();
    const form = page.locator('[data-testid="request-form"]');
    await choose(page, form, '登记作品', title);
    await radio(form, '申请类型', '变更登记');
    await fill(form, '作品名称', `${title}（修订）`);
    await fill(form, '申请说明', '作品名称登记有误，申请更正。');
    await check(page, 'services-02-change-form');
    // 暂存: the request waits in 待提交 until submitted.
    await page.click('[data-testid="request-save"]');
    await status(page, '待提交');
    await page.locator('nav a[href="/services/requests/to_submit"]').click();
    await row(page, title).first().waitFor();
    await check(page, 'services-03-list-to-submit');
    await row(page, title).first().getByText('查看').click();
    await page.click('[data-testid="request-submit"]');
    await status(page, '待签章');
    expect(await page.locator('[data-testid="request-facts"]').textContent()).toContain(`${title}（修订）`);
    await check(page, 'services-04-change-to-sign');

    // The holders confirm in the order of the registration: the applicant first.
    const requestUrl = new URL(page.url()).pathname;
    expect(requestUrl).toMatch(/^\/services\/request\/[0-9a-f-]{36}$/);
    await page.click('[data-testid="request-confirm"]');
    await toast(page, '已签章确认');
    await page.locator('nav a[href="/services/requests/to_sign"]').click();
    await row(page, title).first().waitFor();
    await check(page, 'services-05-list-to-sign');
    const second = await as(cosigner);
    await second.goto(requestUrl!);
    await second.click('[data-testid="request-confirm"]');
    await status(second, '待初审');
    await check(second, 'services-06-second-holder-confirmed');

    await page.locator('nav a[href="/services/requests/in_review"]').click();
    await row(page, title).first().waitFor();
    await check(page, 'services-07-list-in-review');

    await approve(initial, 'initial', 'services-08-staff-initial-review');
    await approve(final, 'final');

    await page.locator('nav a[href="/services/requests/done"]').click();
    await row(page, title).first().getByText('查看').click();
    await status(page, '已办结');
    await page.locator('[data-testid="request-outcome"]', { hasText: '第 2 版证书' }).waitFor();
    await check(page, 'services-09-change-done');
  });

  it('a reissue on a phone: no one to confirm, straight to review, a new edition', async () => {
    const phone = await as(holder, 'phone');
    await phone.goto('/services/new/reissue');
    const form = phone.locator('[data-testid="request-form"]');
    await choose(phone, form, '登记作品', title);
    await radio(form, '申请原因', '证书遗失（补证）');
    await fill(form, '申请说明', '纸质证书搬家时遗失。');
    await check(phone, 'services-phone-01-reissue-form');
    await phone.click('[data-testid="request-submit"]');
    await status(phone, '待初审');
    await check(phone, 'services-phone-02-reissue-in-review');
    await approve(initial, 'initial');
    await approve(final, 'final');
    await phone.reload();
    await status(phone, '已办结');
    await check(phone, 'services-phone-03-reissue-done');
  });

  it('every page state has no serious or critical accessibility violation', () => {
    expect(violations).toEqual([]);
  });
});
