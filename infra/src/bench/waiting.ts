import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workflowBundle } from '@copyreg/activities/worker';
import { loadConfig, temporalDataConverter } from '@copyreg/kit';
import { type RegistrationInput, registrationWorkflowId, TaskQueue } from '@copyreg/proto';
import { Client, Connection } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import { dataDir, logDir, tools } from '../paths';
import { sleep, waitFor } from '../proc';
import { temporalDevServerArgs } from '../stack';
import { killGroup, spawnOne, stopChild } from './isolated';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies, pool } from './stats';

const stubWorker = { name: 'stub-worker', script: 'infra/src/bench/stub-worker.ts' };

/**
 * `waiting` registrations started at once with the Temporal client (no HTTP: the count is the
 * point), each waiting on its first signer; the worker's memory must stay bounded by
 * `maxCachedWorkflows`. Activities are instant (see stub-worker.ts). On a private Temporal
 * server, so ten thousand histories never slow the shared one down.
 */
export async function runWaiting(ctx: ScenarioContext, maxCached: number): Promise<ScenarioResult> {
  const n = ctx.options.waiting;
  const run = await onPrivateServer(ctx, { n, pragmas: true, maxCached, deadlineMs: 60 * 60_000 });
  return {
    figures: {
      'registrations started': run.started,
      'starts refused or timed out': run.failed,
      'waiting on a signer at the end': run.waiting,
      'seconds until all wait': run.secondsUntilAllWait,
      'reached their first signer per second': run.reachedPerSecond,
      maxCachedWorkflows: maxCached,
      'worker RSS peak MiB': run.processes.worker?.rssPeakMb ?? 0,
      'worker RSS end MiB': run.processes.worker?.rssEndMb ?? 0,
      'worker process alone: RSS idle MiB': run.memory.rssIdle,
      'worker process alone: RSS peak MiB': run.memory.rssPeak,
      'worker process alone: RSS end MiB': run.memory.rssEnd,
      'worker process alone: KiB per waiting registration above idle': run.memory.kibPerWaiting,
      'worker main thread: V8 heap peak MiB': run.memory.heapPeak,
      'Temporal RSS peak MiB': run.processes.temporal?.rssPeakMb ?? 0,
    },
    latencies: run.latencies,
    processes: run.processes,
  };
}

/**
 * The Temporal dev server's SQLite pragmas (WAL, synchronous=OFF) on and off, each on a fresh
 * private server, measured by how fast `n` registrations start and reach their first signer
 * (within two minutes): the server's write path is what the pragmas change.
 */
export async function runServerTuning(ctx: ScenarioContext, n: number): Promise<ScenarioResult> {
  const figures: Record<string, number> = {};
  const latencies: ScenarioResult['latencies'] = {};
  const processes: ScenarioResult['processes'] = {};
  for (const pragmas of [true, false]) {
    const label = pragmas ? 'pragmas on' : 'pragmas off';
    console.log(`  private Temporal server, ${label}`);
    const r = await onPrivateServer(ctx, { n, pragmas, maxCached: 1000, deadlineMs: 120_000 });
    figures[`${label}: start p50 ms`] = r.latencies['start workflow']?.p50 ?? 0;
    figures[`${label}: starts refused or timed out`] = r.failed;
    figures[`${label}: reached their first signer per second`] = r.reachedPerSecond;
    figures[`${label}: waiting after ${r.secondsUntilAllWait} s`] = r.waiting;
    figures[`${label}: Temporal CPU s`] = r.processes.temporal?.cpuSeconds ?? 0;
    for (const [call, l] of Object.entries(r.latencies)) latencies[`${call} (${label})`] = l;
    for (const [p, g] of Object.entries(r.processes)) processes[`${p} (${label})`] = g;
  }
  return { figures, latencies, processes };
}

/**
 * A Temporal dev server of the benchmark's own (port 7293, a fresh SQLite file, deleted
 * afterwards) with the stub worker: starts the registrations and waits for them to wait.
 */
