import { randomUUID } from 'node:crypto';
import { createDb } from '@copyreg/kit';
import { type ProbeResult, probeWorkflowId, TaskQueue } from '@copyreg/proto';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { Client as Minio } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPlatform } from '../src/bench/isolated';
import { platformProcesses } from '../src/platform';
import { sleep } from '../src/proc';
import {
  cli,
  killServer,
  privateConfig,
  privateStackEnv,
  restartPostgres,
  Supervised,
  startServer,
  waitForPort,
} from './support/private-stack';
import { exactlyOnceProblems, registrationDriver } from './support/registrations';

/**
 * Faults while work is in flight, on a private stack (its own Postgres cluster, Temporal
 * server and MinIO on other ports), so the shared stack is never disturbed: kill -9 the worker
 * and start it again, restart the Temporal server, stop MinIO for 30 s, restart Postgres.
 * Afterwards everything finishes exactly once, asserted from Postgres and MinIO.
 *
 * The work in flight: FAULT_REGISTRATIONS (default 3) registrations driven through the HTTP APIs
 * (filing, two signers, online payment whose every notification the development gateway sends
 * ten times, two reviews, certificate), and the stack probe workflow (an activity writing a
 * Postgres row and a MinIO object). FAULT_MINIO_SECONDS shortens the MinIO outage.
 */
const env = { ...privateStackEnv(), DEV_GATEWAY_NOTIFY_COPIES: '10' };
const c = privateConfig(env);
const minioOutageMs = Number(process.env.FAULT_MINIO_SECONDS ?? 30) * 1000;
const workerProcess = platformProcesses.find((p) => p.name === 'worker');
/** Registrations driven through the HTTP APIs during the faults (0: the probe workflows only). */
const registrations = Number(process.env.FAULT_REGISTRATIONS ?? 3);

