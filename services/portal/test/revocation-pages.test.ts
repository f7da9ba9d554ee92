import { randomUUID } from 'node:crypto';
import { type Party, party, residentId } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshotFailure } from './browser';
import { png } from './fixtures';
import { checkState, headingStatus, idInAddress, partyPage, type Size, tableRow } from './party-browser';
import { ensurePlatform, type TestPlatform } from './platform';
import { fill, radio, toast, upload } from './ui';

/**
 * 撤销登记 in the browser, against the whole platform (the revocation workflow on the real
 * Temporal server): an interested party applies with evidence, the holder reads the ground and
 * answers within the deadline, a final reviewer revokes with reasons, and the holder's work list
 * and work page show 已撤销; the holder's own request dismissed; staff opening one on their own
 * motion. At a desktop size and at 390×844, with axe on every page state. The registrations are
 * seeded in the read model as the registration workflow leaves them once certified.
 */
describe('revocation pages', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-6);
  const n = 100 + (Number.parseInt(run, 36) % 800);
  const violations: string[] = [];
  let holder: Party;
  let other: Party;
  let opener: Party;
  let decider: Party;

  /** A certified registration of the holder's, as the read model holds it. */
  async function certified(title: string, i: number) {
    const id = randomUUID();
    const number = `浙作登字-2026-I-${run}${String(i).padStart(2, '0')}`;
    await db('filing.filings').insert({
      id,
      applicant_id: holder.userId,
      serial_no: `R${run}${i}`,
      status: 'certified',
      status_seq: 9,
      content: JSON.stringify({
        title,
        workType: 'fine_art',
        completedOn: '2025-10-01',
        published: false,
        holders: [
          {
            holderType: 'individual',
            name: '钱塘',
            idType: 'resident_id',
            idNumber: residentId(n),
            region: '330106',
          },
        ],
        authors: [{ name: '钱塘' }],
      }),
      title,
      work_type: 'fine_art',
      holders_text: '钱塘',
      authors_text: '钱塘',
      region: '330106',
      registration_number: number,
      registered_on: '2026-03-08',
      applied_at: '2026-02-01T02:00:00Z',
    });
    return { id, number };
  }

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb(undefined, { min: 0, max: 2 });
    holder = await party(db, { name: `钱塘${run}`, idNumber: residentId(n) });
    other = await party(db, { name: `利害${run}`, idNumber: residentId(n + 1) });
    // Two final reviewers: who opens a revocation on the office's motion does not decide it.
    opener = await party(db, { name: `依职权${run}`, roles: ['final_reviewer'] });
    decider = await party(db, { name: `终审${run}`, roles: ['final_reviewer'] });
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'revocation');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  const as = (who: Party, size?: Size, storage?: Record<string, string>) =>
    partyPage(browser, platform.url, contexts, who, size, storage);
  const check = (page: Page, name: string) => checkState(page, name, violations);

  const status = (page: Page, text: string) => headingStatus(page, 'revocation-status', text);
  const row = tableRow;
  const idOf = idInAddress;

  it('an interested party applies with evidence, the holder answers, a reviewer revokes; the work shows 已撤销', async () => {
    const work = await certified(`撤销页-${run}-断桥`, 1);

    // The interested party: 其他登记服务 → 撤销登记 → 申请撤销登记, with evidence.
    const party = await as(other);
    await party.goto('/');
    await party.locator('nav a[href="/services/revocations"]').click();
    await party.locator('[data-testid="revocation-new"]').click();
    const form = party.locator('[data-testid="revocation-form"]');
    await fill(form, '登记号', work.number);
    await radio(form, '申请人身份', '利害关系人');
    await radio(form, '撤销依据', '登记的事实与实际不符');
    await fill(form, '申请理由', '该作品由本人创作，登记的作者与事实不符。');
    // Without evidence the form refuses, naming the field.
    await party.click('[data-testid="revocation-submit"]');
    await form.getByText('请上传至少1份证明材料').waitFor();
    await upload(form, '证明材料', await png('创作底稿.png'));
    await check(party, 'revocation-01-request');
    await party.click('[data-testid="revocation-submit"]');
    await party.waitForURL(/\/services\/revocations\/[0-9a-f-]{36}$/);
    await status(party, '待著作权人答复');
    await check(party, 'revocation-02-requested');

    // The holder: the proceeding in their list, the ground, the evidence, and the answer within the deadline.
    const holderPage = await as(holder);
    await holderPage.goto('/services/revocations');
    await row(holderPage, work.number).locator('[data-testid="revocation-open"]').click();
    const request = holderPage.locator('[data-testid="revocation-request"]');
    await request.getByText('登记的事实与实际不符').waitFor();
    expect(await request.textContent()).toContain('创作底稿.png');
    await check(holderPage, 'revocation-03-holder-notified');
    const answer = holderPage.locator('[data-testid="answer-form"]');
    await fill(answer, '陈述意见', '本人为该作品的唯一作者，附创作过程记录。');
    await upload(answer, '证明材料', await png('创作过程.png'));
    await holderPage.click('[data-testid="answer-submit"]');
    await toast(holderPage, '陈述意见已提交');
    await status(holderPage, '待审查决定');
    expect(await holderPage.locator('[data-testid="revocation-answer"]').textContent()).toContain('创作过程.png');
    await check(holderPage, 'revocation-04-answered');

    // The final reviewer: the queue (oldest first; earlier runs' proceedings fill its first pages, so this
    // one is opened by its address, as a notice links it), the request with the answer, the decision.
    const staff = await as(decider);
    await staff.goto('/');
    await staff.locator('nav a[href="/staff/revocations"]').click();
    await staff.locator('[data-testid="revocation-table"] tbody tr.ant-table-row').first().waitFor();
    await check(staff, 'revocation-05-staff-queue');
    await staff.goto(`/staff/revocations/${idOf(holderPage)}`);
    const decision = staff.locator('[data-testid="decision-form"]');
    await decision.waitFor();
    expect(await staff.locator('[data-testid="revocation-answer"]').textContent()).toContain('本人为该作品的唯一作者');
    await radio(decision, '决定', '撤销登记');
    await fill(decision, '理由', '经核实，登记的作者与事实不符。\n利害关系人提交的创作底稿早于登记的完成日期。');
    await check(staff, 'revocation-06-staff-decide');
    await staff.click('[data-testid="decision-submit"]');
    await status(staff, '已撤销登记');
    const decided = staff.locator('[data-testid="revocation-decision"]');
    expect(await decided.textContent()).toContain('利害关系人提交的创作底稿早于登记的完成日期。');
    expect(await decided.textContent()).toContain('本人');
    await check(staff, 'revocation-07-staff-decided');

    // The holder sees the outcome, and 已撤销 in the work list and on the work's page.
    await holderPage.reload();
    await holderPage.locator('[data-testid="revocation-outcome"]', { hasText: '该作品的登记已撤销' }).waitFor();
    expect(await holderPage.locator('[data-testid="revocation-decision"]').textContent()).toContain(
      '经核实，登记的作者与事实不符。',
    );
    await check(holderPage, 'revocation-08-holder-outcome');
    // A revoked registration leaves 已发证: it is listed under 其他, with the status 已撤销.
    await holderPage.goto('/works/other');
    await row(holderPage, `撤销页-${run}-断桥`).locator('[data-testid="status"]', { hasText: '已撤销' }).waitFor();
    await check(holderPage, 'revocation-09-work-list-revoked');
    await holderPage.goto(`/filings/${work.id}`);
    await holderPage.locator('h1 [data-testid="work-status"]', { hasText: '已撤销' }).waitFor();
    await check(holderPage, 'revocation-10-work-revoked');
    // The verification and registry pages read the same mark.
    expect((await db('filing.filings').where({ id: work.id }).first('revoked_at')).revoked_at).not.toBeNull();
  });

  it('on a phone, the holder asks to revoke their own registration and a reviewer dismisses it', async () => {
    const work = await certified(`撤销页-${run}-雷峰`, 2);
    const phone = await as(holder, 'phone');
    await phone.goto('/services/revocations');
    await check(phone, 'revocation-phone-01-list');
    await phone.click('[data-testid="revocation-new"]');
    const form = phone.locator('[data-testid="revocation-form"]');
    await fill(form, '登记号', work.number);
    // The holder's own request: 申请人申请撤销原登记, no ground to choose, no evidence needed.
    expect(await form.getByText('撤销依据').count()).toBe(0);
    await fill(form, '申请理由', '作品信息登记有误，申请撤销后重新登记。');
    await check(phone, 'revocation-phone-02-request');
    await phone.click('[data-testid="revocation-submit"]');
    await status(phone, '待审查决定');
    // Nothing to answer in one's own request.
    expect(await phone.locator('[data-testid="answer-form"]').count()).toBe(0);
    expect(await phone.locator('[data-testid="revocation-request"]').textContent()).toContain('申请人申请撤销原登记');
    await check(phone, 'revocation-phone-03-requested');

    const staff = await as(decider, 'phone');
    await staff.goto(`/staff/revocations/${idOf(phone)}`);
    const decision = staff.locator('[data-testid="decision-form"]');
    await radio(decision, '决定', '驳回申请');
    await fill(decision, '理由', '申请人未说明登记有误之处。');
    await check(staff, 'revocation-phone-04-staff-decide');
    await staff.click('[data-testid="decision-submit"]');
    await status(staff, '驳回撤销申请');

    await phone.reload();
    await phone.locator('[data-testid="revocation-outcome"]', { hasText: '登记继续有效' }).waitFor();
    await check(phone, 'revocation-phone-05-dismissed');
    await phone.goto('/works/certified');
    await row(phone, `撤销页-${run}-雷峰`).waitFor();
    expect(await row(phone, `撤销页-${run}-雷峰`).locator('[data-testid="status"]').textContent()).toBe('已发证');
  });

  it('staff open a revocation on their own motion; the holder is asked to answer, and the opener cannot decide', async () => {
    const work = await certified(`撤销页-${run}-苏堤`, 3);
    const staff = await as(opener);
    await staff.goto('/staff/revocations');
    await staff.click('[data-testid="revocation-new"]');
    const form = staff.locator('[data-testid="revocation-form"]');
    await fill(form, '登记号', work.number);
    await radio(form, '撤销依据', '重复登记');
    await fill(form, '申请理由', '与本机关此前登记的作品重复。');
    await check(staff, 'revocation-11-own-motion');
    await staff.click('[data-testid="revocation-submit"]');
    await status(staff, '待著作权人答复');
    expect(await staff.locator('[data-testid="revocation-request"]').textContent()).toContain('登记机关依职权');
    // The one who opened it is not offered the decision.
    expect(await staff.locator('[data-testid="decision-form"]').count()).toBe(0);

    const holderPage = await as(holder, 'phone');
    await holderPage.goto('/services/revocations');
    await row(holderPage, `撤销页-${run}-苏堤`).locator('[data-testid="revocation-open"]').click();
    await holderPage.locator('[data-testid="answer-form"]').waitFor();
    await check(holderPage, 'revocation-phone-06-answer-form');

    // A second request on the same registration while this one is open is refused with the reason.
    await staff.goto('/staff/revocations/new');
    await fill(staff.locator('[data-testid="revocation-form"]'), '登记号', work.number);
    await fill(staff.locator('[data-testid="revocation-form"]'), '申请理由', '重复提出。');
    await staff.click('[data-testid="revocation-submit"]');
    await toast(staff, '该作品已有正在办理的撤销登记');
  });

  it('in English and 长辈版 on a phone, the pages have no Chinese of their own', async () => {
    const page = await as(holder, 'phone', { lang: 'en', [`elder:${holder.userId}`]: '1' });
    // The page's own words: menus, headings of cards and tables, labels, tags, buttons, notes (not user data).
    const chrome = async () =>
      (
        await page
          .locator(
            // The header's 中文 switch and the user's name are not the page's words.
            'nav, #main th, #main .ant-card-head-title, #main .ant-descriptions-item-label, #main .ant-tag, #main button:not(.ant-btn-link), #main .ant-alert-message, #main label',
          )
          .allInnerTexts()
      ).join(' | ');
    await page.goto('/services');
    await page.locator('[data-testid="service-card"]').first().waitFor();
    await check(page, 'revocation-en-elder-01-services');
    await page.click('[data-testid="menu-button"]');
    await page.locator('[data-testid="menu-drawer"] nav').waitFor();
    expect(await chrome()).toContain('Other services');
    expect(await chrome()).not.toMatch(/[\u3400-\u9fff]/);
    await page.keyboard.press('Escape');
    await page.locator('a[href="/services/revocations"]').click();
    await row(page, `撤销页-${run}-断桥`).waitFor();
    await check(page, 'revocation-en-elder-02-list');
    expect(await chrome()).not.toMatch(/[\u3400-\u9fff]/);
    await row(page, `撤销页-${run}-断桥`).locator('[data-testid="revocation-open"]').click();
    await status(page, 'Registration revoked');
    await check(page, 'revocation-en-elder-03-revoked');
    expect(await chrome()).not.toMatch(/[\u3400-\u9fff]/);
  });

  it('every page state has no serious or critical accessibility violation', () => {
    expect(violations).toEqual([]);
  });
});
