import { residentIdCheckChar } from '@copyreg/proto';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, login, personContext, screenshotFailure, shot } from './browser';
import { png } from './fixtures';
import { ensurePlatform, type TestPlatform } from './platform';
import { upload } from './ui';

/**
 * 管辖 (Art. 7): a person whose ID was issued outside Zhejiang files only with proof of working,
 * studying or living here. 资料完善 says so, offers the upload, and the submission is then let through.
 */
describe('资料完善 for a person registered outside Zhejiang', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const run = Date.now().toString(36).slice(-5);
  const first17 = `110105${1960 + (Number.parseInt(run, 36) % 40)}0101${String(Number.parseInt(run, 36) % 1000).padStart(3, '0')}`;
  const person = { name: `赵北京${run}`, idNumber: first17 + residentIdCheckChar(first17) };

  beforeAll(async () => {
    platform = await ensurePlatform();
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(contexts, 'residence');
  });
  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await platform?.stop();
  });

  it('asks for the proof of residence, takes it, and then the profile needs nothing more', async () => {
    const context = await personContext(browser, platform.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    await login(page, person, '/profile');

    // The profile and the identity proof, as the page would save them.
    const saved = await context.request.put('/api/identity/profile', {
      data: {
        category: 'individual',
        name: person.name,
        idType: 'resident_id',
        idNumber: person.idNumber,
        handler: person.name,
        handlerMobile: '13800000000',
        region: '330106',
        invoiceEmail: `residence-${run}@example.com`,
        recipient: person.name,
        recipientMobile: '13800000000',
        mailingAddress: '浙江省杭州市西湖区文三路1号',
      },
    });
    expect(saved.status()).toBe(200);
    const proof = await png('身份证.png', person.idNumber);
    const proofSaved = await context.request.post('/api/identity/proofs', { multipart: { file: proof } });
    expect(proofSaved.status()).toBe(201);

    await page.goto('/profile');
    const missing = page.getByTestId('residence-missing');
    await missing.waitFor();
    expect(await missing.textContent()).toContain('浙江省外');
    await shot(page, 'profile-residence-missing');

    await upload(page, '在浙工作/学习/居住证明', await png('居住证.png', `居住证 ${run}`));
    await missing.waitFor({ state: 'detached' });
    const me = await (await context.request.get('/api/identity/me')).json();
    expect(me).toMatchObject({ profileComplete: true, residenceProofRequired: true });
    expect(me.profile.residenceProofs).toHaveLength(1);
    expect(me.profile.proofs).toHaveLength(1);
    await shot(page, 'profile-residence-uploaded');
  });
});
