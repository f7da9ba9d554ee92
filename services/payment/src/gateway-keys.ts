import { generateKeyPairSync } from 'node:crypto';
import { devKeyFile } from '@copyreg/certificate/key-files';

/**
 * Key pairs for the development gateway, in the development key files (COPYREG_DATA_DIR/dev-keys,
 * encrypted with DEV_KEY_PASSPHRASE), never in Postgres, so every process of the stack (the
 * payment service, the worker, the dev gateway, their tests) reads the same ones and a restart
 * keeps them: `dev-alipay` plays Alipay's key (signs notifications and responses), `dev-app` the
 * merchant application's key (signs requests). Made on first use; the first writer wins.
 */
export type GatewayKeyName = 'dev-alipay' | 'dev-app';

export async function ensureKeyPair(name: GatewayKeyName): Promise<{ privatePem: string; publicPem: string }> {
  const file = await devKeyFile(`gateway/${name}.pem`, () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return { keyPem: privateKey, publicPem: publicKey };
  });
  return { privatePem: file.keyPem, publicPem: file.publicPem };
}
