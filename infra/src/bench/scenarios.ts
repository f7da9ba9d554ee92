import type { Config } from '@copyreg/kit';
import type { Knex } from 'knex';
import { runBundle } from './bundle';
import { runClusterEndToEnd } from './cluster';
import { runDocumentSlots, runEndToEnd } from './e2e';
import { runListPages } from './list';
import type { BenchPlatform } from './platform';
import { runRegistrySearch } from './registry';
import type { ScenarioResult } from './report';
import { runServerTuning, runWaiting } from './waiting';

export interface ScenarioContext {
  config: Config;
  db: Knex;
  options: { n: number; concurrency: number; waiting: number; rows: number; serverN: number };
  stackGroups: () => Record<string, number[]>;
  /** The services, started on first use and shared by the scenarios. */
  platform: () => Promise<BenchPlatform>;
  /** The bench's environment (database, bucket, namespace, ports) for processes it starts. */
  env: Record<string, string>;
}

export interface Scenario {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
  tuning?: { change: string; effect: string }[];
}

/** Why a scenario cannot run on this platform: a service it needs did not start. */
async function platformProblem(ctx: ScenarioContext): Promise<string | undefined> {
  const p = await ctx.platform();
  const down = [...p.missing, ...Object.keys(p.failed)];
  return down.length ? `services not running: ${down.join(', ')} (see .data/logs/bench-*.log)` : undefined;
}

/** Every scenario, in the order a run takes them. */
export const scenarios: Scenario[] = [
  {
    name: 'bundle',
    title: 'Workflow bundle (bundled once per worker process)',
    run: () => runBundle(),
    tuning: [
      {
        change: 'bundle the workflow code once per process (bundleWorkflowCode, reused by every worker in it)',
        effect: 'saves the "bundle seconds" above on every further worker start in the process; see the bundle table',
      },
    ],
  },
  {
    name: 'e2e',
    title: 'End to end through the HTTP APIs — one worker process',
    async run(ctx) {
      const problem = await platformProblem(ctx);
      return problem ? { skipped: problem } : runEndToEnd(ctx, await ctx.platform(), 1);
    },
  },
  {
    name: 'e2e2',
    title: 'End to end through the HTTP APIs — two worker processes on the same task queues',
    async run(ctx) {
      const problem = await platformProblem(ctx);
      return problem ? { skipped: problem } : runEndToEnd(ctx, await ctx.platform(), 2);
    },
  },
  {
    name: 'cluster',
    title:
      'End to end on the cluster topology — Temporal cluster on PostgreSQL (mTLS), two replicas of each API behind HAProxy, two worker processes',
    run: (ctx) => runClusterEndToEnd(ctx),
  },
  {
    name: 'waiting',
    title: 'Registrations waiting on a signer at once (worker cache bounded by maxCachedWorkflows)',
    run: (ctx) => runWaiting(ctx, ctx.config.WORKER_MAX_CACHED_WORKFLOWS),
    // Measured 2026-11-30 with 1,000 waiting on a shared machine (docs/benchmarks.md, issue 15).
    tuning: [
      {
        change: 'the waiting worker loads a prebuilt workflow bundle, as production does (no webpack in the worker)',
        effect: 'worker RSS peak 784 → 587 MiB with maxCachedWorkflows 500 and 1,000 waiting',
      },
      {
        change: 'WORKER_MAX_CACHED_WORKFLOWS 1000 → 100 (the bench used 500)',
        effect:
          'worker process RSS at the end 427 → 300 MiB (idle 297), peak 525 → 413 MiB: about 0.2 MiB per cached registration',
      },
      {
        change:
          'NODE_OPTIONS=--max-semi-space-size=1 for the worker (in infra/src/platform.ts and the deployment command)',
        effect: 'worker process RSS idle 297 → 252 MiB, peak 413 → 364 MiB, CPU 31.9 → 32.1 s',
      },
    ],
  },
  {
    name: 'pragmas',
    title: 'Temporal dev server SQLite pragmas on and off (a private server each)',
    run: (ctx) => runServerTuning(ctx, ctx.options.serverN),
  },
  {
    name: 'docslots',
    title: 'Documents worker slots (DOCUMENTS_ACTIVITY_SLOTS) end to end',
    async run(ctx) {
      const problem = await platformProblem(ctx);
      return problem ? { skipped: problem } : runDocumentSlots(ctx, await ctx.platform());
    },
  },
  {
    name: 'list',
    title: 'List pages with a million registrations in the filing read model',
    async run(ctx) {
      const p = await ctx.platform();
      return p.failed.filing || p.missing.includes('filing')
        ? { skipped: 'the filing service is not running' }
        : runListPages(ctx);
    },
  },
  {
    name: 'registry',
    title: '登记公告 search pages over a million certified registrations (target p99 ≤ 100 ms)',
    async run(ctx) {
      const p = await ctx.platform();
      return p.failed.filing || p.missing.includes('filing')
        ? { skipped: 'the filing service is not running' }
        : runRegistrySearch(ctx);
    },
  },
];
