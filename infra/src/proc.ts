import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { logDir, pidDir } from './paths';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a long-running process detached from us, logging to .data/logs/NAME.log; records its pid. */
export function spawnDetached(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const log = openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}`);
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

export const pidFile = (name: string) => path.join(pidDir, `${name}.pid`);

export function recordedPid(name: string): number | undefined {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the process this project started under NAME (by its recorded pid), and only that. */
export async function stopRecorded(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
  const pid = recordedPid(name);
  rmSync(pidFile(name), { force: true });
  if (!pid || !isAlive(pid)) return false;
  try {
    process.kill(-pid, signal); // its process group: the server and any helper it forked
  } catch {
    process.kill(pid, signal);
  }
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    // Still shutting down after 10 s: kill it, and return only once it is gone (its port free).
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) throw new Error(`${name} (pid ${pid}) survived SIGKILL`);
  }
  return true;
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls until the check passes, or fails with the log's tail after the deadline. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logName?: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  const tail = logName ? tailOf(logName) : '';
  throw new Error(
    `${what} did not answer within ${timeoutMs / 1000}s${tail ? `\n--- ${logName}.log ---\n${tail}` : ''}`,
  );
}

export function tailOf(logName: string, lines = 30): string {
  const file = path.join(logDir, `${logName}.log`);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Runs a command to completion; `stdout` alone for parsing, `out` with stderr for messages. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  // cwd '/': commands run as another user (runuser -u postgres) may not be able to enter ours.
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    cwd: '/',
    env: { ...process.env, ...opts.env },
    input: opts.input,
  });
  return { ok: r.status === 0, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}

export type { ChildProcess };