async function onPrivateServer(
  ctx: ScenarioContext,
  o: { n: number; pragmas: boolean; maxCached: number; deadlineMs: number },
) {
  const address = '127.0.0.1:7293';
  const c = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_UI_PORT: '8293',
    TEMPORAL_NAMESPACE: 'default',
  });
  const dir = path.join(dataDir, 'bench-temporal');
  const tag = o.pragmas ? 'pragmas' : 'plain';
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `bench-temporal-${tag}.log`));
  const server = spawn(tools.temporal, temporalDevServerArgs(c, path.join(dir, 'temporal.sqlite'), o.pragmas), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  let connection: Connection | undefined;
  let worker: ChildProcess | undefined;
  try {
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
    connection = await Connection.connect({ address });
    // Bundled here, as the production build prebuilds it: the worker's memory is then its own, without webpack's.
    const bundleFile = path.join(dir, 'workflow-bundle.js');
    const memoryFile = path.join(dir, 'worker-memory.jsonl');
    writeFileSync(bundleFile, (await workflowBundle()).code);
    // The stub worker encrypts with the same keyring (the development key on loopback).
    const client = new Client({ connection, namespace: 'default', dataConverter: temporalDataConverter(c) });
    worker = spawnOne(
      stubWorker,
      {
        ...ctx.env,
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: 'default',
        WORKER_MAX_CACHED_WORKFLOWS: String(o.maxCached),
        BENCH_WORKFLOW_BUNDLE: bundleFile,
        BENCH_MEMORY_FILE: memoryFile,
      },
      `bench-stub-worker-${tag}`,
    );
    const pids = { temporal: [server.pid as number], worker: [worker.pid as number] };
    const sampler = new Sampler(() => ({ bench: [process.pid], ...pids })).start();
    const latencies = new Latencies();
    const run = await startWaiting(client, o.n, latencies, o.deadlineMs);
    const processes = sampler.stop();
    return { ...run, latencies: latencies.summary(), processes, memory: workerMemory(memoryFile, run.waiting) };
  } finally {
    if (worker) await stopChild(worker);
    await connection?.close();
    // The server and its histories go together: nothing to terminate one by one.
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once('exit', () => resolve());
      killGroup(server, 'SIGTERM');
      setTimeout(() => killGroup(server, 'SIGKILL'), 10_000).unref();
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stub worker's own memory lines (stub-worker.ts): idle (its first line), peaks, end. */
function workerMemory(file: string, waiting: number) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  const rows = lines.filter(Boolean).map((l) => JSON.parse(l) as { rss: number; heapUsed: number });
  const rss = rows.map((r) => r.rss);
  const rssIdle = rss[0] ?? 0;
  const rssEnd = rss.at(-1) ?? 0;
  return {
    rssIdle,
    rssPeak: Math.max(0, ...rss),
    rssEnd,
    kibPerWaiting: waiting ? Math.round(((rssEnd - rssIdle) * 1024) / waiting) : 0,
    heapPeak: Math.max(0, ...rows.map((r) => r.heapUsed)),
  };
}

export interface WaitingRun {
  /** How many were started (fewer than asked if the deadline came first). */
  started: number;
  /** Starts the server refused or timed out (retried in a later batch). */
  failed: number;
  waiting: number;
  /** Until all waited, or until the deadline if not all did. */
  secondsUntilAllWait: number;
  /** Registrations that reached their first signer, per second from the first start. */
  reachedPerSecond: number;
}

/**
 * Starts N registrations (8 at a time) and waits until each waits on its first signer (or the
 * deadline). Starts are paced so that at most WINDOW are on their way at once: offices see
 * registrations arrive, not ten thousand in a second, and a burst far beyond the worker's cache
 * only measures cache eviction (every workflow task replaying its history from the start).
 */
export async function startWaiting(
  client: Client,
  n: number,
  latencies: Latencies,
  deadlineMs: number,
  window = 250,
): Promise<WaitingRun> {
  const runId = randomUUID().slice(0, 8);
  // Waiting on its first signer: the search attribute the workflow keeps.
  const query = `WaitingOn = "signer:1" AND ExecutionStatus = "Running"`;
  const bar = new SingleBar({ format: `  waiting on signer 1 [{bar}] {value}/{total} {eta}s` });
  bar.start(n, 0);
  let started = 0;
  let failed = 0;
  let waiting = 0;
  const begin = performance.now();
  const deadline = Date.now() + deadlineMs;
  while (waiting < n && started + failed < 2 * n && Date.now() < deadline) {
    const batch = Math.min(window - (started - waiting), n - started);
    if (batch >= Math.min(50, n - started) && batch > 0) {
      await pool(batch, 8, async (i) => {
        const filingId = randomUUID();
        const input: RegistrationInput = {
          filingId,
          versionNo: 1,
          applicantId: randomUUID(),
          region: '330106',
          workType: 'photography',
          signers: [
            { signerId: randomUUID(), kind: 'holder' },
            { signerId: randomUUID(), kind: 'holder' },
          ],
          documentsTaskQueue: TaskQueue.registration,
        };
        try {
          await latencies.time('start workflow', () =>
            client.workflow.start('registrationWorkflow', {
              taskQueue: TaskQueue.registration,
              workflowId: registrationWorkflowId(filingId),
              args: [input],
              memo: { bench: runId, i: started + i },
            }),
          );
          started++;
        } catch {
          failed++; // an overloaded server times out; the figure says how often
        }
      });
    } else await sleep(250);
    waiting = (await client.workflow.count(query)).count;
    bar.update(waiting);
  }
  bar.stop();
  const seconds = (performance.now() - begin) / 1000;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { started, failed, waiting, secondsUntilAllWait: r1(seconds), reachedPerSecond: r1(waiting / seconds) };
}
