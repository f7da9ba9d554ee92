import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { type Config, loadConfig } from '@copyreg/kit';
import { Connection } from '@temporalio/client';
import { registerNamespace } from '../namespace';
import { logDir, repoRoot } from '../paths';
import { type PlatformProcess, platformProcesses } from '../platform';
import { httpOk, waitFor } from '../proc';

/**
 * Platform processes run apart from everyone else's: their own database, bucket, Temporal
 * namespace and ports, so a benchmark or a fuzz run neither disturbs nor is disturbed by the
 * developers' and tests' data on the shared stack.
 */

/** Every *_PORT of the platform moved by `offset` (3001 → 3301 for offset 300; the portal's browser tests use 3100 and up). */
export function platformPorts(offset: number): Record<string, string> {
  const c = loadConfig({});
  const keys = [
    'PORTAL_PORT',
    'IDENTITY_PORT',
    'FILING_PORT',
    'SIGNATURE_PORT',
    'PAYMENT_PORT',
    'CERTIFICATE_PORT',
    'DEV_OIDC_PORT',
    'DEV_GATEWAY_PORT',
    'MAIL_WEB_PORT',
    'DEV_CSC_PORT',
    'SMTP_PORT',
  ] as const;
  const env: Record<string, string> = Object.fromEntries(keys.map((k) => [k, String(c[k] + offset)]));
  env.PUBLIC_URL = `http://127.0.0.1:${c.PORTAL_PORT + offset}`;
  return env;
}

/** Registers the namespace (and the platform's search attributes in it) unless it exists. */
export async function ensureNamespace(c: Config): Promise<void> {
  const connection = await Connection.connect({ address: c.TEMPORAL_ADDRESS });
  try {
    await registerNamespace(connection, c.TEMPORAL_NAMESPACE, { retention: '1 day' });
  } finally {
    await connection.close();
  }
}

export interface Spawned {
  name: string;
  process: PlatformProcess;
  child: ChildProcess;
}

/**
 * Starts the named platform processes whose script exists, with ENV, and waits for each
 * /healthz. One that does not come up is stopped and listed in `failed` with its log's tail,
 * so a caller can test what did come up and fail only what depends on the rest.
 */
export async function spawnPlatform(
  names: string[],
  env: Record<string, string>,
  logPrefix: string,
): Promise<{ spawned: Spawned[]; missing: string[]; failed: Record<string, string>; stop: () => Promise<void> }> {
  const c = loadConfig({ ...process.env, ...env });
  const wanted = platformProcesses.filter((p) => names.includes(p.name));
  const present = wanted.filter((p) => existsSync(path.join(repoRoot, p.script)));
  const missing = names.filter((n) => !present.some((p) => p.name === n));
  const all = present.map((p) => ({ name: p.name, process: p, child: spawnOne(p, env, logPrefix) }));
  const failed: Record<string, string> = {};
  await Promise.all(
    all.map(async ({ process: p, child }) => {
      if (!p.health) return;
      const url = p.health(c);
      try {
        await waitFor(
          p.name,
          async () => {
            if (child.exitCode !== null) throw new Error(`${p.name} exited with ${child.exitCode}`);
            return httpOk(url);
          },
          60_000,
          `${logPrefix}-${p.name}`,
        );
      } catch (err) {
        failed[p.name] = (err as Error).message;
        await stopChild(child);
      }
    }),
  );
  const spawned = all.filter((s) => !(s.name in failed));
  const stop = () => Promise.all(spawned.map((s) => stopChild(s.child))).then(() => {});
  return { spawned, missing, failed, stop };
}

export function spawnOne(
  p: PlatformProcess,
  env: Record<string, string>,
  logPrefix: string,
  /** Another program than the process's script under tsx (e.g. the proxy). */
  [cmd, ...args]: string[] = [path.join(repoRoot, 'node_modules/.bin/tsx'), p.script],
): ChildProcess {
  const child = spawn(cmd as string, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the script in a node child, and a kill must reach both.
    detached: true,
  });
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  const log = createWriteStream(path.join(logDir, `${logPrefix}-${p.name}.log`), { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

const groups = new Set<ChildProcess>();
// Whatever happens to this process, the groups it started do not outlive it.
process.once('exit', () => {
  for (const child of groups) killGroup(child, 'SIGKILL');
});

/** Signals the child's whole process group (tsx and the node process it runs). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM (or the given signal) to its group, then SIGKILL after 5 s; resolves once it exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    killGroup(child, signal);
    setTimeout(() => killGroup(child, 'SIGKILL'), 5000).unref();
  });
}

/** A database, bucket and namespace named for TAG on the shared servers, and ports moved by OFFSET. */
export function isolatedEnvironment(tag: string, portOffset: number): Record<string, string> {
  const c = loadConfig(process.env);
  const db = new URL(c.DATABASE_URL);
  db.pathname = `/copyreg_${tag}`;
  return {
    DATABASE_URL: db.toString(),
    S3_BUCKET: `copyreg-${tag}`,
    TEMPORAL_NAMESPACE: `copyreg-${tag}`,
    LOG_LEVEL: 'warn',
    ...platformPorts(portOffset),
  };
}

/**
 * A whole stack of its own beside the developer's (the fault test's, the cluster test's, the
 * bench's cluster): data directory .data/NAME, Postgres cluster copyreg-NAME, Postgres and
 * Temporal (and its UI) moved by OFFSET, MinIO by twice that, the platform by PLATFORM_OFFSET.
 */
export function privateStackEnvironment(name: string, offset: number, platformOffset: number): Record<string, string> {
  const base = loadConfig({});
  const pg = base.PG_PORT + offset;
  const s3 = Number(new URL(base.S3_ENDPOINT).port) + 2 * offset;
  return {
    COPYREG_DATA_DIR: path.join(repoRoot, '.data', name),
    PG_CLUSTER: `copyreg-${name}`,
    PG_PORT: String(pg),
    DATABASE_URL: `postgres://copyreg:copyreg@127.0.0.1:${pg}/copyreg`,
    TEMPORAL_ADDRESS: `127.0.0.1:${Number(base.TEMPORAL_ADDRESS.split(':')[1]) + offset}`,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_UI_PORT: String(base.TEMPORAL_UI_PORT + offset),
    TEMPORAL_UI_URL: `http://127.0.0.1:${base.TEMPORAL_UI_PORT + offset}`,
    S3_ENDPOINT: `http://127.0.0.1:${s3}`,
    MINIO_CONSOLE_PORT: String(s3 + 1),
    S3_BUCKET: 'copyreg',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ...platformPorts(platformOffset),
  };
}