describe('faults on a private stack while work is in flight', () => {
  let db: Knex;
  let temporal: Client;
  let connection: Connection;
  let store: Minio;
  let platform: Awaited<ReturnType<typeof spawnPlatform>>;
  let worker: Supervised;
  let driver: Awaited<ReturnType<typeof registrationDriver>>;
  const probes: string[] = [];

  const startProbes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const probeId = randomUUID();
      await temporal.workflow.start('probeWorkflow', {
        taskQueue: TaskQueue.registration,
        workflowId: probeWorkflowId(probeId),
        args: [{ probeId }],
      });
      probes.push(probeId);
    }
  };

  beforeAll(async () => {
    // From nothing: a run killed half-way leaves its cluster, histories and objects behind.
    cli('reset', env);
    try {
      cli('up', env);
    } catch (err) {
      // The servers are up; a service's migration mid-change stops only the processes that need it.
      if (!/migration failed/.test((err as Error).message)) throw err;
      console.warn(`private stack: ${/migration failed with error: (.*)/.exec((err as Error).message)?.[1]}`);
    }
    db = createDb(c.DATABASE_URL, { min: 0, max: 4 });
    connection = await Connection.connect({ address: c.TEMPORAL_ADDRESS });
    temporal = new Client({ connection, namespace: c.TEMPORAL_NAMESPACE });
    const s3 = new URL(c.S3_ENDPOINT);
    store = new Minio({
      endPoint: s3.hostname,
      port: Number(s3.port),
      useSSL: false,
      accessKey: c.S3_ACCESS_KEY,
      secretKey: c.S3_SECRET_KEY,
    });
    // The worker is started on its own so the test can kill it.
    platform = await spawnPlatform(
      [
        'dev-oidc',
        'dev-gateway',
        'mail-catcher',
        'identity',
        'filing',
        'signature',
        'payment',
        'certificate',
        'documents-worker',
      ],
      env,
      'faults',
    );
    if (!workerProcess) throw new Error('no worker in the platform list');
    worker = new Supervised(workerProcess, env, 'faults-worker');
    if (registrations) {
      const down = Object.keys(platform.failed);
      if (down.length) throw new Error(`not started on the private stack: ${JSON.stringify(platform.failed)}`);
      driver = await registrationDriver(db, c);
    }
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    await platform?.stop();
    await connection?.close();
    await db?.destroy();
    cli('reset', env); // stops the private servers, drops its cluster, removes its data directory
  }, 120_000);

  it('kill -9 the worker, restart Temporal, stop MinIO 30 s, restart Postgres: every workflow finishes exactly once', async () => {
    await startProbes(10);
    const filings: string[] = [];
    const inFlight = Promise.allSettled(
      Array.from({ length: registrations }, (_, i) => driver.register(i).then((id) => filings.push(id))),
    );
    // Let them get going (filed, signing) before the first fault.
    await sleep(registrations ? 15_000 : 0);

    // kill -9 the worker mid-flight, and start a new one.
    await startProbes(5);
    worker.kill9(); // …and its supervisor starts it again

    // Restart the Temporal server (its SQLite file keeps the histories).
    await startProbes(5);
    await killServer('temporal', 'SIGTERM');
    startServer('temporal', env);

    // The probe is a health check that gives up after five attempts (~15 s) by design: the ones
    // started so far finish before MinIO goes away; the registrations retry without limit.
    await Promise.all(probes.map((id) => temporal.workflow.getHandle(probeWorkflowId(id)).result()));

    // MinIO away for 30 s: activities that store objects fail and are retried.
    await killServer('minio', 'SIGTERM');
    await waitForPort(Number(new URL(c.S3_ENDPOINT).port), false);
    await sleep(minioOutageMs);
    startServer('minio', env);

    // Restart Postgres: every connection is cut.
    await startProbes(5);
    restartPostgres();
    await startProbes(5);

    // Everything finishes…
    const results = await Promise.race([
      Promise.all(
        probes.map((id) => temporal.workflow.getHandle(probeWorkflowId(id)).result() as Promise<ProbeResult>),
      ),
      sleep(300_000).then(() => {
        throw new Error('the workflows did not all finish within 5 minutes of the last fault');
      }),
    ]);
    expect(worker.restarts).toBeGreaterThanOrEqual(1);

    // Every registration finishes: one number, one confirmed payment (of ten notifications
    // each), one certificate, each notice delivered once, no upload lost.
    const settled = await Promise.race([
      inFlight,
      sleep(300_000).then(() => {
        throw new Error('the registrations did not all finish within 5 minutes of the last fault');
      }),
    ]);
    expect(settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    expect(filings).toHaveLength(registrations);
    if (registrations)
      expect(await exactlyOnceProblems(db, store, `http://127.0.0.1:${c.MAIL_WEB_PORT}`, filings)).toEqual([]);
    const notices = await db('payment.notices').whereIn('filing_id', filings).count<{ n: string }[]>({ n: '*' });
    const deliveries = await db('payment.notifications')
      .count<{ n: string }[]>({ n: '*' })
      .catch(() => [{ n: '?' }]);
    console.log(
      `faults: ${filings.length} registrations certified, ${notices[0]?.n} notices each mailed once, ` +
        `${deliveries[0]?.n} payment.notifications rows (ten copies sent per payment), ${probes.length} probes; worker restarted ${worker.restarts}×`,
    );
    expect(results).toHaveLength(probes.length);

    // …exactly once in Postgres…
    const rows: { probe_id: string; n: number }[] = await db('ops.probes')
      .whereIn('probe_id', probes)
      .groupBy('probe_id')
      .select('probe_id', db.raw('count(*)::int as n'));
    expect(rows).toHaveLength(probes.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);

    // …and nothing is lost in MinIO.
    for (const r of results) {
      const stat = await store.statObject(r.object.bucket, r.object.key);
      expect(stat.size).toBeGreaterThan(0);
    }
  }, 600_000);
});
