import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { logDir, repoRoot } from '@copyreg/infra/src/paths';
import { platformProcesses, type RunningPlatform, startPlatform } from '@copyreg/infra/src/platform';
import { httpOk, waitFor } from '@copyreg/infra/src/proc';
import { type Config, loadConfig } from '@copyreg/kit';

/**
 * The whole platform for the browser tests, on the test database and bucket (vitest's env) and on
 * ports of its own (3100 and up), so a developer's `npm start` on 3000 and up is left alone.
 * A platform already answering on those ports (an earlier run left running) is reused.
 */
const testPorts = {
  PORTAL_PORT: '3100',
  IDENTITY_PORT: '3101',
  FILING_PORT: '3102',
  SIGNATURE_PORT: '3103',
  PAYMENT_PORT: '3104',
  CERTIFICATE_PORT: '3105',
  DEV_OIDC_PORT: '3110',
  DEV_GATEWAY_PORT: '3111',
  MAIL_WEB_PORT: '3112',
  SMTP_PORT: '1125',
  PUBLIC_URL: 'http://127.0.0.1:3100',
  LOG_LEVEL: 'warn',
};

export interface TestPlatform {
  config: Config;
  url: string;
  /** Processes whose script does not exist yet (a service still being written). */
  missing: string[];
  stop(): Promise<void>;
}

export async function ensurePlatform(): Promise<TestPlatform> {
  const env = { ...process.env, ...testPorts };
  const c = loadConfig(env);
  const url = c.PUBLIC_URL;
  const missing = platformProcesses.filter((p) => !existsSync(path.join(repoRoot, p.script))).map((p) => p.name);
  if (await httpOk(`${url}/healthz`).catch(() => false)) {
    return { config: c, url, missing, stop: async () => {} };
  }
  let running: RunningPlatform;
  if (missing.length === 0) {
    running = await startPlatform(c, testPorts);
  } else {
    // Until every service exists: start those that do, the same way startPlatform does.
    running = await startSome(
      c,
      platformProcesses.filter((p) => !missing.includes(p.name)),
      testPorts,
    );
  }
  return { config: c, url, missing, stop: () => running.stop() };
}

async function startSome(
  c: Config,
  processes: typeof platformProcesses,
  env: NodeJS.ProcessEnv,
): Promise<RunningPlatform> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const children: ChildProcess[] = processes.map((p) => {
    const child = spawn(tsx, [p.script], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(logDir, `test-${p.name}.log`), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child;
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  };
  try {
    await Promise.all(
      processes.map(async (p, i) => {
        if (!p.health) return;
        const child = children[i] as ChildProcess;
        await waitFor(
          p.name,
          async () => {
            if (child.exitCode !== null) throw new Error(`${p.name} exited with ${child.exitCode}`);
            return httpOk(p.health!(c));
          },
          90_000,
          `test-${p.name}`,
        );
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { children, stop };
}
