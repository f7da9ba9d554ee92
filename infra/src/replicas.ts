import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '@copyreg/kit';
import { spawnOne, stopChild } from './bench/isolated';
import { dataDir } from './paths';
import { devPeerNames, type PlatformProcess, platformProcesses } from './platform';
import { httpOk, run, waitFor } from './proc';

/**
 * The platform as the cluster topology runs it: REPLICAS processes of each API behind HAProxy
 * (Debian's package), REPLICAS registration workers and REPLICAS documents workers, and one of
 * each development stand-in (and the portal). HAProxy listens on each API's own port, so the
 * portal, the workers, the gateway's notifications and every client reach the replicas without
 * knowing them; replica N (from 0) of an API listens on its port + 20 + 10·N (3001 → 3021, 3031).
 * Sessions, rate limits, idempotency keys and uploads live in Postgres and MinIO, so any replica
 * answers any request.
 */

/** The APIs that run as replicas: every platform process with a port setting. */
export const apiProcesses = platformProcesses.filter(
  (p): p is PlatformProcess & { portKey: keyof Config } => p.portKey !== undefined,
);
const workerNames = ['worker', 'documents-worker'];
const singleNames = devPeerNames;

export const replicaPort = (apiPort: number, replica: number) => apiPort + 20 + 10 * replica;
/** HAProxy's statistics page (CSV at `/;csv`): which replica is up and what each served. */
export const proxyStatsPort = (c: Config) => c.PORTAL_PORT + 20;

const haproxy = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

/** HAProxy's configuration: one frontend on each API's port, round robin over its replicas. */
export function proxyConfig(c: Config, replicas: number): string {
  const lines = [
    '# Rendered by infra/src/replicas.ts; see docs/deployment.md.',
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  option forwardfor',
    '  option httpchk GET /healthz',
    '  timeout connect 2s',
    '  timeout check 3s',
    // Longer than the slowest answer: a command waits up to its workflow deadline (30 s).
    '  timeout client 90s',
    '  timeout server 90s',
    // A connection refused (a replica just killed, not yet marked down) goes to the other replica;
    // nothing already sent is sent again: a request cut mid-answer is the client's to retry, with
    // its Idempotency-Key.
    '  retries 3',
    '  option redispatch 1',
    '  default-server check inter 1s fall 2 rise 2',
    'listen stats',
    `  bind 127.0.0.1:${proxyStatsPort(c)}`,
    '  stats enable',
    '  stats uri /',
  ];
  for (const p of apiProcesses) {
    const port = c[p.portKey] as number;
    lines.push(`frontend ${p.name}`, `  bind 127.0.0.1:${port}`, `  default_backend ${p.name}`);
    lines.push(`backend ${p.name}`, '  balance roundrobin');
    for (let i = 0; i < replicas; i++) lines.push(`  server ${p.name}-${i + 1} 127.0.0.1:${replicaPort(port, i)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One row of HAProxy's statistics per replica: its state and how many requests it served. */
export async function proxyStats(c: Config): Promise<{ server: string; status: string; requests: number }[]> {
  const csv = await (await fetch(`http://127.0.0.1:${proxyStatsPort(c)}/;csv`)).text();
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const col = (header ?? '').split(',');
  const at = (row: string[], name: string) => row[col.indexOf(name)] ?? '';
  return rows
    .map((r) => r.split(','))
    .filter((r) => !['FRONTEND', 'BACKEND'].includes(at(r, 'svname')) && at(r, 'pxname') !== 'stats')
    .map((r) => ({ server: at(r, 'svname'), status: at(r, 'status'), requests: Number(at(r, 'stot')) }));
}

export interface ReplicatedPlatform {
  /** Every process by name: `filing-1`, `filing-2`, `worker-1`, `documents-worker-2`, `proxy`, `dev-oidc`… */
  children: Map<string, ChildProcess>;
  stop(): Promise<void>;
}

const byName = (name: string) => {
  const p = platformProcesses.find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} in the platform list`);
  return p;
};

async function ready(name: string, child: ChildProcess, url: string, timeoutMs: number, logName: string) {
  await waitFor(
    name,
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited`);
      return httpOk(url);
    },
    timeoutMs,
    logName,
  );
}

