import type { Placement, SigningSession } from '@copyreg/proto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redInk } from '../../../tests/integration/test/signature/marks';
import { closeBrowser, launchBrowser, login, personContext, screenshotFailure, shot } from './browser';
import { people, png } from './fixtures';
import { ensurePlatform, type TestPlatform } from './platform';
import { choose, confirmDialog, date, dragMark, fill, item, modal, radio, toast, upload } from './ui';

type Person = { accountId: string; name: string; idNumber: string };

/**
 * The portal in a real browser (Debian's Chromium, headless) against the whole platform:
 * the three journeys of issue 7. Every page visited is saved in docs/screenshots/.
 */
describe('portal journeys', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  // Titles unique per run: the test database keeps earlier runs' works.
  const run = Date.now().toString(36).slice(-5);
  const userIds: Record<string, string> = {};
  const userIdOf = (page: Page) =>
    page
      .evaluate(() => fetch('/api/identity/me').then((r) => r.json() as Promise<{ userId: string }>))
      .then((m) => m.userId);

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, ctx.task.name.slice(0, 9));
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await platform?.stop();
  });

  async function as(who: { accountId: string }, returnTo = '/'): Promise<Page> {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, who, returnTo);
    const expected = (people as Record<string, { accountId: string; role?: string }>)[
      Object.keys(people).find((k) => people[k as keyof typeof people].accountId === who.accountId) ?? ''
    ]?.role;
    if (expected) {
      const me = await page.evaluate(() =>
        fetch('/api/identity/me').then((r) => r.json() as Promise<{ roles: string[] }>),
      );
      if (!me.roles.includes(expected)) {
        throw new Error(
          `${who.accountId} logged in without the role ${expected}: the identity service's development seed did not give it`,
        );
      }
    }
    return page;
  }

  /** 资料完善 with every required field and an identity proof. */
  async function completeProfile(page: Page, who: Person, shotName?: string) {
    await page.goto('/profile');
    const form = page.locator('[data-testid="profile-form"]');
    await form.waitFor();
    await fill(form, '姓名或名称', who.name);
    // The ID number is the one the real-name login verified: filled in and read-only, not typed.
    await expect.poll(() => item(form, '证件号').locator('input').inputValue()).toBe(who.idNumber);
    await fill(form, '经办人', who.name);
    await fill(form, '联系手机', '13800138000');
    await choose(page, form, '所属地区', '浙江省杭州市西湖区');
    await fill(form, '电子发票接收邮箱', 'applicant@example.com');
    await fill(form, '收件人', who.name);
    await fill(form, '收件手机', '13800138000');
    await fill(form, '纸质证书收件地址', '浙江省杭州市西湖区文三路100号');
    await page.click('[data-testid="save-profile"]');
    await toast(page, '资料已保存');
    await upload(form, '身份证明', await png('身份证明.png', who.idNumber));
    if (shotName) await shot(page, shotName);
  }

  /** 作品填报 up to 提交并电子签章; returns the open signing list. */
  async function fileWork(page: Page, title: string, holders: Person[], shots = false): Promise<Locator> {
    await page.goto('/filings/new');
    const form = page.locator('[data-testid="filing-form"]');
    await form.waitFor();
    await fill(form, '作品名称', title);
    await choose(page, form, '作品类别', '美术');
    await date(page, form, '创作/制作完成日期', '2026-01-10');
    if (holders.length > 1) await radio(form, '权利归属方式', '合作作品');
    await fill(form, '作品简介及创意', '以西湖晨雾为主要元素，水墨层次构成画面。');
    await upload(form, '样本', await png(`${title}.png`, title));
    if (shots) await shot(page, '06-filing-form');
    for (const [i, h] of holders.entries()) {
      await page.click('[data-testid="add-holder"]');
      const dialog = modal(page, '添加著作权人');
      await fill(dialog, '姓名/名称', h.name);
      await fill(dialog, '证件号', h.idNumber);
      if (shots && i === 1) await shot(page, '07-holder-dialog');
      await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
      await dialog.waitFor({ state: 'hidden' });
    }
    for (const h of holders) {
      await page.click('[data-testid="add-author"]');
      const dialog = modal(page, '添加作者');
      await fill(dialog, '作者姓名/名称', h.name);
      await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.click('[data-testid="save-draft"]');
    await toast(page, '已暂存');
    await page.click('[data-testid="submit-and-sign"]');
    return signingList(page);
  }

  const signingList = async (page: Page) => {
    const list = modal(page, '签章');
    await list.locator('tbody tr [data-testid="signer-state"]').first().waitFor({ timeout: 60_000 });
    return list;
  };
  const stateOf = (list: Locator, i: number) =>
    list.locator('tbody tr').nth(i).locator('[data-testid="signer-state"]').innerText();
  const linkOf = async (list: Locator, i: number) => {
    const link = list.locator('tbody tr').nth(i).locator('[data-testid="sign-link"]');
    await link.waitFor({ timeout: 60_000 });
    return (await link.getAttribute('href')) as string;
  };

  /**
   * The signing page: 开始签署, drag the mark on the page image into the signer's box of the form
   * (the slot the signature service suggests), 确认. Returns where the signature was placed, which
   * is where it was dropped, in PDF points.
   */
  async function sign(page: Page, link: string, shotName?: string): Promise<Placement> {
    await page.goto(link);
    const sessionUrl = new URL(link, platform.url).pathname.replace(/^\/sign\//, '/api/signature/links/');
    const session = () => page.evaluate((u) => fetch(u).then((r) => r.json()), sessionUrl) as Promise<SigningSession>;
    const { suggested, ...pageInfo } = await session();
    await page.click('[data-testid="start-signing"]');
    await page.locator('[data-testid="signature-mark"]').waitFor();
    await dragMark(page, suggested, pageInfo);
    // Stored as dropped: the image's pixels converted to PDF points (to the hundredth the page keeps).
    const placed = (await session()).placement as Placement;
    expect(placed).toMatchObject({ page: pageInfo.signaturePage, confirmed: false });
    expect(Math.abs(placed.x - suggested.x)).toBeLessThan(0.5);
    expect(Math.abs(placed.y - suggested.y)).toBeLessThan(0.5);
    if (shotName) await shot(page, shotName);
    await page.click('[data-testid="confirm-signing"]');
    await page.locator('[data-testid="signed"]').waitFor();
    return placed;
  }

  /** The form as signed so far, as the applicant's 查看表单 gives it. */
  async function signedForm(applicant: Page, list: Locator): Promise<Buffer> {
    const url = (await list.locator('tbody tr a', { hasText: '查看表单' }).first().getAttribute('href')) as string;
    const base64 = await applicant.evaluate(async (u) => {
      const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    }, url);
    return Buffer.from(base64, 'base64');
  }

  /** Every signer signs in order, each in their own browser, while the applicant's list stays open. */
  async function signInOrder(applicant: Page, list: Locator, signers: Page[]) {
    for (const [i, signer] of signers.entries()) {
      await expect.poll(() => stateOf(list, i), { timeout: 60_000 }).toBe('待签章');
      const link = await linkOf(list, i);
      const page = signer === applicant ? await applicant.context().newPage() : signer;
      await sign(page, link);
      if (page !== signer) await page.close();
    }
    // Every signature is in while the list is open: submitted automatically.
    await list.locator('[data-testid="auto-submitted"]').waitFor({ timeout: 90_000 });
  }

  const rowOf = (page: Page, title: string) => page.locator('tbody tr', { hasText: title }).first();

  /** A list page, reloaded until the work shows in it (the workflow writes the read model). */
  async function findIn(page: Page, path: string, title: string): Promise<Locator> {
    await expect
      .poll(
        async () => {
          await page.goto(path);
          await page.locator('.ant-table').first().waitFor();
          // A review queue is oldest first over every test's works: search it by title, as a reviewer would.
          if (path.startsWith('/staff/review/')) {
            await page.locator('[data-testid="queue-filters"]').getByLabel('作品名称').fill(title);
            await page.click('[data-testid="queue-search"]');
          }
          await page.waitForLoadState('networkidle');
          return rowOf(page, title).count();
        },
        { timeout: 90_000, interval: 2000 },
      )
      .toBeGreaterThan(0);
    return rowOf(page, title);
  }

  async function payOnline(page: Page, filingTitle: string, shots = false) {
    const row = await findIn(page, '/works/to_pay', filingTitle);
    if (shots) await shot(page, '13-list-to-pay');
    await row.locator('[data-testid="pay"]').click();
    await page.locator('[data-testid="choose-method"]').waitFor();
    if (shots) await shot(page, '14-payment-choose');
    // The method is locked once chosen: the portal asks once more.
    await page.click('[data-testid="choose-method"]');
    if (shots) {
      await page.locator('.ant-modal-confirm').waitFor();
      await shot(page, '14-payment-choose-confirm');
    }
    await confirmDialog(page);
    await page.locator('[data-testid="pay-qr"]').waitFor();
    if (shots) await shot(page, '15-payment-online');
    const payUrl = (await page.locator('[data-testid="pay-link"]').getAttribute('href')) as string;
    const gateway = await page.context().newPage();
    await gateway.goto(payUrl);
    if (shots) await shot(gateway, '16-gateway-pay-page');
    await gateway.click('button[type="submit"]');
    await gateway.getByText('支付成功').waitFor();
    await gateway.close();
    // The status updates when the gateway's notification is confirmed.
    await page.locator('[data-testid="payment-paid"]').waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid="payment-method"] input').first().isDisabled()).toBe(true);
    if (shots) await shot(page, '17-payment-paid');
  }

  async function review(
    page: Page,
    stage: 'initial' | 'final',
    title: string,
    decision: '通过' | '退回修改' | '不予登记',
    reason?: string,
    shotName?: string,
  ) {
    const row = await findIn(page, `/staff/review/${stage}`, title);
    if (shotName) await shot(page, `${shotName}-queue`);
    await row.locator('[data-testid="review-open"]').click();
    const form = page.locator('[data-testid="review-form"]');
    await form.waitFor();
    await page.getByText(title).first().waitFor();
    await radio(form, '审核结果', decision);
    if (reason) await page.fill('[data-testid="review-reason"]', reason);
    if (shotName) await shot(page, shotName);
    await page.click('[data-testid="review-submit"]');
    await toast(page, `已${decision}`);
  }

  it('shows the public pages without login, in Chinese and English', async () => {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await page.getByText('作品自愿登记须知').waitFor();
    await shot(page, '01-home-public');
    await page.goto('/verify');
    await page.locator('[data-testid="verify-form"]').waitFor();
    await shot(page, '02-verify-public');
    await page.click('[data-testid="lang-switch"]');
    await page.getByText('Voluntary Copyright Registration').waitFor();
    await shot(page, '03-verify-english');
    await page.click('[data-testid="lang-switch"]');
  });

  it('journey 1: profile, two holders sign in order, online payment, return, resubmission without paying, approvals, certificate', async () => {
    const title = `西湖晨曦-${run}`;
    const applicant = await as(people.zhang);
    // 我的办件 (shown once the profile is complete) has its works.
    await applicant.locator('[data-testid="my-works"] .ant-spin-spinning').waitFor({ state: 'detached' });
    await shot(applicant, '04-home-applicant');
    await completeProfile(applicant, people.zhang, '05-profile');
    const li = await as(people.li);
    await completeProfile(li, people.li);
    userIds.li = await userIdOf(li);

    const list = await fileWork(applicant, title, [people.zhang, people.li], true);
    // 张三 待签章 with a link; 李四 准备签章 and no link until 张三 has signed.
    await expect.poll(() => stateOf(list, 0), { timeout: 60_000 }).toBe('待签章');
    expect(await stateOf(list, 1)).toBe('准备签章');
    expect(await list.locator('tbody tr').nth(1).locator('[data-testid="sign-link"]').count()).toBe(0);
    await shot(applicant, '08-signing-list');
    const firstLink = await linkOf(list, 0);

    // A third person is refused.
    const stranger = await as(people.wang);
    await stranger.goto(firstLink);
    await stranger.locator('[data-testid="not-the-signer"]').waitFor();
    await shot(stranger, '09-not-the-signer');
    // 李四 cannot use 张三's link either: it is not his turn nor his link.
    const liEarly = await li.context().newPage();
    await liEarly.goto(firstLink);
    await liEarly.locator('[data-testid="not-the-signer"]').waitFor();
    await liEarly.close();

    // 张三 signs in a second tab, the list still open in the first.
    const zhangTab = await applicant.context().newPage();
    const placed = await sign(zhangTab, firstLink, '10-signing-page');
    await shot(zhangTab, '11-signed');
    await zhangTab.close();
    await expect.poll(() => stateOf(list, 1), { timeout: 60_000 }).toBe('待签章');
    expect(await stateOf(list, 0)).toBe('已签章');
    // In the signed form the signature shows where 张三 dropped it: its red frame on page 2
    // (inset 2 pt from the placed box) within a few points of the placement.
    const ink = await redInk(await signedForm(applicant, list), placed.page + 1);
    expect(ink).toBeDefined();
    for (const [seen, want] of [
      [ink!.x, placed.x],
      [ink!.y, placed.y],
      [ink!.x + ink!.width, placed.x + placed.width],
      [ink!.y + ink!.height, placed.y + placed.height],
    ] as const) {
      expect(Math.abs(seen - want)).toBeLessThan(3);
    }
    await shot(applicant, '12-signing-list-second-turn');
    // 李四's page shows 张三's signature on the form as signed so far.
    await sign(li, await linkOf(list, 1), '12-signing-page-second-signer');
    await list.locator('[data-testid="auto-submitted"]').waitFor({ timeout: 90_000 });
    await shot(applicant, '12-signing-list-auto-submitted');

    await payOnline(applicant, title, true);

    // 初审 returns it with a reason.
    const initial = await as(people.initialReviewer);
    await review(
      initial,
      'initial',
      title,
      '退回修改',
      '作品简介未说明主要元素的构成方式，请补充。',
      '18-review-initial',
    );

    // The applicant sees the reason, edits, re-signs and resubmits without paying again.
    const returned = await findIn(applicant, '/works/to_submit', title);
    await expect.poll(() => returned.locator('[data-testid="remark"]').innerText()).toContain('构成方式');
    await shot(applicant, '19-list-returned');
    await returned.locator('[data-testid="edit"]').click();
    await applicant.locator('[data-testid="return-reasons"]').waitFor();
    await fill(
      applicant.locator('[data-testid="filing-form"]'),
      '作品简介及创意',
      '以西湖晨雾为主要元素，远山、湖面、柳枝三层水墨由浅入深构成画面。',
    );
    await shot(applicant, '20-filing-returned-edit');
    await applicant.click('[data-testid="submit-and-sign"]');
    const again = await signingList(applicant);
    await signInOrder(applicant, again, [applicant, li]);
    const inReview = await findIn(applicant, '/works/initial_review', title);
    expect(await inReview.innerText()).toContain('待初审');

    // Both reviews approve.
    await review(initial, 'initial', title, '通过');
    const final = await as(people.finalReviewer);
    await review(final, 'final', title, '通过', undefined, '21-review-final');

    // The certificate downloads and verifies on the public page.
    const certified = await findIn(applicant, '/works/certified', title);
    await shot(applicant, '22-list-certified');
    const [download] = await Promise.all([
      applicant.waitForEvent('download'),
      certified.locator('[data-testid="download-certificate"]').click(),
    ]);
    const pdf = await download.path().then((p) => import('node:fs').then((fs) => fs.readFileSync(p)));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await certified.locator('a', { hasText: title }).click();
    const number = await applicant.locator('[data-testid="registration-number"]').innerText();
    expect(number).toMatch(/^浙作登字-\d{4}-F-\d{8}$/);
    // 办理进度: the return and the resubmission's approvals, each dated.
    await applicant.getByTestId('timeline-step').filter({ hasText: '初审退回修改' }).waitFor();
    await applicant.getByTestId('timeline-step').filter({ hasText: '发证' }).waitFor();
    await shot(applicant, '23-work-certified');

    const visitor = await (await personContext(browser, platform.url)).newPage();
    contexts.push(visitor.context());
    await visitor.goto('/verify');
    await fill(visitor.locator('[data-testid="verify-form"]'), '登记号', number);
    await fill(visitor.locator('[data-testid="verify-form"]'), '著作权人姓名或名称', people.zhang.name);
    await visitor.click('[data-testid="verify"]');
    await visitor.locator('[data-testid="verify-result"]').getByText('证书真实有效').waitFor();
    await shot(visitor, '24-verify-valid');

    // Admin records the waybill of the paper certificate; the applicant sees it.
    const admin = await as(people.admin);
    const toDeliver = await findIn(admin, '/staff/admin/delivery', title);
    await shot(admin, '25-admin-delivery');
    await toDeliver.locator('[data-testid="record-delivery"]').click();
    const dialog = modal(admin, `登记纸质证书发放：${title}`);
    await fill(dialog, '运单号', 'SF1234567890');
    await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
    await toast(admin, '已登记');
  }, 600_000);
  it('journey 2: an offline payment confirmed by finance', async () => {
    const title = `钱塘秋色-${run}`;
    const applicant = await as(people.li);
    await completeProfile(applicant, people.li);
    const list = await fileWork(applicant, title, [people.li]);
    await signInOrder(applicant, list, [applicant]);

    const row = await findIn(applicant, '/works/to_pay', title);
    await row.locator('[data-testid="pay"]').click();
    await applicant.locator('[data-testid="choose-method"]').waitFor();
    await applicant.locator('[data-testid="payment-method"] label', { hasText: '线下付款' }).click();
    await applicant.click('[data-testid="choose-method"]');
    await confirmDialog(applicant);
    const offline = applicant.locator('[data-testid="offline-form"]');
    await offline.waitFor();
    await fill(offline, '付款人', people.li.name);
    await fill(offline, '付款凭证号', `BANK${run.toUpperCase()}01`);
    await shot(applicant, '30-payment-offline');
    await applicant.click('[data-testid="send-offline"]');
    await applicant.locator('[data-testid="offline-status"]').getByText('待财务核对').waitFor();
    // The method is locked once chosen.
    expect(await applicant.locator('[data-testid="payment-method"] input').first().isDisabled()).toBe(true);
    await shot(applicant, '31-payment-offline-waiting');

    const finance = await as(people.finance);
    const pending = await findIn(finance, '/staff/finance/offline', title);
    await shot(finance, '32-finance-offline');
    await pending.locator('[data-testid="confirm-offline"]').click();
    await confirmDialog(finance);
    await toast(finance, '已核对通过');

    // The applicant's payment page updates by itself.
    await applicant.locator('[data-testid="payment-paid"]').waitFor({ timeout: 90_000 });
    await shot(applicant, '33-payment-offline-confirmed');
    await findIn(applicant, '/works/initial_review', title);
  });

  it('journey 3: a refusal, refunded', async () => {
    const title = `断桥残雪-${run}`;
    const applicant = await as(people.zhang);
    const list = await fileWork(applicant, title, [people.zhang]);
    await signInOrder(applicant, list, [applicant]);
    await payOnline(applicant, title);

    const initial = await as(people.initialReviewer);
    await review(
      initial,
      'initial',
      title,
      '不予登记',
      '作品属于计算机软件，不在本平台登记范围内。',
      '40-review-refuse',
    );

    // The refused work shows in 其他 with the reason; the fee is refunded.
    const refused = await findIn(applicant, '/works/other', title);
    expect(await refused.innerText()).toContain('不予登记');
    await shot(applicant, '41-list-other-refused');
    const finance = await as(people.finance);
    // A tab's rows come after the tab (networkidle was reached before the click): wait for the row.
    const shown = () =>
      rowOf(finance, title)
        .first()
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
    await expect
      .poll(
        async () => {
          await finance.goto('/staff/finance/refunds');
          if (await shown()) return true;
          await finance.locator('.ant-tabs-tab', { hasText: '已退费' }).click();
          return shown();
        },
        { timeout: 90_000, interval: 3000 },
      )
      .toBe(true);
    await shot(finance, '42-finance-refunds');
    await applicant.goto('/works/other');
    await rowOf(applicant, title).locator('a', { hasText: title }).click();
    await applicant.locator('[data-testid="work-status"]').getByText('不予登记并退费').waitFor();
    await applicant.getByTestId('timeline-step').filter({ hasText: '初审不予登记' }).waitFor();
    // The step bar marks the review that refused it, not the first step.
    expect(await applicant.locator('.ant-steps-item-error').innerText()).toContain('初审');
    // The online refund (done by the gateway) is on the timeline with its amount and its date.
    const refund = applicant.getByTestId('timeline-step').filter({ hasText: '已退费 ¥ 150（不予登记）' });
    await refund.waitFor();
    expect(await refund.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await shot(applicant, '43-work-refused');
  });

  it('staff and regional pages: queues, regional list, admin category, Temporal link', async () => {
    const regional = await as(people.regional, '/regional');
    // The table shows before its rows arrive: wait for a row (none within the timeout fails the test).
    await regional.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    // Journey 1's work (its holders are in 杭州) is in 杭州's list, read only.
    const inRegion = await regional.evaluate(
      (t) =>
        fetch(`/api/filing/region/filings?title=${encodeURIComponent(t)}`).then(
          (r) => r.json() as Promise<{ items: { title: string; actions: string[] }[] }>,
        ),
      `西湖晨曦-${run}`,
    );
    expect(inRegion.items.map((i) => i.title)).toEqual([`西湖晨曦-${run}`]);
    expect(inRegion.items[0]?.actions).toEqual(['view']);
    await shot(regional, '50-regional-list');
    const admin = await as(people.admin, '/staff/admin/users');
    // 李四 turns out to be a lawyer with a copyright agency qualification: staff change the category.
    const target = userIds.li;
    expect(target, '李四 logged in during journey 3').toBeDefined();
    await admin.locator('[data-testid="admin-user-search"] input').fill(target as string);
    await admin.locator('[data-testid="admin-user-search"] button').click();
    const category = admin.locator('[data-testid="category-form"]');
    await category.waitFor();
    await radio(category, '新类别', '代理律师');
    await fill(category, '资质核对情况', `已核验律师执业证及版权代理资质证明（${run}）`);
    await category.locator('button', { hasText: '修改类别' }).click();
    const change = admin.locator('tbody tr', { hasText: run }).first();
    await change.waitFor();
    expect(await change.innerText()).toContain('周管理'); // the operator by name, not by id
    await shot(admin, '51-admin-users');
    const initial = await as(people.initialReviewer, '/staff/review/initial');
    // Journey 2's work waits for 初审 (finance confirmed its payment): the queue is not empty.
    const open = initial.locator('[data-testid="review-open"]').first();
    await open.waitFor();
    await shot(initial, '52-review-queue');
    await open.click();
    const link = initial.locator('[data-testid="temporal-link"]');
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(/\/namespaces\/[^/]+\/workflows\/registration-[0-9a-f-]{36}$/);
    await shot(initial, '53-review-detail');
  });
});
