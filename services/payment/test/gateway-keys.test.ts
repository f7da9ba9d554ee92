import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { config, createDb } from '@copyreg/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { alipayGateway } from '../src/alipay';
import { rsa2Sign, signContent } from '../src/dev-gateway';
import { ensureKeyPair } from '../src/gateway-keys';

describe("the development gateway's keys", () => {
  const db = createDb();
  afterAll(() => db.destroy());

  it('are files of the stack, encrypted at rest, the same for every caller; no table holds them', async () => {
    const [a, b, app] = await Promise.all([
      ensureKeyPair('dev-alipay'),
      ensureKeyPair('dev-alipay'),
      ensureKeyPair('dev-app'),
    ]);
    expect(b).toEqual(a);
    expect(app.publicPem).not.toBe(a.publicPem);
    const text = await readFile(path.join(config().COPYREG_DATA_DIR, 'dev-keys', 'gateway', 'dev-alipay.pem'), 'utf8');
    expect(text).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(text).not.toContain(a.privatePem.split('\n')[1]);
    expect(text).toContain(a.publicPem.trim());
    const table = await db.raw("select to_regclass('payment.gateway_keys') as t");
    expect(table.rows[0].t).toBeNull();
  });

  it("a notification signed with the stand-in's key passes the adapter; one signed with another key does not", async () => {
    const gateway = await alipayGateway();
    const params: Record<string, string> = {
      notify_id: 'n1',
      sign_type: 'RSA2',
      app_id: gateway.appId,
      trade_no: '2026113022000000001',
      out_trade_no: 'o1',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '150.00',
    };
    const signed = (privatePem: string) => ({ ...params, sign: rsa2Sign(signContent(params, true), privatePem) });
    expect(gateway.verifyNotification(signed((await ensureKeyPair('dev-alipay')).privatePem))).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(gateway.verifyNotification(signed(other.toString()))).toBe(false);
  });
});
