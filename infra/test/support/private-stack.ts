import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, loadConfig } from '@copyreg/kit';
import { killGroup, platformPorts, spawnOne, stopChild } from '../../src/bench/isolated';
import { postgresBinDir, repoRoot } from '../../src/paths';
import type { PlatformProcess } from '../../src/platform';
import { isAlive, portOpen, run, sleep } from '../../src/proc';

/**
 * A second, private stack for the fault tests: its own Postgres cluster, Temporal server and
 * MinIO on other ports with their own data directory, so killing and restarting its servers
 * never disturbs the shared stack everyone else tests against.
 */
export const privateDataDir = path.join(repoRoot, '.data', 'faults');
const cluster = 'copyreg-faults';

export function privateStackEnv(portOffset = 10, platformOffset = 200): Record<string, string> {
  const base = loadConfig({});
  const pg = base.PG_PORT + portOffset;
  const temporal = Number(base.TEMPORAL_ADDRESS.split(':')[1]) + portOffset;
  const s3 = Number(new URL(base.S3_ENDPOINT).port) + 2 * portOffset;
  return {
    COPYREG_DATA_DIR: privateDataDir,
    PG_CLUSTER: cluster,
    PG_PORT: String(pg),
    DATABASE_URL: `postgres://copyreg:copyreg@127.0.0.1:${pg}/copyreg`,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_UI_PORT: String(base.TEMPORAL_UI_PORT + portOffset),
    TEMPORAL_UI_URL: `http://127.0.0.1:${base.TEMPORAL_UI_PORT + portOffset}`,
    S3_ENDPOINT: `http://127.0.0.1:${s3}`,
    MINIO_CONSOLE_PORT: String(s3 + 1),
    S3_BUCKET: 'copyreg',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    ...platformPorts(platformOffset),
  };
}

/** Runs the project's CLI (`up`, `down`) with the private stack's environment. */
export function cli(command: 'up' | 'down' | 'status' | 'reset', env: Record<string, string>) {
  // `reset` drops a Postgres cluster and deletes a data directory: only ever the private ones.
  if (command === 'reset' && (env.PG_CLUSTER !== cluster || env.COPYREG_DATA_DIR !== privateDataDir))
    throw new Error('refusing to reset anything but the private stack');
  const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/src/cli.ts', command], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`cli ${command} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function recorded(name: string): number | undefined {
  const file = path.join(privateDataDir, 'pids', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return pid > 0 ? pid : undefined;
}

/** Kills one of the private stack's servers (its process group) and waits until it is gone. */
export async function killServer(name: 'temporal' | 'minio', signal: NodeJS.Signals = 'SIGKILL') {
  const pid = recorded(name);
  if (!pid || !isAlive(pid)) throw new Error(`the private ${name} is not running (no live recorded pid)`);
  try {
    process.kill(-pid, signal);
  } catch {
    process.kill(pid, signal);
  }
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
}

/** Starts one part of the private stack again (after killServer). */
export function startServer(name: 'temporal' | 'minio', env: Record<string, string>) {
  const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/test/support/start-part.ts', name], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`starting the private ${name} failed:\n${r.stdout}${r.stderr}`);
}

/** Restarts the private Postgres cluster (fast shutdown: every connection is cut). */
export function restartPostgres() {
  const version = path.basename(path.dirname(postgresBinDir()));
  const r = run('pg_ctlcluster', [version, cluster, 'restart', '-m', 'fast']);
  if (!r.ok) throw new Error(`pg_ctlcluster restart failed:\n${r.out}`);
}

export async function waitForPort(port: number, open: boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await portOpen(port)) === open) return;
    await sleep(200);
  }
  throw new Error(`port ${port} still ${open ? 'closed' : 'open'} after ${timeoutMs} ms`);
}

export const privateConfig = (env: Record<string, string>): Config => loadConfig({ ...process.env, ...env });

/**
 * A platform process kept running the way a service manager would (systemd's Restart=always):
 * when it exits — killed, or unable to reach a server that is restarting — it is started again
 * after a second.
 */
export class Supervised {
  child: ChildProcess;
  restarts = 0;
  private stopped = false;

  constructor(
    private readonly process: PlatformProcess,
    private readonly env: Record<string, string>,
    private readonly logPrefix: string,
  ) {
    this.child = this.spawn();
  }

  private spawn(): ChildProcess {
    const child = spawnOne(this.process, this.env, this.logPrefix);
    child.once('exit', () => {
      if (this.stopped) return;
      setTimeout(() => {
        if (this.stopped) return;
        this.restarts++;
        this.child = this.spawn();
      }, 1000);
    });
    return child;
  }

  /** kill -9 (its whole process group); the supervisor starts it again. */
  kill9() {
    killGroup(this.child, 'SIGKILL');
  }

  async stop() {
    this.stopped = true;
    await stopChild(this.child);
  }
}
