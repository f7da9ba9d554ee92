import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, loadConfig } from '@copyreg/kit';
import { killGroup, privateStackEnvironment, spawnOne, stopChild } from '../../src/bench/isolated';
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

export const privateStackEnv = (portOffset = 10, platformOffset = 200) =>
  privateStackEnvironment('faults', portOffset, platformOffset);

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

/** The ports a private server listens on (all must close before it counts as gone). */
export function serverPorts(name: 'temporal' | 'minio', c: Config): number[] {
  if (name === 'temporal') return [Number(c.TEMPORAL_ADDRESS.split(':')[1]), c.TEMPORAL_UI_PORT];
  return [Number(new URL(c.S3_ENDPOINT).port), c.MINIO_CONSOLE_PORT];
}

/** Every port the private stack and its platform processes use. */
export function privatePorts(c: Config): number[] {
  return [
    c.PG_PORT,
    ...serverPorts('temporal', c),
    ...serverPorts('minio', c),
    c.PORTAL_PORT,
    c.IDENTITY_PORT,
    c.FILING_PORT,
    c.SIGNATURE_PORT,
    c.PAYMENT_PORT,
    c.CERTIFICATE_PORT,
    c.DEV_OIDC_PORT,
    c.DEV_GATEWAY_PORT,
    c.MAIL_WEB_PORT,
    c.DEV_CSC_PORT,
    c.SMTP_PORT,
  ];
}

/**
 * Refuses to go on when anything listens on these ports: a process left by an earlier run would
 * otherwise answer the health checks of the servers the test starts (old code, other data).
 */
export async function assertPortsFree(ports: number[]) {
  const taken: string[] = [];
  for (const port of ports)
    if (await portOpen(port)) taken.push(`${port} (pid ${listenerPids(port).join(', ') || '?'})`);
  if (taken.length)
    throw new Error(`ports of the private stack already taken: ${taken.join('; ')}; stop those processes`);
}

/** The pids listening on a loopback TCP port (from `ss`). */
export function listenerPids(port: number): number[] {
  const r = run('ss', ['-Hltnp', `sport = :${port}`]);
  return [...r.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

/** The process group of a pid (field 5 of /proc/PID/stat), or undefined when it is gone. */
export function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/**
 * Kills one of the private stack's servers (its process group) with SIGNAL, escalates to SIGKILL
 * after 10 s, and returns only once the process is gone and its ports are closed: a server still
 * shutting down must not answer the health check of the one started next.
 */
export async function killServer(name: 'temporal' | 'minio', c: Config, signal: NodeJS.Signals = 'SIGKILL') {
  const pid = recorded(name);
  if (!pid || !isAlive(pid)) throw new Error(`the private ${name} is not running (no live recorded pid)`);
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      if (isAlive(pid)) process.kill(pid, sig);
    }
  };
  kill(signal);
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    console.warn(`private ${name} did not stop within 10 s of ${signal}: SIGKILL`);
    kill('SIGKILL');
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) throw new Error(`the private ${name} (pid ${pid}) survived SIGKILL for 10 s`);
  }
  for (const port of serverPorts(name, c)) await waitForPort(port, false);
}

/**
 * Starts one part of the private stack again (after killServer) and waits until the process it
 * started answers. Refuses when its port is taken. Asynchronous, so the registrations in flight
 * keep running meanwhile.
 */
export async function startServer(name: 'temporal' | 'minio', env: Record<string, string>) {
  const r = await runAsync(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    ['infra/test/support/start-part.ts', name],
    env,
    120_000,
  );
  if (r.code !== 0) throw new Error(`starting the private ${name} failed:\n${r.out}`);
}

const pgVersion = () => path.basename(path.dirname(postgresBinDir()));

/** Stops the private Postgres cluster (fast shutdown: every connection is cut) and waits for its port to close. */
export async function stopPostgres(c: Config) {
  const r = await runAsync('pg_ctlcluster', [pgVersion(), cluster, 'stop', '-m', 'fast'], {}, 60_000);
  if (r.code !== 0) throw new Error(`pg_ctlcluster stop failed:\n${r.out}`);
  await waitForPort(c.PG_PORT, false);
}

/** Starts the private Postgres cluster again and waits until it accepts connections. */
export async function startPostgres(c: Config) {
  const r = await runAsync('pg_ctlcluster', [pgVersion(), cluster, 'start'], {}, 120_000);
  if (r.code !== 0) throw new Error(`pg_ctlcluster start failed:\n${r.out}`);
  await waitForPort(c.PG_PORT, true, 60_000);
}

/** A command run to completion without blocking the event loop; killed after TIMEOUTMS. */
function runAsync(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (b) => {
      out += b;
    });
    child.stderr?.on('data', (b) => {
      out += b;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

export async function waitForPort(port: number, open: boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await portOpen(port)) === open) return;
    await sleep(200);
  }
  throw new Error(`port ${port} still ${open ? 'closed' : 'open'} after ${timeoutMs} ms`);
}

/** Settles with PROMISE, or fails with MESSAGE after MS; the timer never outlives the wait. */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
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
