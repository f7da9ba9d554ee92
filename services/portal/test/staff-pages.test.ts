import { randomInt } from 'node:crypto';
import { type Flow, type Party, party } from '@copyreg/infra/src/bench/flow';
import { createDb } from '@copyreg/kit';
import { residentIdCheckChar } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, personContext, screenshotFailure, shot } from './browser';
import { people, png } from './fixtures';
import { apiFlow, ensurePlatform, type TestPlatform } from './platform';

/**
 * Staff pages in a real browser against the whole platform: a reviewer checks the applicant's
 * identity proofs (身份证明) on the review page; the admin finds that applicant by name.
 * The registration is brought to 待初审 through the HTTP APIs (as the bench flow drives them):
 * the journeys already walk those pages in the browser.
 */
describe('staff pages', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let db: Knex;
  const contexts: BrowserContext[] = [];
  // The test database keeps earlier runs' people: this run's applicant has an ID number of its own.
  const residentId = () => {
    const first17 = `330106${1960 + randomInt(40)}0${1 + randomInt(9)}1${randomInt(10)}${String(randomInt(1000)).padStart(3, '0')}`;
    return first17 + residentIdCheckChar(first17);
  };
  const applicantName = '陈静';
  const applicantId = residentId();
  let flow: Flow;
  let applicant: Party;

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
    db = createDb();
    flow = apiFlow(platform, 180_000);
    applicant = await applicantWithProofs();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'staff');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await db?.destroy();
    await platform?.stop();
  });

  async function as(who: { accountId: string }, returnTo: string): Promise<Page> {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, who, returnTo);
    return page;
  }

  /** A small but whole PDF (one page, one line), as a scanned authorisation would be. */
  function pdf(text: string): Buffer {
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
      `<< /Length ${`BT /F1 24 Tf 72 760 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 24 Tf 72 760 Td (${text}) Tj ET\nendstream`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    let body = '%PDF-1.4\n';
    const offsets = objects.map((o, i) => {
      const at = body.length;
      body += `${i + 1} 0 obj\n${o}\nendobj\n`;
      return at;
    });
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(body, 'latin1');
  }

  /** 陈静, logged in once, completes 资料完善 with two identity proofs: her ID card and a scanned PDF. */
  async function applicantWithProofs(): Promise<Party> {
    const who = await party(db, { name: applicantName, idNumber: applicantId });
    await flow.call('PUT /api/identity/profile', who, 'PUT', `${platform.url}/api/identity/profile`, {
      category: 'individual',
      name: applicantName,
      idType: 'resident_id',
      idNumber: applicantId,
      handler: applicantName,
      handlerMobile: '13900001111',
      region: '330106',
      invoiceEmail: 'chenjing@example.com',
      recipient: applicantName,
      recipientMobile: '13900001111',
      mailingAddress: '浙江省杭州市西湖区文三路100号',
    });
    const front = await png('身份证正面.png', `居民身份证 ${applicantName} ${applicantId}`);
    for (const file of [
      { name: front.name, bytes: front.buffer },
      { name: '身份证明（扫描件）.pdf', bytes: pdf(`Identity proof ${applicantId}`) },
    ]) {
      const form = new FormData();
      form.append('file', new Blob([file.bytes]), file.name);
      await flow.call('POST /api/identity/proofs', who, 'POST', `${platform.url}/api/identity/proofs`, form);
    }
    return who;
  }

  /** She files a work that two others co-own; both sign, she pays: it waits for 初审. */
  async function filingInInitialReview(): Promise<string> {
    const holders = [
      { name: '周晓', idNumber: residentId() },
      { name: '吴桐', idNumber: residentId() },
    ];
    const signers = await Promise.all(holders.map((h) => party(db, h)));
    const id = await flow.file(applicant, holders, randomInt(1000));
    await flow.sign(applicant, signers, id);
    await flow.waitStatus(applicant, id, ['awaiting_submission', 'awaiting_payment'], 'all signed');
    await flow.call(
      'POST /api/filing/filings/:id/submit',
      applicant,
      'POST',
      `${platform.url}/api/filing/filings/${id}/submit`,
      undefined,
      [200, 409],
    );
    await flow.waitStatus(applicant, id, ['awaiting_payment'], 'awaiting payment');
    await flow.pay(applicant, id);
    await flow.waitStatus(applicant, id, ['initial_review'], 'initial review');
    return id;
  }

  it("a reviewer sees the applicant's identity proofs on the review page", async () => {
    const filingId = await filingInInitialReview();
    const reviewer = await as(people.initialReviewer, `/staff/review/initial/${filingId}`);
    const card = reviewer.locator('[data-testid="identity-proofs"]');
    await card.locator('[data-testid="identity-profile"]').waitFor();
    const profile = await card.locator('[data-testid="identity-profile"]').textContent();
    expect(profile).toContain(applicantName);
    expect(profile).toContain(applicantId);
    expect(profile).toContain('个人');
    expect(profile).toContain('与资料一致');
    const proofs = card.locator('[data-testid="identity-proof"]');
    await expect.poll(() => proofs.count()).toBe(2);
    // The image comes from its presigned link and shows inline.
    const image = card.locator('img[alt="身份证正面.png"]');
    await expect
      .poll(() =>
        image.evaluate((element) => {
          const img = element as unknown as { complete: boolean; naturalWidth: number };
          return img.complete ? img.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(0);
    // The PDF opens in the browser's viewer (inline), and downloads under its name.
    const pdfProof = proofs.filter({ hasText: '身份证明（扫描件）.pdf' });
    expect(await pdfProof.locator('a', { hasText: '预览' }).getAttribute('href')).toMatch(
      /response-content-disposition=inline/,
    );
    const download = await pdfProof.locator('[data-testid="identity-proof-download"]').getAttribute('href');
    const file = await fetch(download!);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect((await file.text()).startsWith('%PDF')).toBe(true);
    await shot(reviewer, '60-review-identity-proofs');
  });

  it('the admin finds the applicant by name and sees the account with its proofs', async () => {
    const admin = await as(people.admin, '/staff/admin/users');
    const search = admin.locator('[data-testid="admin-user-search"]');
    await search.locator('input').fill(applicantName);
    await search.locator('button').click();
    const results = admin.locator('[data-testid="admin-user-results"]');
    // Earlier runs left other 陈静: this run's is the one with its ID number, newest first.
    const row = results.locator('tbody tr', { hasText: applicantId });
    await row.waitFor();
    expect(await admin.locator('.ant-pagination-total-text').textContent()).toMatch(/^共 \d+ 条$/);
    await row.locator('[data-testid="admin-user-open"]').click();
    const account = admin.locator('[data-testid="admin-user"]');
    await account.getByText(applicantName).waitFor();
    // Outside a review an administrator names a reason first; the look is recorded with it.
    await admin.locator('[data-testid="proof-reason"]').fill('核对代理资质');
    await admin.locator('[data-testid="proof-open"]').click();
    await admin.locator('[data-testid="identity-proofs"] [data-testid="identity-proof"]').nth(1).waitFor();
    await shot(admin, '61-admin-user-search');

    // A name nobody has: the empty list says so.
    await search.locator('input').fill(`查无此人${Date.now()}`);
    await search.locator('button').click();
    await results.getByText('没有找到符合条件的用户').waitFor();
    expect(await account.count()).toBe(0);
  });
});
