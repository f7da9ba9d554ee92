import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { config, isProductionMode } from '@copyreg/kit';

/**
 * Key files of the development stand-ins (the development CA, the Alipay stand-in, the
 * development signing provider): one file per key, the PKCS#8 key encrypted with AES-256 under a
 * passphrase from configuration, then its public part (certificates or the public key) in PEM.
 * They live outside Postgres, so a database backup holds no private key.
 */
export interface KeyFile {
  key: KeyObject;
  /** The key unencrypted, in this process only (node-forge signs certificates with it). */
  keyPem: string;
  /** Everything in the file after the key: certificates or a public key. */
  publicPem: string;
}

/** A new key (PEM, unencrypted) and its public part, for `keyFile` to store. */
export interface MadeKey {
  keyPem: string;
  publicPem: string;
}

/**
 * The key in `file`, made by `make` when there is none yet. Made once whoever asks first: the new
 * file is written aside whole, then linked into place, which (unlike a rename) refuses a name
 * already taken; a process that loses the race drops its own and reads the winner's, so
 * processes starting at once never sign with different keys.
 */
export async function keyFile(
  file: string,
  passphrase: string,
  make: () => MadeKey | Promise<MadeKey>,
): Promise<KeyFile> {
  const text = await readFile(file, 'latin1').catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    const made = await make();
    const encrypted = createPrivateKey(made.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase,
    });
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, `${encrypted}${made.publicPem}`, { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, file);
    } catch (linkErr) {
      if ((linkErr as NodeJS.ErrnoException).code !== 'EEXIST') throw linkErr;
    } finally {
      await rm(temp, { force: true });
    }
    return readFile(file, 'latin1');
  });
  const keyBlock = /-----BEGIN ENCRYPTED PRIVATE KEY-----[\s\S]+?-----END ENCRYPTED PRIVATE KEY-----\n?/.exec(text);
  if (!keyBlock) throw new Error(`no encrypted private key in ${path.basename(file)}`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyBlock[0], format: 'pem', passphrase });
  } catch (err) {
    throw new Error(`the passphrase does not open ${path.basename(file)} (${(err as Error).message})`);
  }
  return {
    key,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: text.replace(keyBlock[0], ''),
  };
}

/**
 * A key of the development stand-ins under COPYREG_DATA_DIR/dev-keys, encrypted with
 * DEV_KEY_PASSPHRASE. Every process of one stack (services, workers, stand-ins, their tests)
 * finds the same file. Refused in production mode, where no development key may sign anything.
 */
export async function devKeyFile(name: string, make: () => MadeKey): Promise<KeyFile> {
  const c = config();
  if (isProductionMode(c)) throw new Error(`the development key ${name} is refused in production mode`);
  return keyFile(path.join(c.COPYREG_DATA_DIR, 'dev-keys', name), c.DEV_KEY_PASSPHRASE, make);
}
