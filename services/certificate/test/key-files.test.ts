import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@copyreg/kit';
import { productionSettings } from '@copyreg/kit/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type KeyFile, keyFile } from '../src/pki/key-files';
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

  it("made once when two ask at once: the one that loses the race reads the winner's key", async () => {
    const file = path.join(await tempDir(), 'sub', 'k.pem');
    // The second asks while the first is making its key, so it finds no file either; it makes its
    // own only after the first has stored and used one. It must not replace it.
    let first: Promise<KeyFile> | undefined;
    const second = new Promise<KeyFile>((resolve, reject) => {
      first = keyFile(file, 'pass', () => {
        keyFile(file, 'pass', async () => {
          await first;
          return pair();
        }).then(resolve, reject);
        return pair();
      });
    });
    const [a, b] = await Promise.all([first, second]);
    expect(b?.publicPem).toBe(a?.publicPem);
    expect(b?.keyPem).toBe(a?.keyPem);
    expect(await readdir(path.dirname(file))).toEqual(['k.pem']);
    // Asked again, it is read, not made.
    const again = await keyFile(file, 'pass', () => {
      throw new Error('made twice');
    });
    expect(again.publicPem).toBe(a?.publicPem);
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

  it('refused in production mode: nothing is made', async () => {
    // Production settings that pass the start-up check, so the key store's own refusal is what answers.
    const production: Record<string, string> = {
      ...productionSettings,
      PUBLIC_URL: 'https://copyright.zj.example',
    };
    const saved = Object.fromEntries(Object.keys(production).map((k) => [k, process.env[k]]));
    Object.assign(process.env, production);
    vi.resetModules();
    try {
      // A fresh kit, so the configuration is read again, in production mode.
      const { devKeyFile } = await import('../src/pki/key-files');
      const make = vi.fn(pair);
      await expect(devKeyFile('probe/never.pem', make)).rejects.toThrow(/refused in production mode/);
      expect(make).not.toHaveBeenCalled();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      vi.resetModules();
    }
  });
});
