import { randomUUID } from 'node:crypto';
import { temporalClient } from '@copyreg/kit';
import { type RegistrationInput, registrationWorkflowId, TaskQueue } from '@copyreg/proto';
import { SingleBar } from 'cli-progress';
import { sleep } from '../proc';
import { spawnOne, stopChild } from './isolated';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies, pool } from './stats';

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
  const worker = spawnOne(
    { name: 'stub-worker', script: 'infra/src/bench/stub-worker.ts' },
    { ...env, BENCH_MAX_CACHED: String(maxCached) },
    'bench-stub-worker',
  );
  const runId = randomUUID().slice(0, 8);
  const sampler = new Sampler(() => ({ ...ctx.stackGroups(), worker: [worker.pid as number] })).start();
  const latencies = new Latencies();
  const n = ctx.options.waiting;
  const bar = new SingleBar({ format: `  start [{bar}] {value}/{total}` });
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
  // Until every one waits on its first signer (the search attribute the workflow keeps).
  const query = `WaitingOn = "signer:1" AND ExecutionStatus = "Running"`;
  let waiting = 0;
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    waiting = (await client.workflow.count(query)).count;
    process.stdout.write(`\r  waiting on signer 1: ${waiting}/${n}   `);
    if (waiting >= n) break;
    await sleep(2000);
  }
  process.stdout.write('\n');
  const seconds = (performance.now() - start) / 1000;
  const processes = sampler.stop();
  await stopChild(worker);
  // Clean up: terminate what this run started.
  await pool(ids.length, 16, (i) =>
    client.workflow
      .getHandle(registrationWorkflowId(ids[i] as string))
      .terminate('benchmark finished')
      .then(() => {}),
  );
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    figures: {
      'registrations started': n,
      'seconds to start them': r1(started),
      'waiting on a signer at the end': waiting,
      'seconds until all wait': r1(seconds),
      maxCachedWorkflows: maxCached,
      'worker RSS peak MiB': processes.worker?.rssPeakMb ?? 0,
      'Temporal RSS peak MiB': processes.temporal?.rssPeakMb ?? 0,
    },
    latencies: latencies.summary(),
    processes,
  };
}
