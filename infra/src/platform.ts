import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Config } from '@copyreg/kit';
import { logDir, repoRoot } from './paths';
import { httpOk, waitFor } from './proc';

/** A process of the platform itself (a service, the worker, a development peer). */
export interface PlatformProcess {
  name: string;
  /** Script run with tsx, relative to the repository root. */
  script: string;
  /** The URL that answers once it is ready, and what to print for it. */
  health?: (c: Config) => string;
  address?: (c: Config) => string;
  /** An API's port setting: the port its replicas move (replicas.ts). */
  portKey?: keyof Config;
  /** V8 flags for this process (added to NODE_OPTIONS). */
  nodeOptions?: string;
  /** A development stand-in for an outside system (a login provider, a gateway, a mail relay, a CA). */
  devPeer?: true;
}

const service = (name: string, portKey: keyof Config, what: string): PlatformProcess => ({
  name,
  script: `services/${name}/src/main.ts`,
  portKey,
  health: (c) => `http://127.0.0.1:${c[portKey]}/healthz`,
  address: (c) => `${what}: http://127.0.0.1:${c[portKey]}/api/${name}  (OpenAPI docs: /api/${name}/docs)`,
});

const devPeer = (name: string, script: string, portKey: keyof Config, what: string): PlatformProcess => ({
  name,
  script,
  health: (c) => `http://127.0.0.1:${c[portKey]}/healthz`,
  address: (c) => `${what}: http://127.0.0.1:${c[portKey]}`,
  devPeer: true,
});

export const platformProcesses: PlatformProcess[] = [
  // Development stand-ins for outside systems; production points at the real ones by configuration.
  devPeer(
    'dev-oidc',
    'services/identity/src/dev-oidc.ts',
    'DEV_OIDC_PORT',
    'development identity provider (浙江政务服务网 stand-in)',
  ),
  devPeer(
    'dev-gateway',
    'services/payment/src/dev-gateway.ts',
    'DEV_GATEWAY_PORT',
    'development payment gateway (Alipay stand-in)',
  ),
  devPeer('mail-catcher', 'services/notices/src/mail-catcher.ts', 'MAIL_WEB_PORT', 'mail catcher inbox'),
  devPeer(
    'dev-csc',
    'services/certificate/src/csc-dev/main.ts',
    'DEV_CSC_PORT',
    "development signing provider (a CA's cloud signing stand-in, CSC API)",
  ),
  service('identity', 'IDENTITY_PORT', 'identity API'),
  service('filing', 'FILING_PORT', 'filing API'),
  service('signature', 'SIGNATURE_PORT', 'signature API'),
  service('payment', 'PAYMENT_PORT', 'payment API'),
  service('certificate', 'CERTIFICATE_PORT', 'certificate API'),
  // 1 MiB semi-spaces: about 45 MiB less RSS for the same CPU (docs/benchmarks.md, issue 15).
  { name: 'worker', script: 'activities/src/worker.ts', nodeOptions: '--max-semi-space-size=1' },
  // CPU-heavy PDF rendering and signing on the documents task queue (run more for more throughput).
  { name: 'documents-worker', script: 'activities/src/documents-worker.ts' },
  {
    name: 'portal',
    script: 'services/portal/src/main.ts',
    health: (c) => `http://127.0.0.1:${c.PORTAL_PORT}/healthz`,
    address: (c) => `portal (门户): ${c.PUBLIC_URL}`,
  },
];

/** The development stand-ins' names: every private platform (tests, bench) starts all of them. */
export const devPeerNames = platformProcesses.filter((p) => p.devPeer).map((p) => p.name);

export interface RunningPlatform {
  children: ChildProcess[];
  stop(): Promise<void>;
}

/** Starts every platform process as a child of this one, logging to .data/logs, and waits until each answers. */
export async function startPlatform(
  c: Config,
  env: NodeJS.ProcessEnv = {},
  echo = false,
  /** How long each process may take to answer (a loaded CI machine needs more than a laptop). */
  readyTimeoutMs = 60_000,
): Promise<RunningPlatform> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const children = platformProcesses.map((p) => {
    const nodeOptions = [process.env.NODE_OPTIONS, env.NODE_OPTIONS, p.nodeOptions].filter(Boolean).join(' ');
    const child = spawn(tsx, [p.script], {
      cwd: repoRoot,
      env: { ...process.env, ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stopping it stops tsx and the node process under it together.
      detached: true,
    });
    const log = createWriteStream(path.join(logDir, `${p.name}.log`), { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.pipe(log);
      if (echo) stream?.on('data', (d: Buffer) => process.stdout.write(prefix(p.name, d)));
    }
    return child;
  });
  const running: RunningPlatform = {
    children,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              const signalGroup = (signal: NodeJS.Signals) => {
                try {
                  process.kill(-(child.pid as number), signal);
                } catch {
                  // already gone
                }
              };
              signalGroup('SIGTERM');
              setTimeout(() => signalGroup('SIGKILL'), 5000).unref();
            }),
        ),
      );
    },
  };
  try {
    await Promise.all(
      platformProcesses.map(async (p, i) => {
        const child = children[i] as ChildProcess;
        if (!p.health) return;
        const url = p.health(c);
        await waitFor(
          p.name,
          async () => {
            if (child.exitCode !== null) throw new Error(`${p.name} exited with ${child.exitCode}`);
            return httpOk(url);
          },
          readyTimeoutMs,
          p.name,
        );
      }),
    );
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

function prefix(name: string, data: Buffer): string {
  return data
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => `\x1b[2m[${name}]\x1b[0m ${line}\n`)
    .join('');
}
