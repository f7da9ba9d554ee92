import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { logDir } from '../paths';
import { sleep } from '../proc';
import { Flow, type Party, party, residentId } from './flow';
import { countHistories, historyTable } from './histories';
import type { BenchPlatform } from './platform';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies, pool } from './stats';

/** Waits until each worker's log says it started (bundling the workflow code takes a few seconds). */
export async function workersReady(n: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  const ready = () =>
    Array.from({ length: n }, (_, i) => path.join(logDir, `bench-worker-${i}-worker.log`)).every(
      (f) => existsSync(f) && readFileSync(f, 'utf8').includes('worker started'),
    );
  while (Date.now() < deadline && !ready()) await sleep(250);
}

/**
 * N registrations end to end through the HTTP APIs with bounded concurrency, with `workers`
 * worker processes (and as many documents workers) on the same task queues.
 */
export async function runEndToEnd(
  ctx: ScenarioContext,
  platform: BenchPlatform,
  workers: number,
  workerEnv: Record<string, string> = {},
  n = ctx.options.n,
): Promise<ScenarioResult> {
  const { concurrency } = ctx.options;
  const latencies = new Latencies();
  const flow = new Flow(platform.urls, latencies);
  // Parties: applicants with a complete profile (资料完善), two signers, two reviewers.
  const holders = [
    { name: '张三', idNumber: residentId(101) },
    { name: '李四', idNumber: residentId(202) },
  ];
  const signers = await Promise.all(holders.map((h) => party(ctx.db, h)));
  const initial = await party(ctx.db, { name: '初审员', roles: ['initial_reviewer'] });
  const final = await party(ctx.db, { name: '终审员', roles: ['final_reviewer'] });
  const applicants: Party[] = [];
  for (let i = 0; i < concurrency; i++) {
    const a = await party(ctx.db, { name: `申请人${i}`, idNumber: residentId(300 + i) });
    await flow.completeProfile(a, 300 + i);
    applicants.push(a);
  }
  latencies.byName.clear(); // setup calls are not part of the figures

  for (const child of platform.startWorkers(workers, workerEnv)) void child;
  await workersReady(workers);
  const sampler = new Sampler(() => ({ ...ctx.stackGroups(), ...platform.pids() })).start();
  const bar = new SingleBar({ format: `  ${workers} worker(s) [{bar}] {value}/{total} {eta}s  failed {failed}` });
  bar.start(n, 0, { failed: 0 });
  const errors: string[] = [];
  const filingIds: string[] = [];
  let done = 0;
  const start = performance.now();
  await pool(
    n,
    concurrency,
    async (i) => {
      filingIds.push(
        await flow.register({ applicant: applicants[i % concurrency] as Party, signers, holders, initial, final }, i),
      );
    },
    (ok, err) => {
      if (ok) done++;
      else errors.push((err as Error).message.slice(0, 300));
      bar.increment(1, { failed: errors.length });
    },
  );
  const seconds = (performance.now() - start) / 1000;
  bar.stop();
  const processes = sampler.stop();
  await platform.stopWorkers();
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const failed = errors.length;
  // Orchestration per registration, from the histories of the registrations that completed.
  const histories = await countHistories(ctx.config, filingIds, platform.connection).catch((err: Error) => {
    errors.push(`counting histories: ${err.message}`);
    return undefined;
  });
  return {
    figures: {
      'registrations completed': done,
      'registrations failed': failed,
      seconds: r2(seconds),
      'registrations completed per second': r2(done / seconds),
      ...(histories ? historyTable(histories) : {}),
    },
    ratios: { 'registrations completed per second': 'documents' },
    latencies: latencies.summary(),
    processes,
    errors,
  };
}

/**
 * One worker process end to end with 1, 2 and 4 documents slots (half the registrations of the
 * e2e scenario each): rendering and signing are synchronous CPU work, so slots beyond the cores
 * only queue on the documents worker's event loop.
 */
export async function runDocumentSlots(ctx: ScenarioContext, platform: BenchPlatform): Promise<ScenarioResult> {
  const figures: Record<string, number> = {};
  const processes: ScenarioResult['processes'] = {};
  const errors: string[] = [];
  const n = Math.max(4, Math.round(ctx.options.n / 2));
  for (const slots of [1, 2, 4]) {
    console.log(`  DOCUMENTS_ACTIVITY_SLOTS=${slots}`);
    const r = await runEndToEnd(ctx, platform, 1, { DOCUMENTS_ACTIVITY_SLOTS: String(slots) }, n);
    const f = r.figures ?? {};
    figures[`${slots} slot(s): registrations completed per second`] = f['registrations completed per second'] ?? 0;
    figures[`${slots} slot(s): registrations failed`] = f['registrations failed'] ?? 0;
    const confirm = r.latencies?.['POST /api/signature/links/:token/placements/:id/confirm'];
    if (confirm) figures[`${slots} slot(s): signature confirm p50 ms`] = confirm.p50;
    const docs = r.processes?.['documents-worker'];
    if (docs) processes[`documents-worker (${slots} slots)`] = docs;
    errors.push(...(r.errors ?? []));
  }
  return {
    figures,
    ratios: Object.fromEntries(
      Object.keys(figures)
        .filter((k) => k.endsWith('per second'))
        .map((k) => [k, 'documents']),
    ),
    processes,
    errors,
  };
}
