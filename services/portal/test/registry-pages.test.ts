import { randomInt, randomUUID } from 'node:crypto';
import { party } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, personContext, screenshotFailure, shot } from './browser';
import { ensurePlatform, type TestPlatform } from './platform';

/**
 * 登记公告 without logging in, and 统计 as the final reviewer, in a real browser. The registrations are
 * seeded in the read model (filing.filings) as the workflow leaves them once certified.
 */
describe('registry and statistics pages', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = randomUUID().slice(0, 6);
  const year = 2100 - randomInt(0, 5);

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb();
    const rows = [
      { title: `公告页-${run}-钱塘潮`, workType: 'photography', holder: '林晓峰', day: `${year}-03-08` },
      {
        title: `公告页-${run}-龙井茶园`,
        workType: 'fine_art',
        holder: `杭州${run}文化传媒有限公司`,
        day: `${year}-04-18`,
      },
      // On the first page (the newest registrations), not found by the searches for 公告页-run; under
      // the first one's 登记号, as test data elsewhere has had it (the table must still show each row).
      { title: `另一登记-${run}-西溪`, workType: 'photography', holder: '周明', day: `${year}-05-20`, numberOf: 0 },
    ];
    for (const [i, r] of rows.entries()) {
      const organisation = r.holder.endsWith('公司');
      const content = {
        title: r.title,
        workType: r.workType,
        completedOn: `${year - 1}-10-01`,
        published: false,
        holders: [
          {
            holderType: organisation ? 'organisation' : 'individual',
            name: r.holder,
            idType: organisation ? 'uscc' : 'resident_id',
            idNumber: `SECRET-${run}-${i}`,
            region: '330106',
          },
        ],
        authors: [{ name: r.holder, signature: '潮人' }],
      };
      await db('filing.filings').insert({
        id: randomUUID(),
        applicant_id: randomUUID(),
        serial_no: `P${run}${i}`,
        status: 'certified',
        status_seq: 9,
        content,
        title: r.title,
        work_type: r.workType,
        holders_text: r.holder,
        authors_text: r.holder,
        region: '330106',
        registration_number: `浙作登字-${year}-P-${run}0${'numberOf' in r ? r.numberOf : i}`,
        registered_on: r.day,
        applied_at: `${year}-02-01T02:00:00Z`,
      });
    }
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'registry');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  async function page(): Promise<Page> {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    return context.newPage();
  }

  it('anyone searches the registry from the home page; people are masked, organisations are not', async () => {
    const p = await page();
    await p.goto('/');
    await p.click('a[href="/registry"]');
    // The first page (every registration) is on screen before the search.
    await p.locator('[data-testid="registry-table"] tbody tr.ant-table-row').first().waitFor();
    await p.fill('[data-testid="registry-filters"] input#title', `公告页-${run}`);
    await p.click('[data-testid="registry-search"]');
    const rows = p.locator('[data-testid="registry-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    const text = (await p.locator('[data-testid="registry-table"]').textContent()) ?? '';
    expect(text).toContain('林**');
    expect(text).not.toContain('林晓峰');
    expect(text).toContain(`杭州${run}文化传媒有限公司`);
    expect(text).toContain('摄影');
    expect(text).toContain('有效');
    expect(text).not.toContain(`SECRET-${run}`);
    await shot(p, '70-registry-public');
  });

  it("a search's answer is not replaced by the first page's, when that one comes later", async () => {
    const p = await page();
    // The first page (every registration) answers 2 s late; the search's answer comes at once.
    let firstPage: (() => void) | undefined;
    const firstAnswered = new Promise<void>((resolve) => {
      firstPage = resolve;
    });
    let lateAnswer = '';
    await p.route('**/api/filing/registry?*', async (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.has('title')) return route.continue();
      await new Promise((r) => setTimeout(r, 2000));
      const response = await route.fetch();
      lateAnswer = await response.text();
      await route.fulfill({ response, body: lateAnswer });
      firstPage?.();
    });
    await p.goto('/registry');
    await p.fill('[data-testid="registry-filters"] input#title', `公告页-${run}`);
    await p.click('[data-testid="registry-search"]');
    const rows = p.locator('[data-testid="registry-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    await firstAnswered;
    // The late answer has been read by the page (its fetch resolves within this frame or the next).
    await p.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(lateAnswer).toContain(`另一登记-${run}`);
    expect(await rows.count()).toBe(2);
    const shown = (await p.locator('[data-testid="registry-table"]').textContent()) ?? '';
    expect(shown).toContain(`公告页-${run}-钱塘潮`);
    expect(shown).not.toContain(`另一登记-${run}`);
    expect(await p.locator('.ant-spin-spinning').count()).toBe(0);
  });

  it('a reviewer sees the yearly table and downloads it as Excel', async () => {
    // A reviewer of this run's own (the seeded staff accounts' roles are other tests' to change).
    const reviewer = await party(db, { name: '统计审核员', roles: ['final_reviewer'] });
    const p = await page();
    const [name, ...value] = reviewer.cookie.split(';')[0]!.split('=');
    await p.context().addCookies([{ name: name!, value: value.join('='), url: platform.url }]);
    await p.goto('/staff/statistics');
    // The year's registrations counted in SQL (earlier runs may have seeded the same year).
    const [counted] = await db('filing.filings')
      .whereIn('status', ['certified', 'delivered'])
      .whereBetween('registered_on', [`${year}-01-01`, `${year}-12-31`])
      .count<{ n: string }[]>({ n: '*' });
    const inYear = Number(counted?.n);
    expect(inYear).toBeGreaterThanOrEqual(2);
    await p.locator('[data-testid="yearly-table"] input[aria-label="年份"]').fill(String(year));
    await p.locator('[data-testid="yearly-table"] input[aria-label="年份"]').press('Enter');
    const totals = p.locator('[data-testid="yearly-table"] tr[data-row-key="合计"]');
    await expect.poll(async () => await totals.locator('td').nth(1).textContent()).toBe(String(inYear));
    await shot(p, '71-statistics');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="download-xlsx"]')]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const last = wb.worksheets[0]!.getRow(14).values as unknown[];
    expect(last[1]).toBe('合计');
    expect(last[2]).toBe(inYear);
  });
});
