import { randomUUID } from 'node:crypto';
import { temporalClient } from '@copyreg/kit';
import { type RegistrationInput, registrationWorkflowId, TaskQueue } from '@copyreg/proto';
import type { Client } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import { sleep } from '../proc';
import { spawnOne, stopChild } from './isolated';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies, pool } from './stats';

export const stubWorker = { name: 'stub-worker', script: 'infra/src/bench/stub-worker.ts' };

/**
 * `waiting` registrations started at once with the Temporal client (no HTTP: the count is the
 * point), each waiting on its first signer; the worker's memory must stay bounded by
 * `maxCachedWorkflows`. Activities are instant (see stub-worker.ts). Terminated afterwards.
 */
export async function runWaiting(
  ctx: ScenarioContext,
  env: Record<string, string>,
  maxCached: number,
): Promise<ScenarioResult> {
  const client = await temporalClient();
  const worker = spawnOne(stubWorker, { ...env, WORKER_MAX_CACHED_WORKFLOWS: String(maxCached) }, 'bench-stub-worker');
  const sampler = new Sampler(() => ({ ...ctx.stackGroups(), worker: [worker.pid as number] })).start();
  const latencies = new Latencies();
  const n = ctx.options.waiting;
  const run = await startWaiting(client, n, latencies);
  const processes = sampler.stop();
  await stopChild(worker);
  await terminateAll(client, run.ids);
  return {
    figures: {
      'registrations started': n,
      'starts per second': run.startsPerSecond,
      'waiting on a signer at the end': run.waiting,
      'seconds until all wait': run.secondsUntilAllWait,
      'reached their first signer per second': run.reachedPerSecond,
      maxCachedWorkflows: maxCached,
      'worker RSS peak MiB': processes.worker?.rssPeakMb ?? 0,
      'Temporal RSS peak MiB': processes.temporal?.rssPeakMb ?? 0,
    },
    latencies: latencies.summary(),
    processes,
  };
}

export interface WaitingRun {
  ids: string[];
  startsPerSecond: number;
  waiting: number;
  /** Until all waited, or until the deadline if not all did. */
  secondsUntilAllWait: number;
  /** Registrations that reached their first signer, per second from the first start. */
  reachedPerSecond: number;
}

/** Starts N registrations (16 at a time) and waits until each waits on its first signer (or the deadline). */
export async function startWaiting(
  client: Client,
  n: number,
  latencies: Latencies,
  deadlineMs = 15 * 60_000,
): Promise<WaitingRun> {
  const runId = randomUUID().slice(0, 8);
  const bar = new SingleBar({ format: `  start [{bar}] {value}/{total} {eta}s` });
  bar.start(n, 0);
  const ids: string[] = [];
  const start = performance.now();
  await pool(n, 16, async (i) => {
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
    await latencies.time('start workflow', () =>
      client.workflow.start('registrationWorkflow', {
        taskQueue: TaskQueue.registration,
        workflowId: registrationWorkflowId(filingId),
        args: [input],
        memo: { bench: runId, i },
      }),
    );
    ids.push(filingId);
    bar.increment();
  });
  bar.stop();
  const started = (performance.now() - start) / 1000;
  // Until every one waits on its first signer (the search attribute the workflow keeps), or the deadline.
  const query = `WaitingOn = "signer:1" AND ExecutionStatus = "Running"`;
  const waitBar = new SingleBar({ format: `  waiting on signer 1 [{bar}] {value}/{total}` });
  waitBar.start(n, 0);
  let waiting = 0;
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    waiting = (await client.workflow.count(query)).count;
    waitBar.update(waiting);
    if (waiting >= n) break;
    await sleep(1000);
  }
  waitBar.stop();
  const seconds = (performance.now() - start) / 1000;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    ids,
    startsPerSecond: r1(n / started),
    waiting,
    secondsUntilAllWait: r1(seconds),
    reachedPerSecond: r1(waiting / seconds),
  };
}

export async function terminateAll(client: Client, filingIds: string[]) {
  await pool(filingIds.length, 16, (i) =>
    client.workflow
      .getHandle(registrationWorkflowId(filingIds[i] as string))
      .terminate('benchmark finished')
      .then(
        () => {},
        () => {},
      ),
  );
}
