import { parseArgs } from 'node:util';
import { createDb, loadConfig } from '@copyreg/kit';
import { documentsBaseline, postgresBaseline } from './baseline';
import { prepareBenchStack } from './env';
import { ensureNamespace, isolatedEnvironment } from './isolated';
import { type BenchPlatform, startBenchPlatform } from './platform';
import { type BenchResult, machine, mergeWithLatest, type ScenarioResult, writeResult } from './report';
import { pidByCommand, postgresPid, Sampler } from './sampler';
import { scenarios } from './scenarios';

/**
 * `npm run bench [-- options]`: baselines, then the scenarios, then bench-results/*.json and
 * docs/benchmarks.md. Defaults finish in a few minutes on 2 cores.
 */
const { values: o } = parseArgs({
  options: {
    n: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    'documents-n': { type: 'string', default: '20' },
    'postgres-n': { type: 'string', default: '1000' },
    waiting: { type: 'string', default: '10000' },
    rows: { type: 'string', default: '1000000' },
    'server-n': { type: 'string', default: '1000' },
    only: { type: 'string' },
    note: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log(`npm run bench -- [--n 40] [--concurrency 8] [--documents-n 20] [--postgres-n 1000]
                   [--waiting 10000] [--rows 1000000] [--server-n 1000]
                   [--only baselines,bundle,e2e,e2e2,cluster,waiting,pragmas,docslots,list,registry]
                   [--note "what a reader must know about this run"]`);
  process.exit(0);
}
const options = {
  n: Number(o.n),
  concurrency: Number(o.concurrency),
  documentsN: Number(o['documents-n']),
  postgresN: Number(o['postgres-n']),
  waiting: Number(o.waiting),
  rows: Number(o.rows),
  serverN: Number(o['server-n']),
  only: o.only ? o.only.split(',') : undefined,
};
const wanted = (name: string) => !options.only || options.only.includes(name);

// Its own database, bucket, Temporal namespace and ports (3401…), on the shared servers.
const env = isolatedEnvironment('bench', 400);
Object.assign(process.env, env);
console.log(`bench database ${new URL(env.DATABASE_URL as string).pathname.slice(1)}, bucket ${env.S3_BUCKET}`);
const c = loadConfig();
const migrationProblem = await prepareBenchStack(c);
if (migrationProblem) console.log(`  migration failed (scenarios needing it will say so): ${migrationProblem}`);
await ensureNamespace(c);
let platform: Promise<BenchPlatform> | undefined;
// Ctrl-C stops the processes the run started, then exits.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the bench platform`);
    void Promise.resolve(platform)
      .then((p) => p?.stop())
      .finally(() => process.exit(130));
  });
const startedPlatform = () => {
  platform ??= startBenchPlatform(c, env);
  return platform;
};
const db = createDb(c.DATABASE_URL, { min: 0, max: Math.max(4, options.concurrency) });

/** The stack's processes, by name, for the sampler. */
export function stackGroups(): Record<string, number[]> {
  const pg = postgresPid(c.PG_PORT);
  const groups: Record<string, number[]> = { bench: [process.pid] };
  const temporal = pidByCommand(
    new RegExp(`temporal server start-dev .*--port ${c.TEMPORAL_ADDRESS.split(':')[1]}\\b`),
  );
  const minio = pidByCommand(new RegExp(`minio server .*--address \\S+:${new URL(c.S3_ENDPOINT).port}\\b`));
  if (temporal) groups.temporal = [temporal];
  if (minio) groups.minio = [minio];
  if (pg) groups.postgres = [pg];
  return groups;
}

const result: BenchResult = {
  date: new Date().toISOString().slice(0, 19),
  machine: machine(),
  options,
  baselines: {},
  scenarios: {},
  tuning: [],
  ...(o.note ? { note: o.note } : {}),
};

