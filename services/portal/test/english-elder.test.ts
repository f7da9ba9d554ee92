import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { residentId } from '@copyreg/infra/src/bench/flow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n-en';
import { closeBrowser, launchBrowser, login, screenshotFailure, seriousViolations, shot } from './browser';
import { people } from './fixtures';
import { ensurePlatform, type TestPlatform } from './platform';
import { confirmDialog } from './ui';

/**
 * Issue 18: the portal in English and in 长辈版 (elder mode).
 * - Every t('…') of the app has its English.
 * - Every page a visitor, an applicant (through filing, signing, paying and the certificate) and
 *   staff see, in English: no Chinese character outside user data (names, titles and other text
 *   people typed; the registration number), in the text, the placeholders, titles, alt texts and
 *   accessible names; axe finds nothing serious or critical on any of them.
 * - 长辈版 at a phone and a desktop size: switched in the header, 18 px text and up, the short
 *   menu, axe clean, remembered for the user after a reload and a new login, not for another user.
 * Screenshots go to docs/screenshots (en-*, elder-*).
 */

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]/;
const src = fileURLToPath(new URL('../web/src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('every text the app marks for translation has its English', () => {
  it('t(…), tk(…), translate(…) and the menu items', () => {
    const missing: string[] = [];
    const marked = /(?:\btk?\(|translate\([^,()]+,\s*|\bitem\('[^']*',\s*)\s*'((?:[^'\\]|\\.)*)'/g;
    for (const file of sources(src)) {
      if (file.endsWith('i18n-en.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(marked)) {
        const zh = (m[1] as string).replace(/\\'/g, "'");
        if (CJK.test(zh) && (en[zh] === undefined || CJK.test(en[zh].replace(/浙作登字/g, '')))) {
          missing.push(`${path.relative(src, file)}: ${zh}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

type Found = { text: string; attrs: string[]; title: string };

describe('the portal in English and in 长辈版', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-5);
  const n = 300 + (Number.parseInt(run, 36) % 600);
  // The applicant of this run: a name and every text they type in English (the user data of the pages).
  const applicant = { name: `Lin Wei ${run}`, idNumber: residentId(n) };
  const title = `Morning Mist ${run}`;
  let registrationNumber = '';
  let filingId = '';

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'en-elder');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await platform?.stop();
  });

  const viewports = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } };

  /** A browser of one person, with the language and mode chosen before the first page. */
  async function open(
    viewport: keyof typeof viewports,
    storage: Record<string, string> = { lang: 'en' },
  ): Promise<Page> {
    const context = await browser.newContext({
      baseURL: platform.url,
      locale: 'en-GB',
      viewport: viewports[viewport],
      ...(viewport === 'phone' ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(30_000);
    await context.addInitScript((s: Record<string, string>) => {
      const ls = (
        globalThis as unknown as {
          localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
        }
      ).localStorage;
      // Only on the first page of the context: a later switch by the test stays.
      if (ls.getItem('test:init')) return;
      ls.setItem('test:init', '1');
      for (const [k, v] of Object.entries(s)) ls.setItem(k, v);
    }, storage);
    contexts.push(context);
    return context.newPage();
  }

  /** A call to the portal's APIs from the page (the page's session). */
  async function call<T = Record<string, unknown>>(
    page: Page,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<T> {
    const r = await page.evaluate(
      async ({ method, url, body }) => {
        const res = await fetch(url, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(method === 'GET' ? {} : { 'idempotency-key': crypto.randomUUID() }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, text: await res.text() };
      },
      { method, url, body },
    );
    if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text.slice(0, 300)}`);
    return (r.text ? JSON.parse(r.text) : {}) as T;
  }

  /** Uploads a small PNG from the page (multipart `file`). */
  async function upload(page: Page, url: string, name: string): Promise<Record<string, unknown>> {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    return page.evaluate(
      async ({ url, name, png }) => {
        const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
        const form = new FormData();
        form.append('file', new Blob([bytes], { type: 'image/png' }), name);
        const res = await fetch(url, {
          method: 'POST',
          body: form,
          headers: { 'idempotency-key': crypto.randomUUID() },
        });
        return (await res.json()) as Record<string, unknown>;
      },
      { url, name, png },
    );
  }

  /** The page's visible text, and the texts of its attributes people hear or see, without what is marked as Chinese (lang="zh…"). */
  const collect = (page: Page) =>
    page.evaluate(`(() => {
      const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
      let text = document.body.innerText;
      const marked = [...document.querySelectorAll('[lang^="zh"]')].map((el) => el.innerText).filter(Boolean);
      for (const m of marked.sort((a, b) => b.length - a.length)) text = text.split(m).join(' ');
      const attrs = [];
      for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
        if (!visible(el) || el.closest('[lang^="zh"]')) continue;
        for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
          const v = el.getAttribute(a);
          if (v) attrs.push(a + '=' + v);
        }
      }
      return { text, attrs, title: document.title };
    })()`) as Promise<Found>;

  /** Chinese left on the page once the user data is taken out: each with a little context. */
  async function chineseOn(page: Page, name: string, userData: string[]): Promise<string[]> {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForTimeout(300);
    const found = await collect(page);
    const data = [...userData].filter((d) => d && CJK.test(d)).sort((a, b) => b.length - a.length);
    const clean = (s: string) => {
      let out = s.replace(/浙作登字-\d{4}-[A-Z]-\d{8}/g, '');
      for (const d of data) out = out.split(d).join(' ');
      return out;
    };
    const left: string[] = [];
    for (const [where, s] of [
      ['text', found.text],
      ...found.attrs.map((a) => ['attribute', a]),
      ['title', found.title],
    ] as [string, string][]) {
      const c = clean(s);
      const m = CJK.exec(c);
      if (m)
        left.push(`${name} (${where}): …${c.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}…`);
    }
    return left;
  }

  /** Every CJK string of a list answer's items (titles, names, remarks: user data of other works). */
  const dataOf = (value: unknown): string[] =>
    typeof value === 'string'
      ? CJK.test(value)
        ? [value]
        : []
      : Array.isArray(value)
        ? value.flatMap(dataOf)
        : value && typeof value === 'object'
          ? Object.entries(value)
              .filter(([k]) => !k.endsWith('Label') && k !== 'statusText')
              .flatMap(([, v]) => dataOf(v))
          : [];

  const problems: string[] = [];
  async function check(page: Page, name: string, userData: string[] = [], screenshot?: string) {
    problems.push(...(await chineseOn(page, name, userData)));
    problems.push(...(await seriousViolations(page, name)));
    if (screenshot) await shot(page, screenshot);
  }
  async function visit(
    page: Page,
    url: string,
    ready: string,
    name: string,
    userData: string[] = [],
    screenshot?: string,
  ) {
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await check(page, name, userData, screenshot);
  }
  const meName = (page: Page) => call<{ name?: string }>(page, 'GET', '/api/identity/me').then((m) => m.name ?? '');

  it('a visitor and an applicant see every page in English: no Chinese outside user data, axe clean', async () => {
    // A visitor: home, the certificate check, the register, a page behind the login.
    const visitor = await open('desktop');
    await visit(visitor, '/', 'h1', 'visitor home', [], 'en-01-home-visitor');
    await visit(visitor, '/verify', '[data-testid="verify-form"]', 'verify');
    await visitor.click('[data-testid="verify"]');
    await visitor.locator('.ant-form-item-explain-error').first().waitFor();
    await check(visitor, 'verify, required fields');
    await visit(
      visitor,
      '/registry',
      '[data-testid="registry-table"]',
      'registry',
      dataOf(await call(visitor, 'GET', '/api/filing/registry?page=1&pageSize=20')),
    );
    await visit(visitor, '/profile', '[data-testid="login"]', 'login needed');
    await visit(visitor, '/no-such-page', 'h1, .ant-result-title', 'not found');

    // The applicant logs in as a new person (an English name).
    const page = await open('desktop');
    await page.goto('/');
    await login(page, applicant);
    const data = [applicant.name];
    await visit(page, '/', 'h1', 'home', data, 'en-02-home-applicant');
    await visit(page, '/profile', '[data-testid="profile-form"]', 'profile, empty', data);
    // The warning names what is missing in words, each a link to it.
    await page.locator('[data-testid="profile-missing"] a').first().waitFor();
    // Saving the form as it opens (only the name filled in): the form's own messages.
    await page.click('[data-testid="save-profile"]');
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    await check(page, 'profile, required fields', data, 'en-03-profile-errors');

    // The profile and a proof through the API, in English; the page then offers the next step.
    await call(page, 'PUT', '/api/identity/profile', {
      category: 'individual',
      name: applicant.name,
      idType: 'resident_id',
      idNumber: applicant.idNumber,
      handler: applicant.name,
      handlerMobile: '13800138000',
      region: '330106',
      invoiceEmail: `lin${run}@example.com`,
      recipient: applicant.name,
      recipientMobile: '13800138000',
      mailingAddress: '100 Wensan Road, Xihu District, Hangzhou',
    });
    await upload(page, '/api/identity/proofs', 'id-card.png');
    await visit(page, '/profile', '[data-testid="profile-form"]', 'profile, complete', data);
    await page.click('[data-testid="save-profile"]');
    await page.locator('[data-testid="profile-complete"] [data-testid="next-step"]').waitFor();
    await check(page, 'profile saved, next step', data);

    // The filing form, its help, a holder dialog and its messages.
    await page.click('[data-testid="profile-complete"] [data-testid="next-step"]');
    await page.locator('[data-testid="filing-form"]').waitFor();
    await check(page, 'filing form', data, 'en-04-filing-form');
    await page.click('[data-testid="submit-and-sign"]');
    await page.locator('.ant-form-item-explain-error').first().waitFor();
    await check(page, 'filing form, required fields', data);
    await page.locator('button', { hasText: 'How to fill in' }).first().click();
    await page.locator('.ant-drawer-body').waitFor();
    await check(page, 'filing help', data);
    await page.keyboard.press('Escape');
    await page.click('[data-testid="add-holder"]');
    await page.locator('.ant-modal:visible').waitFor();
    await page.locator('.ant-modal:visible .ant-modal-footer .ant-btn-primary').click();
    await page.locator('.ant-modal:visible .ant-form-item-explain-error').first().waitFor();
    await check(page, 'holder dialog', data);
    await page.keyboard.press('Escape');

    // A work filed through the API (English title and texts), submitted for signing.
    const sample = await upload(page, '/api/filing/uploads/sample', 'mist.png');
    const draft = await call<{ filingId: string }>(page, 'POST', '/api/filing/filings', {
      content: {
        title,
        workType: 'photography',
        creationNature: 'original',
        completedOn: '2026-03-05',
        published: false,
        ownershipMode: 'individual',
        acquisitionMode: 'original',
        rightsScope: 'all',
        rights: [],
        description: 'A photograph of the West Lake in the morning mist, f/8, 1/250 s, ISO 200.',
        creationProcess: 'Taken by the author alone in March 2026.',
        samples: [sample],
        attachments: [],
        holders: [
          {
            holderType: 'individual',
            name: applicant.name,
            idType: 'resident_id',
            idNumber: applicant.idNumber,
            region: '330106',
          },
        ],
        authors: [{ name: applicant.name }],
        invoiceEmail: `lin${run}@example.com`,
        certificateDelivery: 'mail',
      },
    });
    filingId = draft.filingId;
    data.push(title);
    await call(page, 'POST', `/api/filing/filings/${filingId}/submission`, {});
    await visit(page, `/filings/${filingId}`, '[data-testid="work-status"]', 'work, awaiting signatures', data);
    // The list to sign (once the workflow has written it), and the signing list dialog.
    const toSign = page.locator('tbody tr', { hasText: title }).locator('[data-testid="open-signing"]');
    for (let i = 0; i < 45 && !(await toSign.count()); i++) {
      await page.goto('/works/to_sign');
      await page.locator('.ant-table').first().waitFor();
      await page.waitForLoadState('networkidle');
      if (!(await toSign.count())) await page.waitForTimeout(2000);
    }
    await check(page, 'list to sign', data);
    await toSign.click();
    const link = page.locator('.ant-modal:visible [data-testid="sign-link"]');
    await link.waitFor({ timeout: 90_000 });
    await check(page, 'signing list', data);
    const signingUrl = (await link.getAttribute('href')) as string;

    // The signing page, the mark placed, signed.
    await visit(page, signingUrl, '[data-testid="start-signing"]', 'signing page', data);
    await page.click('[data-testid="start-signing"]');
    await page.locator('[data-testid="signature-mark"]').waitFor();
    await check(page, 'signing page, mark placed', data, 'en-05-signing');
    await page.click('[data-testid="confirm-signing"]');
    await page.locator('[data-testid="signed"]').waitFor({ timeout: 60_000 });
    await check(page, 'signed', data);

    // Submitted (as the open list would), then the payment page: the choice is confirmed first.
    for (let i = 0; i < 60; i++) {
      const f = await call<{ status: string }>(page, 'GET', `/api/filing/filings/${filingId}`);
      if (f.status === 'awaiting_submission') break;
      await page.waitForTimeout(1000);
    }
    await call(page, 'POST', `/api/filing/filings/${filingId}/submit`, {});
    await visit(page, `/filings/${filingId}/pay`, '[data-testid="choose-method"]', 'payment', data, 'en-06-payment');
    await page.click('[data-testid="choose-method"]');
    await page.locator('.ant-modal-confirm').waitFor();
    await check(page, 'payment method confirmation', data, 'en-07-payment-confirm');
    await confirmDialog(page);
    await page.locator('[data-testid="pay-qr"]').waitFor();
    await check(page, 'payment online', data);
    const payUrl = (await page.locator('[data-testid="pay-link"]').getAttribute('href')) as string;
    const gateway = await page.context().newPage();
    await gateway.goto(payUrl);
    await gateway.click('button[type="submit"]');
    await gateway.getByText('支付成功').waitFor();
    await gateway.close();
    await page.locator('[data-testid="payment-paid"]').waitFor({ timeout: 90_000 });
    await check(page, 'paid', data);
    for (const list of [
      'to_submit',
      'to_sign',
      'to_pay',
      'all',
      'initial_review',
      'final_review',
      'certified',
      'other',
    ]) {
      await visit(page, `/works/${list}`, '.ant-table', `list ${list}`, data);
    }

    // Both reviews in English: the queue (this work only), the detail with its history in words, approve.
    for (const [stage, who] of [
      ['initial', people.initialReviewer],
      ['final', people.finalReviewer],
    ] as const) {
      const staff = await open('desktop');
      await staff.goto('/');
      await login(staff, who, `/staff/review/${stage}`);
      const staffData = [...data, await meName(staff)];
      // The queue searched by this work's title, as a reviewer would (it holds every test's works).
      let row = staff.locator('tbody tr', { hasText: title });
      for (let i = 0; i === 0 || (i < 45 && !(await row.count())); i++) {
        await staff.goto(`/staff/review/${stage}`);
        await staff.locator('[data-testid="queue-filters"] input').first().fill(title);
        await staff.click('[data-testid="queue-search"]');
        await staff.waitForLoadState('networkidle');
        row = staff.locator('tbody tr', { hasText: title });
        if (!(await row.count())) await staff.waitForTimeout(2000);
      }
      await check(staff, `${stage} review queue`, staffData);
      await row.locator('[data-testid="review-open"]').click();
      await staff.locator('[data-testid="review-form"]').waitFor();
      await staff.locator('[data-testid="identity-proof"]').first().waitFor();
      await check(staff, `${stage} review detail`, staffData, stage === 'initial' ? 'en-08-review' : undefined);
      // No internal event names (draft.created) in the history.
      expect(await staff.locator('.ant-timeline').last().innerText()).not.toMatch(/[a-z]+\.[a-z]+/);
      await staff.locator('[data-testid="review-form"] label', { hasText: 'Return for correction' }).click();
      await check(staff, `${stage} review, return chosen`, staffData);
      await staff.locator('[data-testid="review-form"] label', { hasText: 'Approve' }).click();
      await staff.click('[data-testid="review-submit"]');
      await staff.locator('.ant-message-notice').first().waitFor();
    }

    // The certificate: the work's page, the public check.
    for (let i = 0; i < 60; i++) {
      const f = await call<{ status: string; registrationNumber?: string }>(
        page,
        'GET',
        `/api/filing/filings/${filingId}`,
      );
      if (f.registrationNumber && (f.status === 'certified' || f.status === 'delivered')) {
        registrationNumber = f.registrationNumber;
        break;
      }
      await page.waitForTimeout(1500);
    }
    expect(registrationNumber).not.toBe('');
    await visit(
      page,
      `/filings/${filingId}`,
      '[data-testid="registration-number"]',
      'work certified',
      data,
      'en-09-work-certified',
    );
    await page.goto(`/verify/${encodeURIComponent(registrationNumber)}`);
    await page.locator('[data-testid="verify-form"] input').nth(1).fill(applicant.name);
    await page.click('[data-testid="verify"]');
    await page.locator('[data-testid="verify-result"]').waitFor();
    await check(page, 'verify, valid', data, 'en-10-verify-valid');
    await page.locator('[data-testid="verify-form"] input').nth(1).fill('Nobody');
    await page.click('[data-testid="verify"]');
    await page.locator('[data-testid="verify-error"]').waitFor();
    await check(page, 'verify, refused', data);

    expect(problems).toEqual([]);
  }, 900_000);

  it('staff pages in English: no Chinese outside user data, axe clean', async () => {
    problems.length = 0;
    const finance = await open('desktop');
    await finance.goto('/');
    await login(finance, people.finance, '/staff/finance/offline');
    const fin = [await meName(finance)];
    await visit(finance, '/staff/finance/offline', '.ant-table', 'finance offline', [
      ...fin,
      ...dataOf(await call(finance, 'GET', '/api/payment/finance/offline?status=pending&page=1&pageSize=20')),
    ]);
    await visit(finance, '/staff/finance/refunds', '.ant-table', 'finance refunds', [
      ...fin,
      ...dataOf(await call(finance, 'GET', '/api/payment/finance/refunds?status=pending&page=1&pageSize=20')),
    ]);

    const admin = await open('desktop');
    await admin.goto('/');
    await login(admin, people.admin, '/staff/admin/users');
    const adm = [await meName(admin)];
    await visit(admin, '/staff/admin/users', '[data-testid="admin-user-search"]', 'admin users', adm);
    // By the run's own name: its ID number comes from a small range other tests' accounts share.
    await admin.locator('[data-testid="admin-user-search"] input').fill(applicant.name);
    await admin.locator('[data-testid="admin-user-search"] button').click();
    await admin.locator('[data-testid="category-form"]').waitFor();
    await admin.locator('[data-testid="proof-reason"]').fill('Checking the agency licence');
    await admin.locator('[data-testid="proof-open"]').click();
    await admin.locator('[data-testid="identity-proof"]').first().waitFor();
    await check(admin, 'admin user', [...adm, applicant.name], 'en-11-admin-user');
    await visit(admin, '/staff/admin/delivery', '.ant-table', 'admin delivery', [
      ...adm,
      ...dataOf(await call(admin, 'GET', '/api/filing/staff/filings?list=certified&page=1&pageSize=20')),
    ]);
    await visit(admin, '/staff/statistics', '[data-testid="statistics"]', 'statistics', adm, 'en-12-statistics');

    const regional = await open('desktop');
    await regional.goto('/');
    await login(regional, people.regional, '/regional');
    await visit(regional, '/regional', '.ant-table', 'regional list', [
      await meName(regional),
      ...dataOf(await call(regional, 'GET', '/api/filing/region/filings?page=1&pageSize=20')),
    ]);
    expect(problems).toEqual([]);
  }, 300_000);

  for (const viewport of ['phone', 'desktop'] as const) {
    it(`长辈版 (${viewport}): large type, the short menu, axe clean in both languages, remembered per user`, async () => {
      problems.length = 0;
      const page = await open(viewport, {});
      await page.goto('/');
      await login(page, people.zhang);
      // Switched in the header.
      const sw = page.locator('[data-testid="elder-switch"]');
      expect(await sw.getAttribute('aria-pressed')).toBe('false');
      await sw.click();
      await expect.poll(() => sw.getAttribute('aria-pressed')).toBe('true');
      // The smallest of the app's text and the page's running text (not the notes, tags and badges).
      const bodySize = () =>
        page.evaluate(`(() => {
          const els = [document.querySelector('.ant-app'), ...document.querySelectorAll(
            '#main p:not(.hint), #main li, #main td, #main label, #main .ant-form-item-label label'
          )].filter(Boolean).slice(0, 40);
          return Math.min(...els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
        })()`) as Promise<number>;
      expect(await bodySize()).toBeGreaterThanOrEqual(18);
      const menuLinks = async () => {
        if (viewport === 'phone') {
          await page.click('[data-testid="menu-button"]');
          await page.locator('.ant-drawer-section').waitFor();
        }
        const links = await page
          .locator('nav a[data-menu]')
          .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { menu: string } }).dataset.menu));
        if (viewport === 'phone') {
          await page.keyboard.press('Escape');
          await page.locator('.ant-drawer-section').waitFor({ state: 'hidden' });
        }
        return links;
      };
      // The short menu: the few pages an applicant needs (其他登记服务 as one entry).
      expect(await menuLinks()).toEqual(['首页', '资料完善', '作品填报', '我的作品', '其他登记服务', '证书查验']);
      const name = `${viewport} elder`;
      for (const [url, ready, what] of [
        ['/', 'h1', 'home'],
        ['/profile', '[data-testid="profile-form"]', 'profile'],
        ['/filings/new', '[data-testid="filing-form"]', 'filing form'],
        ['/works/all', '.ant-table', 'works'],
        ['/verify', '[data-testid="verify-form"]', 'verify'],
      ] as const) {
        await page.goto(url);
        await page.locator(ready).first().waitFor();
        expect(await bodySize(), `${what}: body text size`).toBeGreaterThanOrEqual(18);
        problems.push(...(await seriousViolations(page, `${name} ${what}`)));
        if (what === 'home' || what === 'filing form' || what === 'works')
          await shot(page, `elder-${viewport}-${what.replace(' ', '-')}`);
      }
      if (viewport === 'phone') {
        // Nothing wider than the screen in 长辈版 either.
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await page.click('[data-testid="menu-button"]');
        await page.locator('.ant-drawer-section').waitFor();
        await page.waitForTimeout(400);
        await shot(page, 'elder-phone-menu');
        await page.keyboard.press('Escape');
      }
      // In English too.
      await page.click('[data-testid="lang-switch"]');
      await page.goto('/filings/new');
      await page.locator('[data-testid="filing-form"]').waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      problems.push(...(await seriousViolations(page, `${name} English filing form`)));
      await shot(page, `elder-${viewport}-english-filing-form`);
      await page.click('[data-testid="lang-switch"]');

      // Remembered after a reload and a new login; another user keeps the standard view.
      await page.reload();
      await expect.poll(() => sw.getAttribute('aria-pressed')).toBe('true');
      // Logged out of the portal and the identity provider (cookies); this browser's storage stays.
      await page.context().clearCookies();
      await page.goto('/');
      await login(page, people.li);
      await expect.poll(() => sw.getAttribute('aria-pressed')).toBe('false');
      expect(await bodySize()).toBeLessThan(18);
      // Logged out of the portal and the identity provider (cookies); this browser's storage stays.
      await page.context().clearCookies();
      await page.goto('/');
      await login(page, people.zhang);
      await expect.poll(() => sw.getAttribute('aria-pressed')).toBe('true');
      // Back to the standard view for this user (the other tests' screenshots are of it).
      await sw.click();
      await expect.poll(() => sw.getAttribute('aria-pressed')).toBe('false');
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
