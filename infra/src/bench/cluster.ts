import path from 'node:path';
import { type Config, createDb, loadConfig } from '@copyreg/kit';
import { clusterClientEnv, clusterConnectionOptions, clusterServices, privateClusterCli } from '../cluster';
import { type ReplicatedPlatform, startReplicated } from '../replicas';
import { runEndToEnd } from './e2e';
import { privateStackEnvironment } from './isolated';
import { benchPlatform } from './platform';
import type { ScenarioResult } from './report';
import { pidByCommand, postgresPid, stackPid } from './sampler';
import type { ScenarioContext } from './scenarios';

/**
 * End to end on the cluster topology, beside the development server's e2e2: a private stack of
 * its own (Postgres 5478, Temporal cluster frontend 7278 with mutual TLS, MinIO 9090, the
 * platform on 3601 and up), made from nothing and removed afterwards; two replicas of each API
 * behind HAProxy; two registration and two documents workers, as e2e2 runs them.
 */
export async function runClusterEndToEnd(ctx: ScenarioContext): Promise<ScenarioResult> {
  // Offset 45, not 40: the cluster test's frontend HTTP port (7263 + 10) would be this frontend's.
  const env = privateStackEnvironment('bench-cluster', 45, 600);
  const c = loadConfig({ ...process.env, ...env });
  const dir = env.COPYREG_DATA_DIR as string;
  const tls = path.join(dir, 'temporal-tls');
  const platformEnv = { ...env, ...clusterClientEnv(tls) };
  privateClusterCli(env, ['reset']);
  const up = privateClusterCli(env, ['cluster', 'up']);
  const db = createDb(c.DATABASE_URL, { min: 0, max: Math.max(4, ctx.options.concurrency) });
  let replicated: ReplicatedPlatform | undefined;
  try {
    replicated = await startReplicated(c, platformEnv, { logPrefix: 'bench-cluster', workers: 0 });
    const running = replicated;
    const pidsOf = (match: (name: string) => boolean) =>
      [...running.children].filter(([name]) => match(name)).map(([, child]) => child.pid as number);
    const platform = benchPlatform(c, platformEnv, {
      failed: {},
      missing: [],
      connection: clusterConnectionOptions(c, tls),
      groups: () => ({
        'services (2 replicas each)': pidsOf((n) => /-\d$/.test(n)),
        haproxy: pidsOf((n) => n === 'proxy'),
        peers: pidsOf((n) => !/-\d$/.test(n) && n !== 'proxy'),
      }),
      stop: running.stop,
    });
    const r = await runEndToEnd({ ...ctx, config: c, db, stackGroups: () => clusterStack(c, dir) }, platform, 2);
    return { ...r, figures: { 'cluster up seconds (from nothing)': up.seconds, ...r.figures } };
  } finally {
    await replicated?.stop();
    await db.destroy();
    privateClusterCli(env, ['reset']);
  }
}

/** The private stack's servers, for the sampler: the four Temporal services, Postgres, MinIO. */
function clusterStack(c: Config, dir: string): Record<string, number[]> {
  const groups: Record<string, number[]> = { bench: [process.pid] };
  const temporal = clusterServices.flatMap((s) => stackPid(`temporal-${s}`, path.join(dir, 'pids')) ?? []);
  const pg = postgresPid(c.PG_PORT);
  const minio = pidByCommand(new RegExp(`minio server .*--address \\S+:${new URL(c.S3_ENDPOINT).port}\\b`));
  if (temporal.length) groups['temporal cluster (4 services)'] = temporal;
  if (pg) groups.postgres = [pg];
  if (minio) groups.minio = [minio];
  return groups;
}
