import { generateKeyPairSync } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Key pairs for the development gateway, kept in the payment schema so every process (the
 * payment service, the worker, the dev gateway) reads the same ones and a restart keeps them:
 * `dev-alipay` plays Alipay's key (signs notifications and responses), `dev-app` the merchant
 * application's key (signs requests). Made on first use; the first writer wins.
 */
export type GatewayKeyName = 'dev-alipay' | 'dev-app';

export async function ensureKeyPair(
  db: Knex,
  name: GatewayKeyName,
): Promise<{ privatePem: string; publicPem: string }> {
  let row = await db('payment.gateway_keys').where({ name }).first();
  if (!row) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await db('payment.gateway_keys')
      .insert({ name, private_pem: privateKey, public_pem: publicKey })
      .onConflict('name')
      .ignore();
    row = await db('payment.gateway_keys').where({ name }).first();
  }
  return { privatePem: row.private_pem, publicPem: row.public_pem };
}