try {
  if (wanted('baselines')) {
    console.log(`baseline: documents × ${options.documentsN}`);
    // Signers sign through the development CSC provider, one of the platform's peers.
    await startedPlatform();
    const docs = new Sampler(stackGroups).start();
    result.baselines.documents = await documentsBaseline(options.documentsN);
    console.log('  ', result.baselines.documents, docs.stop().bench);
    console.log(`baseline: postgres rows × ${options.postgresN}, ${options.concurrency} connections`);
    const pgs = new Sampler(stackGroups).start();
    result.baselines.postgres = await postgresBaseline(db, options.postgresN, options.concurrency);
    console.log('  ', result.baselines.postgres, pgs.stop().postgres);
  }
  const byName: Record<string, ScenarioResult> = {};
  for (const s of scenarios) {
    if (!wanted(s.name)) continue;
    console.log(`scenario: ${s.name}`);
    const r: ScenarioResult = await s
      .run({ config: c, db, options, stackGroups, platform: startedPlatform, env })
      .catch((err: Error) => ({
        skipped: `failed: ${err.message.split('\n')[0]}`,
      }));
    result.scenarios[s.title] = r;
    byName[s.name] = r;
    console.log('  ', r.skipped ?? r.figures);
    result.tuning.push(...(s.tuning ?? []));
  }
  result.tuning.push(...tuningFrom(byName));
} finally {
  await (await platform)?.stop();
  await db.destroy();
}
/** What each tuning change bought, from this run's figures. */
function tuningFrom(r: Record<string, ScenarioResult>): BenchResult['tuning'] {
  const out: BenchResult['tuning'] = [];
  const perSecond = (x?: ScenarioResult) => x?.figures?.['registrations completed per second'];
  const one = perSecond(r.e2e);
  const two = perSecond(r.e2e2);
  if (one && two)
    out.push({
      change: 'a second worker process (and documents worker) on the same task queues',
      effect: `${one} → ${two} registrations/s (×${Math.round((two / one) * 100) / 100}) on ${result.machine.nproc} cores`,
    });
  const p = r.e2e?.processes;
  if (p?.worker && p['documents-worker'])
    out.push({
      change: 'documents (render, sign) on their own task queue, in their own process',
      effect: `documents worker ${p['documents-worker'].cpuSeconds} CPU s vs registration worker ${p.worker.cpuSeconds} CPU s in the one-worker run: the PDF work never holds up workflow tasks`,
    });
  const w = r.waiting?.figures;
  if (w)
    out.push({
      change: `maxCachedWorkflows ${w.maxCachedWorkflows} on the registration worker`,
      effect: `worker RSS peak ${w['worker RSS peak MiB']} MiB with ${w['waiting on a signer at the end']} registrations waiting (the cache, not the count, bounds it)`,
    });
  const pr = r.pragmas?.figures;
  if (pr) {
    const n = options.serverN;
    out.push({
      change:
        'Temporal dev server SQLite pragmas journal_mode=WAL, synchronous=OFF (infra/src/stack.ts, as Temporal’s stress CI)',
      effect: `${pr['pragmas off: reached their first signer per second']} → ${pr['pragmas on: reached their first signer per second']} registrations/s started and waiting on their first signer; start p50 ${pr['pragmas off: start p50 ms']} → ${pr['pragmas on: start p50 ms']} ms; server CPU ${pr['pragmas off: Temporal CPU s']} → ${pr['pragmas on: Temporal CPU s']} s (${n} registrations each)`,
    });
  }
  const ds = r.docslots?.figures;
  if (ds) {
    const rate = (k: number) => ds[`${k} slot(s): registrations completed per second`];
    const confirm = (k: number) => ds[`${k} slot(s): signature confirm p50 ms`];
    out.push({
      change: 'DOCUMENTS_ACTIVITY_SLOTS (PDFs rendered or signed at once per documents worker) 1 / 2 / 4',
      effect: `${rate(1)} / ${rate(2)} / ${rate(4)} registrations/s; signature confirm p50 ${confirm(1)} / ${confirm(2)} / ${confirm(4)} ms on ${result.machine.nproc} cores (default 2)`,
    });
  }
  return out;
}

const files = writeResult(options.only ? mergeWithLatest(result) : result);
console.log(`wrote ${files.json} and ${files.markdown}`);
process.exit(0);
