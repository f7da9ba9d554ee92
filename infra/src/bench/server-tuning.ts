import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@copyreg/kit';
import { Client, Connection } from '@temporalio/client';
import { dataDir, logDir, tools } from '../paths';
import { waitFor } from '../proc';
import { temporalDevServerArgs } from '../stack';
import { killGroup, spawnOne, stopChild } from './isolated';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies } from './stats';
import { startWaiting, stubWorker, terminateAll } from './waiting';

/**
 * The Temporal dev server's SQLite pragmas (WAL, synchronous=OFF) on and off: each variant on a
 * private server of its own (port 7293, a fresh SQLite file) so the shared one is not restarted,
 * with the stub worker, measured by how fast `n` registrations start and reach their first
 * signer (within two minutes). The write path of the server is what the pragmas change.
 */
export async function runServerTuning(ctx: ScenarioContext, n: number): Promise<ScenarioResult> {
  const figures: Record<string, number> = {};
  const latencies: Record<string, ReturnType<Latencies['summary']>[string]> = {};
  const processes: ScenarioResult['processes'] = {};
  for (const pragmas of [true, false]) {
    const label = pragmas ? 'pragmas on' : 'pragmas off';
    console.log(`  private Temporal server, ${label}`);
    const r = await onPrivateServer(ctx, n, pragmas);
    figures[`${label}: starts per second`] = r.startsPerSecond;
    figures[`${label}: reached their first signer per second`] = r.reachedPerSecond;
    figures[`${label}: waiting after ${r.secondsUntilAllWait} s`] = r.waiting;
    figures[`${label}: Temporal CPU s`] = r.processes.temporal?.cpuSeconds ?? 0;
    for (const [call, l] of Object.entries(r.latencies)) latencies[`${call} (${label})`] = l;
    for (const [p, g] of Object.entries(r.processes)) processes[`${p} (${label})`] = g;
  }
  return { figures, latencies, processes };
}

async function onPrivateServer(ctx: ScenarioContext, n: number, pragmas: boolean) {
  const address = '127.0.0.1:7293';
  const c = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_UI_PORT: '8293',
    TEMPORAL_NAMESPACE: 'default',
  });
  const dir = path.join(dataDir, 'bench-temporal');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `bench-temporal-${pragmas ? 'pragmas' : 'plain'}.log`));
  const server = spawn(tools.temporal, temporalDevServerArgs(c, path.join(dir, 'temporal.sqlite'), pragmas), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  await waitFor(
    `private Temporal on ${address}`,
    async () => {
      const probe = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await probe.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      } finally {
        await probe.close();
      }
    },
    60_000,
  );
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const worker = spawnOne(
    stubWorker,
    { ...ctx.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
    `bench-stub-worker-${pragmas ? 'pragmas' : 'plain'}`,
  );
  const sampler = new Sampler(() => ({
    bench: [process.pid],
    temporal: [server.pid as number],
    worker: [worker.pid as number],
  })).start();
  const latencies = new Latencies();
  try {
    // Two minutes at most a variant: the rate, not the total, is the figure.
    const run = await startWaiting(client, n, latencies, 120_000);
    const processed = sampler.stop();
    await terminateAll(client, run.ids);
    return { ...run, latencies: latencies.summary(), processes: processed };
  } finally {
    await stopChild(worker);
    await connection.close();
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      killGroup(server, 'SIGTERM');
      setTimeout(() => killGroup(server, 'SIGKILL'), 10_000).unref();
    });
    rmSync(dir, { recursive: true, force: true });
  }
}
