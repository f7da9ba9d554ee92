import type { ChildProcess } from 'node:child_process';
import type { Config } from '@copyreg/kit';
import type { ConnectionOptions } from '@temporalio/client';
import { devPeerNames, platformProcesses } from '../platform';
import type { FlowUrls } from './flow';
import { spawnOne, spawnPlatform, stopChild } from './isolated';

/**
 * The platform the benchmark drives: every service and development peer once, on the bench's
 * own database, bucket, namespace and ports; workers started and stopped per scenario, so one
 * and two worker processes on the same task queues can be compared.
 */
export interface BenchPlatform {
  urls: FlowUrls;
  /** Services that did not start, with why. */
  failed: Record<string, string>;
  missing: string[];
  /** How to reach its Temporal when not plainly at TEMPORAL_ADDRESS (the cluster's mutual TLS). */
  connection?: ConnectionOptions;
  pids(): Record<string, number[]>;
  startWorkers(n: number, extraEnv?: Record<string, string>): ChildProcess[];
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

const services = ['identity', 'filing', 'signature', 'payment', 'certificate'];
const peers = devPeerNames;

export async function startBenchPlatform(c: Config, env: Record<string, string>): Promise<BenchPlatform> {
  const running = await spawnPlatform([...services, ...peers], env, 'bench');
  const pidsOf = (names: string[]) =>
    running.spawned.filter((s) => names.includes(s.name)).map((s) => s.child.pid as number);
  return benchPlatform(c, env, {
    failed: running.failed,
    missing: running.missing,
    groups: () => ({ services: pidsOf(services), peers: pidsOf(peers) }),
    stop: running.stop,
  });
}

/** The bench's view of a running platform: its URLs and processes; workers started per scenario. */
export function benchPlatform(
  c: Config,
  env: Record<string, string>,
  running: Pick<BenchPlatform, 'failed' | 'missing' | 'connection' | 'stop'> & {
    groups: () => Record<string, number[]>;
  },
): BenchPlatform {
  let workers: { name: string; child: ChildProcess }[] = [];
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => stopChild(w.child)));
    workers = [];
  };
  return {
    urls: {
      identity: url(c.IDENTITY_PORT),
      filing: url(c.FILING_PORT),
      signature: url(c.SIGNATURE_PORT),
      payment: url(c.PAYMENT_PORT),
      certificate: url(c.CERTIFICATE_PORT),
      gateway: url(c.DEV_GATEWAY_PORT),
    },
    failed: running.failed,
    missing: running.missing,
    ...(running.connection ? { connection: running.connection } : {}),
    pids() {
      const out = running.groups();
      for (const w of workers) out[w.name] = [...(out[w.name] ?? []), w.child.pid as number];
      return out;
    },
    startWorkers(n, extraEnv = {}) {
      for (const name of ['worker', 'documents-worker']) {
        const p = platformProcesses.find((x) => x.name === name);
        if (!p) continue;
        for (let i = 0; i < n; i++)
          workers.push({
            name: n > 1 ? `${name} ×${n}` : name,
            child: spawnOne(p, { ...env, ...extraEnv }, `bench-${name}-${i}`),
          });
      }
      return workers.map((w) => w.child);
    },
    stopWorkers,
    async stop() {
      await stopWorkers();
      await running.stop();
    },
  };
}