/**
 * Starts the stand-ins (and the portal), REPLICAS of each API, HAProxy in front of them and
 * REPLICAS of each worker, with ENV (C is its configuration); waits until each answers. The
 * replicas start one round at a time: identity migrates its schema as it starts, and two
 * migrations at once would find knex's lock taken.
 */
export async function startReplicated(
  c: Config,
  env: Record<string, string>,
  opts: {
    logPrefix: string;
    replicas?: number;
    /** Workers of each kind (default: as many as replicas; the bench starts its own). */
    workers?: number;
    portal?: boolean;
    readyTimeoutMs?: number;
  },
): Promise<ReplicatedPlatform> {
  const replicas = opts.replicas ?? 2;
  const timeout = opts.readyTimeoutMs ?? 120_000;
  const children = new Map<string, ChildProcess>();
  const stop = async () => {
    // Workers and the proxy first, the APIs and stand-ins after.
    await Promise.all([...children.values()].reverse().map((child) => stopChild(child)));
  };
  try {
    await Promise.all(
      singleNames.map(async (name) => {
        const p = byName(name);
        const child = spawnOne(p, env, opts.logPrefix);
        children.set(name, child);
        if (p.health) await ready(name, child, p.health(c), timeout, `${opts.logPrefix}-${name}`);
      }),
    );
    for (let i = 0; i < replicas; i++) {
      const prefix = `${opts.logPrefix}-${i + 1}`;
      await Promise.all(
        apiProcesses.map(async (p) => {
          const port = replicaPort(c[p.portKey] as number, i);
          const child = spawnOne(p, { ...env, ...replicaEnv(c, env, p.portKey, port) }, prefix);
          children.set(`${p.name}-${i + 1}`, child);
          await ready(`${p.name}-${i + 1}`, child, `http://127.0.0.1:${port}/healthz`, timeout, `${prefix}-${p.name}`);
        }),
      );
    }
    children.set('proxy', await startProxy(c, replicas, opts.logPrefix));
    for (let i = 0; i < (opts.workers ?? replicas); i++)
      for (const name of workerNames)
        children.set(`${name}-${i + 1}`, spawnOne(byName(name), env, `${opts.logPrefix}-${i + 1}`));
    if (opts.portal) {
      const p = byName('portal');
      const child = spawnOne(p, env, opts.logPrefix);
      children.set('portal', child);
      if (p.health) await ready('portal', child, p.health(c), timeout, `${opts.logPrefix}-portal`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { children, stop };
}

/**
 * A replica listens on its own port; what it tells others to call comes through the proxy: the
 * payment gateway's notifications (by default built from PAYMENT_PORT) must reach any replica.
 */
function replicaEnv(c: Config, env: Record<string, string>, portKey: keyof Config, port: number) {
  const out: Record<string, string> = { [portKey]: String(port) };
  if (portKey === 'PAYMENT_PORT')
    out.PAYMENT_NOTIFY_URL =
      env.PAYMENT_NOTIFY_URL ??
      process.env.PAYMENT_NOTIFY_URL ??
      `http://127.0.0.1:${c.PAYMENT_PORT}/api/payment/gateway/alipay/notify`;
  return out;
}

/** HAProxy in the foreground (-db) as our child, its configuration checked first; waits until every API answers through it. */
async function startProxy(c: Config, replicas: number, logPrefix: string): Promise<ChildProcess> {
  const file = path.join(dataDir, `haproxy-${c.PORTAL_PORT}.cfg`);
  writeFileSync(file, proxyConfig(c, replicas));
  const check = run(haproxy, ['-c', '-q', '-f', file]);
  if (!check.ok) throw new Error(`haproxy refused ${file} (installed by infra/bin/bootstrap.sh?):\n${check.out}`);
  const child = spawnOne({ name: 'haproxy', script: '' }, {}, logPrefix, [haproxy, '-db', '-f', file]);
  await Promise.all(
    apiProcesses.map((p) =>
      ready(
        `${p.name} through the proxy`,
        child,
        `http://127.0.0.1:${c[p.portKey]}/healthz`,
        30_000,
        `${logPrefix}-haproxy`,
      ),
    ),
  );
  // Every replica passed its health check (2 in a row): none is skipped on the first requests.
  await waitFor(
    'every replica up in the proxy',
    async () => (await proxyStats(c)).every((s) => s.status === 'UP'),
    30_000,
    `${logPrefix}-haproxy`,
  );
  return child;
}
