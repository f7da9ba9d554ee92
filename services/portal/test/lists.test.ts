import { randomUUID } from 'node:crypto';
import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, personContext, shot } from './browser';
import { people } from './fixtures';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';
import { choose, fill } from './ui';

/**
 * Lists in the browser: a reviewer narrows the review queue by work type and overdue only; an
 * applicant follows the paper certificate of a registered work to its waybill (issues 7 and 8).
 */
describe('portal lists', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  // Unique per run: the test database keeps earlier runs' works.
  const run = Date.now().toString(36).slice(-6);

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb(undefined, { min: 0, max: 2 });
  }, 300_000);
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  async function as(who: { accountId: string } | { name: string; idNumber: string }): Promise<Page> {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, who);
    return page;
  }

  const rows = (page: Page) => page.locator('.ant-table-tbody tr.ant-table-row');
  const titles = async (page: Page) => (await rows(page).allInnerTexts()).map((t) => t.split('\t')[1]?.trim());

  describe('the review queue', () => {
    const marker = `筛选-${run}`;
    const day = 24 * 3600 * 1000;
    const ids: string[] = [];
    beforeAll(async () => {
      // Three registrations waiting for 初审, as the workflow records them in the read model; one
      // past its 办结期限 (30 working days cannot pass during a test).
      const waiting: [string, string, number][] = [
        [`${marker}-音乐`, 'music', 20],
        [`${marker}-摄影`, 'photography', 25],
        [`${marker}-摄影逾期`, 'photography', -2],
      ];
      for (const [title, workType, daysLeft] of waiting) {
        const id = randomUUID();
        ids.push(id);
        await db('filing.filings').insert({
          id,
          applicant_id: randomUUID(),
          serial_no: `T${run}${ids.length}`,
          status: 'initial_review',
          status_seq: 5,
          content: JSON.stringify({ title, workType }),
          title,
          work_type: workType,
          holders_text: '张三',
          authors_text: '张三',
          region: '330106',
          applied_at: new Date(Date.now() - (30 - daysLeft) * day),
          review_deadline: new Date(Date.now() + daysLeft * day),
        });
      }
    });
    afterAll(async () => {
      await db('filing.filings').whereIn('id', ids).delete();
    });

    it('a reviewer filters the queue by work type and overdue only', async () => {
      const page = await as(people.initialReviewer);
      await page.goto('/staff/review/initial');
      const filters = page.locator('[data-testid="queue-filters"]');
      await filters.waitFor();
      const search = async (expected: string[]) => {
        await page.click('[data-testid="queue-search"]');
        await expect.poll(() => titles(page), { timeout: 15_000 }).toEqual(expected);
      };

      await fill(filters, '作品名称', marker);
      await search([`${marker}-摄影逾期`, `${marker}-音乐`, `${marker}-摄影`]); // oldest application first
      await choose(page, filters, '作品类别', '音乐');
      await search([`${marker}-音乐`]);
      await choose(page, filters, '作品类别', '摄影');
      await search([`${marker}-摄影逾期`, `${marker}-摄影`]);
      await page.click('[data-testid="overdue-only"]');
      await search([`${marker}-摄影逾期`]);
      await rows(page).first().getByText('已逾期').waitFor();
      await page.locator('.ant-pagination-total-text', { hasText: '共 1 条' }).waitFor();
      await shot(page, '62-review-queue-filters');
    });
  });

  describe('the paper certificate', () => {
    it('an applicant sees the waybill number of a delivered work; another applicant cannot open it', async () => {
      const n = Number.parseInt(run, 36) % 1000;
      const idNumber = residentId(n);
      const page = await as({ name: '张三', idNumber });
      const me = await page.evaluate(() =>
        fetch('/api/identity/me').then((r) => r.json() as Promise<{ userId: string }>),
      );
      const session = (await page.context().cookies(platform.url)).find((c) => c.name === 'copyreg_session');
      if (!session) throw new Error('no session cookie after login');
      const applicant: Party = { userId: me.userId, cookie: `${session.name}=${session.value}` };

      // The registration through the services' APIs, as the portal drives them (the journeys do it page by page).
      const base = platform.url;
      const flow = apiFlow(platform, 240_000);
      await flow.completeProfile(applicant, n);
      const initial = await party(db, { name: '初审员', roles: ['initial_reviewer'] });
      const final = await party(db, { name: '终审员', roles: ['final_reviewer'] });
      // A joint work (合作作品) of the applicant and a second holder, each signing in turn.
      const cosignerId = residentId((n + 500) % 1000);
      const cosigner = await party(db, { name: '王五', idNumber: cosignerId });
      const filingId = await flow.register(
        {
          applicant,
          signers: [applicant, cosigner],
          holders: [
            { name: '张三', idNumber },
            { name: '王五', idNumber: cosignerId },
          ],
          initial,
          final,
        },
        n,
      );

      const shows = (p: Page, testId: string, text: string) =>
        p.locator(`[data-testid="${testId}"]`, { hasText: text }).first().waitFor();
      await page.goto(`/filings/${filingId}`);
      await shows(page, 'delivery', '证书已制作，待邮寄（顺丰到付）');

      // 管理 records the mailing (顺丰到付) with its waybill in the certificate service.
      const admin = await party(db, { name: '管理员', roles: ['admin'] });
      const waybillNo = `SF${Date.now().toString().slice(-10)}`;
      const delivery = `${base}/api/certificate/admin/deliveries/${filingId}`;
      await flow.call('POST /api/certificate/admin/deliveries/:id', admin, 'POST', delivery, {
        kind: 'mailed',
        waybillNo,
      });

      await page.reload();
      await shows(page, 'work-status', '纸质证书已寄出/已领取');
      await shows(page, 'delivery', `已邮寄（顺丰到付），运单号 ${waybillNo}`);
      await shows(page, 'waybill', waybillNo);
      await shot(page, '63-work-delivered');

      const other = await as({ name: '李雷', idNumber: residentId((n + 1) % 1000) });
      await other.goto(`/filings/${filingId}`);
      await other.getByText('没有找到该作品').first().waitFor();
      expect(await other.locator('body').textContent()).not.toContain(waybillNo);
    }, 600_000);
  });
});
