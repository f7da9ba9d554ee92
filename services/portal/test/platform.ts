import { existsSync } from 'node:fs';
import path from 'node:path';
import { Flow } from '@copyreg/infra/src/bench/flow';
import { Latencies } from '@copyreg/infra/src/bench/stats';
import { repoRoot } from '@copyreg/infra/src/paths';
import { platformProcesses, type RunningPlatform, startPlatform } from '@copyreg/infra/src/platform';
import { httpOk } from '@copyreg/infra/src/proc';
import { type Config, loadConfig } from '@copyreg/kit';
import { buildIfStale } from '../src/build';

/**
 * The whole platform for the browser tests, on the test database and bucket (vitest's env) and on
 * ports of its own (3100 and up), so a developer's `npm start` on 3000 and up is left alone.
 * It is started once per test run (test/global-platform.ts) and shared by the test files.
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
  DEV_CSC_PORT: '3113',
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

/**
 * Starts the platform for one test run (the package's vitest globalSetup). A server already
 * answering on the test ports is refused, never reused: it may run code older than the tree's.
 */
export async function startTestPlatform(env: NodeJS.ProcessEnv): Promise<RunningPlatform> {
  const all: NodeJS.ProcessEnv = { ...env, ...testPorts };
  const c = loadConfig(all);
  if (await httpOk(`${c.PUBLIC_URL}/healthz`).catch(() => false)) {
    throw new Error(
      `something already answers on ${c.PUBLIC_URL} (an earlier test run left it running?): stop it, the tests start their own platform`,
    );
  }
  // Build the app here, before a dozen processes compete for the CPU, so the portal starts at once.
  await buildIfStale();
  // The children inherit this process's environment, not vitest's test env: hand them the test
  // database and bucket explicitly, or they would serve the development ones.
  const { NODE_ENV, DATABASE_URL, S3_BUCKET } = all;
  return startPlatform(c, { ...testPorts, NODE_ENV, DATABASE_URL, S3_BUCKET }, false, 180_000);
}

/** The platform this run's globalSetup started, for a test file. */
export async function ensurePlatform(): Promise<TestPlatform> {
  const env = { ...process.env, ...testPorts };
  const c = loadConfig(env);
  const url = c.PUBLIC_URL;
  const missing = platformProcesses.filter((p) => !existsSync(path.join(repoRoot, p.script))).map((p) => p.name);
  if (!(await httpOk(`${url}/healthz`).catch(() => false))) {
    throw new Error(`the test platform does not answer on ${url}: it is started by the portal's vitest globalSetup`);
  }
  return { config: c, url, missing, stop: async () => {} };
}

/** The load generator's registration flow, through the portal's /api proxy: to bring a work to a state fast. */
export function apiFlow(platform: TestPlatform, stepTimeoutMs: number): Flow {
  const base = platform.url;
  return new Flow(
    {
      identity: base,
      filing: base,
      signature: base,
      payment: base,
      certificate: base,
      gateway: `http://127.0.0.1:${platform.config.DEV_GATEWAY_PORT}`,
    },
    new Latencies(),
    stepTimeoutMs,
  );
}
