import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshotFailure } from './browser';
import { checkState, headingStatus, idInAddress, partyPage, type Size, tableRow } from './party-browser';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';
import { choose, date, fill, radio, toast, upload } from './ui';

/**
 * 其他登记服务 in the browser, against the whole platform: on a registration certified through the
 * real services, the holder asks for a change (变更登记) that both joint holders confirm in order
 * and both reviews approve, ending in a new edition of the certificate; on a phone, a reissue
 * (补证) with no one to confirm; a transfer contract filed (合同备案), the assignee confirming
 * last, returned once and resubmitted without typing the assignee again; then a change of holders, the added holder confirming with proof uploaded; and a reissue
 * returned for correction (退回修改), corrected and resubmitted on a phone. Each state of the lists 待提交 / 待签章 / 审核中 / 已办结 is looked at, with axe, and kept
 * in docs/screenshots.
 */
describe('other services: change, reissue and contract filing', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-6);
  const n = 100 + (Number.parseInt(run, 36) % 800);
  const violations: string[] = [];
  // The smallest file the upload's type sniffing takes for a PDF (the contract's content is not read).
  const contractPdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
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
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  const as = (who: Party, size?: Size, storage?: Record<string, string>) =>
    partyPage(browser, platform.url, contexts, who, size, storage);
  const check = (page: Page, name: string) => checkState(page, name, violations);

  const status = (page: Page, text: string) => headingStatus(page, 'request-status', text);
  const row = tableRow;

  const idOf = idInAddress;

  /**
   * A reviewer at the stage approves the request, opened by its address: the queue is oldest first
   * and earlier runs' requests may fill its first pages.
   */
  async function approve(who: Party, stage: 'initial' | 'final', requestId: string, shotName?: string) {
    const page = await as(who);
    await page.goto(`/staff/service-requests/${stage}/${requestId}`);
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
    expect(requestUrl).toMatch(/^\/service-requests\/[0-9a-f-]{36}$/);
    const requestId = idOf(page);
    await page.click('[data-testid="request-confirm"]');
    await toast(page, '已签章确认');
    await page.locator('nav a[href="/services/requests/to_sign"]').click();
    await row(page, title).first().waitFor();
    await check(page, 'services-05-list-to-sign');
    // The co-holder finds it in 待我确认 (not only through the mailed link); the applicant no more.
    const second = await as(cosigner);
    await second.goto('/');
    await second.locator('nav a[href="/services/requests/awaiting_me"]').click();
    await row(second, title).first().getByText('查看').click();
    expect(new URL(second.url()).pathname).toBe(requestUrl);
    await second.click('[data-testid="request-confirm"]');
    await status(second, '待初审');
    await check(second, 'services-06-second-holder-confirmed');

    await page.locator('nav a[href="/services/requests/in_review"]').click();
    await row(page, title).first().waitFor();
    await check(page, 'services-07-list-in-review');

    const queue = await as(initial);
    await queue.goto('/staff/service-requests/initial');
    await queue.locator('[data-testid="request-queue"] tbody tr.ant-table-row').first().waitFor();
    await check(queue, 'services-08-staff-queue');
    await approve(initial, 'initial', requestId, 'services-08-staff-initial-review');
    await approve(final, 'final', requestId);

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
    await approve(initial, 'initial', idOf(phone));
    await approve(final, 'final', idOf(phone));
    await phone.reload();
    await status(phone, '已办结');
    await check(phone, 'services-phone-03-reissue-done');
  });

  it('a transfer contract: the holders then the assignee confirm; returned and resubmitted; both reviews; a filing record', async () => {
    const assignee = await party(db, { name: '李四', idNumber: residentId(n + 2) });
    const page = await as(holder);
    await page.goto('/services/new/transfer');
    const form = page.locator('[data-testid="request-form"]');
    await choose(page, form, '登记作品', title);
    // 受让方 through the filing form's holder dialog.
    await page.click('[data-testid="counterparty-edit"]');
    const dialog = page.locator('[data-testid="holder-form"]');
    await fill(dialog, '姓名/名称', '李四');
    await fill(dialog, '证件号', residentId(n + 2));
    await page.locator('.ant-modal:visible .ant-btn-primary').click();
    await form.locator('[data-testid="counterparty"]', { hasText: '李四' }).waitFor();
    await upload(form, '合同文本', { name: '转让合同.pdf', mimeType: 'application/pdf', buffer: contractPdf });
    await date(page, form, '合同签订日期', '2026-11-02');
    await form.locator('label.ant-checkbox-wrapper', { hasText: '复制权' }).click();
    await fill(form, '申请说明', '两位著作权人将复制权转让给李四。');
    await check(page, 'services-10-transfer-form');
    await page.click('[data-testid="request-submit"]');
    await status(page, '待签章');
    const url = new URL(page.url()).pathname;
    // The assignors (both holders, in the registration's order), then the assignee.
    await page.click('[data-testid="request-confirm"]');
    await toast(page, '已签章确认');
    for (const who of [cosigner, assignee]) {
      const p = await as(who);
      await p.goto(url);
      await p.click('[data-testid="request-confirm"]');
      await toast(p, '已签章确认');
      if (who === assignee) {
        await status(p, '待初审');
        await check(p, 'services-11-assignee-confirmed');
      }
    }
    // 退回修改: the form comes back with the assignee as entered, nothing to add again.
    const review = await as(initial);
    await review.goto(`/staff/service-requests/initial/${idOf(page)}`);
    const decide = review.locator('[data-testid="request-review-form"]');
    await radio(decide, '审核结果', '退回修改');
    await fill(decide, '理由', '申请说明请写明转让的期限');
    await review.click('[data-testid="request-review-submit"]');
    await toast(review, '审核意见已提交');
    await page.goto(url);
    await status(page, '退回修改');
    await page.click('[data-testid="request-resubmit"]');
    await form.locator('[data-testid="counterparty"]', { hasText: '李四' }).waitFor();
    await fill(form, '申请说明', '两位著作权人将复制权永久转让给李四。');
    await check(page, 'services-11b-transfer-resubmit-form');
    await page.click('[data-testid="request-submit"]');
    await status(page, '待初审');
    expect(new URL(page.url()).pathname).toBe(url);
    await approve(initial, 'initial', idOf(page));
    await approve(final, 'final', idOf(page));
    await page.reload();
    await status(page, '已办结');
    await page.locator('[data-testid="request-outcome"]', { hasText: '备案号' }).waitFor();
    await check(page, 'services-12-transfer-done');
    // The certificate of filing's link answers (the file itself is the certificate service's test).
    const [link] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/record/download')),
      page.click('[data-testid="request-record"]'),
    ]);
    expect(link.status()).toBe(200);
  });

  it('a change of holders after the transfer: 李四 keeps his place, 赵六 is added with proof and confirms on a phone; staff see before and after', async () => {
    const added = await party(db, { name: '赵六', idNumber: residentId(n + 3) });
    const page = await as(holder);
    await page.goto('/services/new/change');
    const form = page.locator('[data-testid="request-form"]');
    await choose(page, form, '登记作品', title);
    await form.locator('label.ant-checkbox-wrapper', { hasText: '变更著作权人' }).click();
    // The list starts from the holders registered now (after the transfer, 李四).
    const holders = form.locator('[data-testid="new-holders"]');
    await holders.getByText('李四').waitFor();
    await page.click('[data-testid="holder-add"]');
    const dialog = page.locator('[data-testid="holder-form"]');
    await fill(dialog, '姓名/名称', '赵六');
    await fill(dialog, '证件号', residentId(n + 3));
    await page.locator('.ant-modal:visible .ant-btn-primary').click();
    await holders.getByText('赵六').waitFor();
    await fill(form, '申请说明', '李四将部分份额转让给赵六，二人共有著作权。');
    // Without the proof the form says what is missing, naming it.
    await page.click('[data-testid="request-submit"]');
    await form.getByText('变更著作权人须上传权属变更证明').waitFor();
    await upload(form, '权属变更证明', { name: '份额转让协议.pdf', mimeType: 'application/pdf', buffer: contractPdf });
    await check(page, 'services-13-change-holders-form');
    await page.click('[data-testid="request-submit"]');
    await status(page, '待签章');
    const url = new URL(page.url()).pathname;
    // The registered holder first, then the added one, who confirms on a phone.
    const li = await as(await party(db, { name: '李四', idNumber: residentId(n + 2) }));
    await li.goto(url);
    await li.click('[data-testid="request-confirm"]');
    await toast(li, '已签章确认');
    const phone = await as(added, 'phone');
    await phone.goto(url);
    await phone.click('[data-testid="request-confirm"]');
    await status(phone, '待初审');
    await check(phone, 'services-phone-04-added-holder-confirmed');

    const review = await as(initial);
    await review.goto(`/staff/service-requests/initial/${idOf(page)}`);
    const compare = review.locator('[data-testid="holders-compare"]');
    await compare.getByText('新增').waitFor();
    expect(await compare.textContent()).toMatch(/李四.*李四.*赵六/);
    await approve(initial, 'initial', idOf(page), 'services-14-change-holders-review');
    await approve(final, 'final', idOf(page));
    await page.reload();
    await page.locator('[data-testid="request-outcome"]', { hasText: '版证书' }).waitFor();
    await check(page, 'services-15-change-holders-done');
  });

  it('退回修改 on a phone: a reissue returned with a reason, corrected and resubmitted, then completed', async () => {
    const phone = await as(holder, 'phone');
    await phone.goto('/services/new/reissue');
    const form = phone.locator('[data-testid="request-form"]');
    await choose(phone, form, '登记作品', title);
    await radio(form, '申请原因', '证书损坏（换证）');
    await fill(form, '申请说明', '证书受潮损坏。');
    await phone.click('[data-testid="request-submit"]');
    await status(phone, '待初审');
    const requestId = idOf(phone);

    const review = await as(initial);
    await review.goto(`/staff/service-requests/initial/${requestId}`);
    const decide = review.locator('[data-testid="request-review-form"]');
    await radio(decide, '审核结果', '退回修改');
    await fill(decide, '理由', '请说明证书损坏的程度并上传照片');
    await check(review, 'services-16-staff-return');
    await review.click('[data-testid="request-review-submit"]');
    await toast(review, '审核意见已提交');

    // The applicant finds it in 待提交 with the reason and the deadline, corrects and resubmits.
    await phone.goto('/services/requests/to_submit');
    await row(phone, title).first().waitFor();
    await phone.goto(`/service-requests/${requestId}`);
    await status(phone, '退回修改');
    const notice = phone.locator('[data-testid="request-returned"]');
    expect(await notice.textContent()).toContain('请说明证书损坏的程度并上传照片');
    await check(phone, 'services-phone-05-returned');
    await phone.click('[data-testid="request-resubmit"]');
    await phone.locator('[data-testid="request-returned"]').waitFor();
    // The form holds what was asked; the statement is corrected.
    await expect.poll(() => form.locator('textarea').inputValue()).toBe('证书受潮损坏。');
    await fill(form, '申请说明', '证书受潮，封面与内页均有水渍，照片见附件。');
    await check(phone, 'services-phone-06-resubmit-form');
    await phone.click('[data-testid="request-submit"]');
    await status(phone, '待初审');
    expect(new URL(phone.url()).pathname).toBe(`/service-requests/${requestId}`);
    await approve(initial, 'initial', requestId);
    await approve(final, 'final', requestId);
    await phone.reload();
    await status(phone, '已办结');
    await check(phone, 'services-phone-07-resubmitted-done');
  });

  it('every page state has no serious or critical accessibility violation', () => {
    expect(violations).toEqual([]);
  });
});
