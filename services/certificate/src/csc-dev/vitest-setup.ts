import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnvironment } from '@copyreg/kit/vitest';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * vitest globalSetup: the development signing provider as its own process for this run, on a free
 * port (several runs share the machine) and a fresh key store, so every test that signs goes
 * through the remote-signing interface. Its port reaches the test processes through the environment.
 */
export default async function setup() {
  const port = await freePort();
  const keyDir = await mkdtemp(path.join(os.tmpdir(), 'csc-dev-'));
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['services/certificate/src/csc-dev/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...testEnvironment(), DEV_CSC_PORT: String(port), DEV_CSC_KEY_DIR: keyDir },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  // However vitest ends, the provider does not outlive it.
  const kill = () => {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
  };
  process.once('exit', kill);
  await ready(child, `http://127.0.0.1:${port}/healthz`);
  process.env.DEV_CSC_PORT = String(port);
  return async () => {
    process.off('exit', kill);
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-(child.pid as number), 'SIGTERM');
    });
    await rm(keyDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls its health until it answers; fails at once if it exits. */
async function ready(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the development signing provider exited (${child.exitCode})`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the development signing provider did not answer within 60 s');
}
