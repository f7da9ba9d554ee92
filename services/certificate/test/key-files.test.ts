import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@copyreg/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { keyFile } from '../src/pki/key-files';
import { devRoot } from '../src/pki/keys';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { keyPem: privateKey, publicPem: publicKey };
};

describe('development key files', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'key-files-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('made once when many ask at once: every caller gets the same key, one file is left', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'sub', 'k.pem');
    let made = 0;
    const all = await Promise.all(
      Array.from({ length: 4 }, () =>
        keyFile(file, 'pass', () => {
          made += 1;
          return pair();
        }),
      ),
    );
    // Several made a key (they all found no file), yet one won and all read the winner's.
    expect(made).toBeGreaterThan(1);
    expect(new Set(all.map((k) => k.publicPem)).size).toBe(1);
    expect(new Set(all.map((k) => k.keyPem)).size).toBe(1);
    expect(await readdir(path.dirname(file))).toEqual(['k.pem']);
    // Asked again, it is read, not made.
    const again = await keyFile(file, 'pass', () => {
      throw new Error('made twice');
    });
    expect(again.publicPem).toBe(all[0]?.publicPem);
  });

  it('encrypted at rest: no clear key in the file, and the wrong passphrase does not open it', async () => {
    const file = path.join(await tempDir(), 'k.pem');
    const { keyPem } = await keyFile(file, 'right', pair);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(text).not.toContain('-----BEGIN PRIVATE KEY-----');
    expect(text).not.toContain(keyPem.split('\n')[1]);
    await expect(keyFile(file, 'wrong', pair)).rejects.toThrow(/passphrase does not open k\.pem/);
  });

  it('the development root is in the stack data directory, not in the database', async () => {
    const root = await devRoot();
    const c = loadConfig();
    const text = await readFile(path.join(c.COPYREG_DATA_DIR, 'dev-keys', 'ca', 'root.pem'), 'utf8');
    expect(text).toContain(root.certPem.trim());
    expect(text).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  });
});
