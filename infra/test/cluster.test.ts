import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, loadConfig, sessionCookieName, startSession } from '@copyreg/kit';
import { registrationWorkflowId } from '@copyreg/proto';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import { Client as Minio } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { party } from '../src/bench/flow';
import { killGroup, privateStackEnvironment } from '../src/bench/isolated';
import {
  clusterClientEnv,
  clusterConnectionOptions,
  clusterPortList,
  clusterPorts,
  privateClusterCli,
  waitForPollers,
} from '../src/cluster';
import { logDir } from '../src/paths';
import { httpOk, waitFor } from '../src/proc';
import { apiProcesses, proxyStats, type ReplicatedPlatform, startReplicated } from '../src/replicas';
import { assertPortsFree, privatePorts, within } from './support/private-stack';
import { Gates, registrationDriver, settledExactlyOnceProblems } from './support/registrations';

/**
 * The production Temporal topology on loopback (infra/src/cluster.ts): the Temporal server's
 * frontend, history, matching and worker services as four processes on a private PostgreSQL
 * cluster (persistence and advanced visibility), mutual TLS to the frontend, the Web UI server;
 * MinIO; two replicas of each API behind HAProxy (infra/src/replicas.ts); two registration
 * workers and two documents workers. Every port differs from the default stack's and the other
 * tests' (Postgres 5463, frontend 7263, UI 8263, MinIO 9060, services 3500–3535).
 *
 * CLUSTER_REGISTRATIONS (default 4) registrations run end to end through the proxy; each API
 * loses one replica (kill -9) once that replica has served the registrations' requests in the
 * phase that uses it, so a request may be cut mid-answer and is retried with its
 * Idempotency-Key on the survivor. While they are held before signing, one registration worker
 * is killed: their workflows, cached there, move to the other worker by replaying their
 * histories from the cluster. While they are held before the final review, one documents worker
 * is killed: the certificates are rendered by the other. Every registration finishes exactly
 * once (one number, one payment, one certificate, each notice once), and the cluster's SQL
 * visibility finds each by the platform's search attributes, through the API and the Web UI.
 */
const registrations = Number(process.env.CLUSTER_REGISTRATIONS ?? 4);
const env = privateStackEnvironment('cluster-test', 30, 500);
const c = loadConfig({ ...process.env, ...env });
const privateDir = env.COPYREG_DATA_DIR as string;
const tls = path.join(privateDir, 'temporal-tls');
/**
 * What every platform process gets: the private stack, the cluster's client certificate, and a
 * verification limit small enough to reach (the registrations never verify).
 */
const verifyLimit = 6;
const platformEnv = { ...env, ...clusterClientEnv(tls), RATE_LIMIT_VERIFY: String(verifyLimit) };
const served = async (server: string) => (await proxyStats(c)).find((s) => s.server === server)?.requests ?? 0;
const cli = (args: string[]) => privateClusterCli(env, args);

describe('the Temporal cluster topology (four server processes on PostgreSQL, mTLS) under worker kills', () => {
  let db: Knex;
  let connection: Connection;
  let temporal: Client;
  let store: Minio;
  let platform: ReplicatedPlatform;
  let driver: Awaited<ReturnType<typeof registrationDriver>>;
  const gates = new Gates();

  beforeAll(async () => {
    // From nothing: a run killed half-way leaves its processes' pids, cluster and data behind.
    cli(['reset']);
    await assertPortsFree([...privatePorts(c), ...clusterPortList(c)]);
    const up = cli(['cluster', 'up']);
    console.log(`cluster up in ${up.seconds} s:\n${up.out}`);
    db = createDb(c.DATABASE_URL, { min: 0, max: 4 });
    connection = await Connection.connect(clusterConnectionOptions(c, tls));
    temporal = new Client({ connection, namespace: c.TEMPORAL_NAMESPACE });
    const s3 = new URL(c.S3_ENDPOINT);
    store = new Minio({
      endPoint: s3.hostname,
      port: Number(s3.port),
      useSSL: false,
      accessKey: c.S3_ACCESS_KEY,
      secretKey: c.S3_SECRET_KEY,
    });
    const started = Date.now();
    platform = await startReplicated(c, platformEnv, { logPrefix: 'cluster' });
    console.log(
      `platform (2 replicas of 5 APIs, HAProxy, 4 workers) up in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    await waitForPollers(c, connection, 2);
    driver = await registrationDriver(db, c, gates);
  }, 600_000);

  afterAll(async () => {
    await platform?.stop();
    await connection?.close();
    await db?.destroy();
    // The servers' logs outlive the data directory, beside the platform's (.data/logs/cluster-*).
    for (const name of ['frontend', 'history', 'matching', 'worker', 'ui']) {
      const log = path.join(privateDir, 'logs', `temporal-${name}.log`);
      if (existsSync(log)) copyFileSync(log, path.join(logDir, `cluster-temporal-${name}.log`));
    }
    cli(['reset']); // stops the cluster's processes, Postgres and MinIO; drops the cluster; removes its data
  }, 180_000);

  it('refuses a client without a certificate: mutual TLS on the frontend', async () => {
    const ca = readFileSync(path.join(tls, 'ca.pem'));
    const withoutCertificate = Connection.connect({
      address: c.TEMPORAL_ADDRESS,
      tls: { serverRootCACertificate: ca },
      connectTimeout: 5000,
    }).then(async (conn) => {
      try {
        await conn.workflowService.getSystemInfo({});
      } finally {
        await conn.close();
      }
    });
    await expect(withoutCertificate).rejects.toThrow();
    const plaintext = Connection.connect({ address: c.TEMPORAL_ADDRESS, connectTimeout: 5000 }).then(async (conn) => {
      try {
        await conn.workflowService.getSystemInfo({});
      } finally {
        await conn.close();
      }
    });
    await expect(plaintext).rejects.toThrow();
    const p = clusterPorts(c);
    expect(p.frontend).not.toBe(7233);
  });

  it('shares sessions and rate limits between the replicas: a logout on one ends the session on both; one limit counts both', async () => {
    const both = async (api: string) => Promise.all([1, 2].map((i) => served(`${api}-${i}`)));
    // A real session (identity.sessions), as a login makes it.
    const user = await party(db, { name: '会话测试' });
    const cookie = `${sessionCookieName(c)}=${await startSession(user.userId, db)}`;
    const identity = `http://127.0.0.1:${c.IDENTITY_PORT}/api/identity`;
    const me = async () => (await fetch(`${identity}/me`, { headers: { cookie } })).status;
    const before = await both('identity');
    expect([await me(), await me()]).toEqual([200, 200]);
    expect((await fetch(`${identity}/logout`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    expect([await me(), await me()]).toEqual([401, 401]);
    const after = await both('identity');
    // Round robin: each replica answered at least twice (a 200 and a 401).
    for (const [i, n] of after.entries()) expect(n - (before[i] ?? 0), `identity-${i + 1}`).toBeGreaterThanOrEqual(2);

    // The public verification's limit per address, counted in Postgres: the request after the
    // limit is refused though the two replicas took turns (in memory each would allow the limit).
    const verifyBefore = await both('certificate');
    const statuses: number[] = [];
    for (let i = 0; i <= verifyLimit; i++)
      statuses.push(
        (
          await fetch(
            `http://127.0.0.1:${c.CERTIFICATE_PORT}/api/certificate/verify?number=${encodeURIComponent('浙作登字-2026-F-00000001')}&c=AAAAAAAA`,
            // The proxy appends the caller's address: the service counts the first one it does not trust.
            { headers: { 'x-forwarded-for': '203.0.113.9' } },
          )
        ).status,
      );
    expect(statuses.slice(0, verifyLimit)).not.toContain(429);
    expect(statuses[verifyLimit]).toBe(429);
    const verifyAfter = await both('certificate');
    for (const [i, n] of verifyAfter.entries())
      expect(n - (verifyBefore[i] ?? 0), `certificate-${i + 1}`).toBeGreaterThanOrEqual(verifyLimit / 2);
  });

  it('registrations end to end through the proxy; one API replica of each service and one worker of each kind killed mid-flight; each finishes exactly once', async () => {
    expect(registrations).toBeGreaterThan(0);
    const child = (name: string) => {
      const found = platform.children.get(name);
      if (!found) throw new Error(`no ${name} in the platform`);
      return found;
    };
    /** kill -9 an API replica once it serves this phase's requests: one may be cut mid-answer. */
    const killWhenServing = async (server: string, since?: number) => {
      const before = since ?? (await served(server));
      await waitFor(`${server} serving requests`, async () => (await served(server)) > before, 120_000);
      killGroup(child(server), 'SIGKILL');
    };
    // Profiles, proofs and drafts under way: one identity and one filing replica die.
    const since = { identity: await served('identity-1'), filing: await served('filing-1') };
    const inFlight = Promise.allSettled(Array.from({ length: registrations }, (_, i) => driver.register(i)));
    const held = async (step: 'sign' | 'submit-and-pay' | 'final-review') =>
      within(
        gates.arrived(step, registrations),
        300_000,
        `the registrations did not all reach "${step}" within 5 minutes`,
      );

    await Promise.all([killWhenServing('identity-1', since.identity), killWhenServing('filing-1', since.filing)]);

    // Held before any signature: kill -9 one registration worker. Their workflows, cached on
    // either worker, continue on the survivor from the histories the cluster keeps.
    await held('sign');
    killGroup(child('worker-1'), 'SIGKILL');
    gates.open('sign');
    await killWhenServing('signature-1');

    await held('submit-and-pay');
    gates.open('submit-and-pay');
    gates.open('initial-review');
    await killWhenServing('payment-1');

    // Held before the final review (whose approval issues the certificate on the documents
    // queue): kill -9 one documents worker; the certificates are fetched as one replica dies.
    await held('final-review');
    killGroup(child('documents-worker-1'), 'SIGKILL');
    gates.open('final-review');
    await killWhenServing('certificate-1');

    const settled = await within(inFlight, 480_000, 'the registrations did not all finish within 8 minutes');
    expect(settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    const filings = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(filings).toHaveLength(registrations);
    const victims = [...apiProcesses.map((p) => `${p.name}-1`), 'worker-1', 'documents-worker-1'];
    // The last kill may be moments old: its exit is reported asynchronously, so wait for it.
    const exited = (c: ChildProcess) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : once(c, 'exit').then(() => undefined);
    await within(Promise.all(victims.map((name) => exited(child(name)))), 30_000, 'a killed process did not exit');
    for (const name of victims) expect(child(name).signalCode, name).toBe('SIGKILL');
    for (const name of [...apiProcesses.map((p) => `${p.name}-2`), 'worker-2', 'documents-worker-2', 'proxy'])
      expect(child(name).exitCode ?? child(name).signalCode, name).toBeNull();
    // The proxy balanced over both replicas of each API and took the dead ones out (after two
    // failed checks a second apart: the last one was killed only moments ago).
    const statusOf = async () => Object.fromEntries((await proxyStats(c)).map((s) => [s.server, s.status]));
    await waitFor(
      'the proxy marking each killed replica down',
      async () => {
        const status = await statusOf();
        return apiProcesses.every((p) => status[`${p.name}-1`] === 'DOWN');
      },
      30_000,
    );
    const stats = await proxyStats(c);
    for (const p of apiProcesses) {
      const [dead, alive] = [1, 2].map((i) => stats.find((s) => s.server === `${p.name}-${i}`));
      expect([dead?.status, alive?.status], p.name).toEqual(['DOWN', 'UP']);
      expect(dead?.requests, p.name).toBeGreaterThan(0);
      expect(alive?.requests, p.name).toBeGreaterThan(0);
    }

    // Exactly once: one number, one confirmed payment, one valid certificate, two decisions, two
    // confirmed signatures, every notice delivered once, no object lost.
    // Mail leaves through the outbox dispatcher after the step that wrote it: wait until it has
    // (a notice delivered twice never comes right again, so waiting hides no duplicate).
    expect(await settledExactlyOnceProblems(db, store, `http://127.0.0.1:${c.MAIL_WEB_PORT}`, filings, 90_000)).toEqual(
      [],
    );

    // Advanced visibility on PostgreSQL: each registration found by its workflow id and the
    // platform's search attributes…
    const certifiedQuery = (id: string) =>
      `WorkflowId = "${registrationWorkflowId(id)}" AND RegistrationStatus IN ("certified", "delivered")`;
    await waitFor(
      'every registration visible as certified in the cluster',
      async () => {
        for (const id of filings) if ((await temporal.workflow.count(certifiedQuery(id))).count !== 1) return false;
        return true;
      },
      60_000,
    );
    // …and through the Web UI server, which reaches the frontend with its own client certificate.
    const ui = `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`;
    expect(await httpOk(`${ui}/healthz`)).toBe(true);
    const res = await fetch(
      `${ui}/api/v1/namespaces/${c.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent('RegistrationStatus IN ("certified", "delivered")')}`,
    );
    expect(res.status).toBe(200);
    const listed = JSON.stringify(await res.json());
    for (const id of filings) expect(listed).toContain(registrationWorkflowId(id));
    console.log(
      `cluster: ${filings.length} registrations certified exactly once with ${victims.join(', ')} killed mid-flight; requests per replica: ${stats.map((s) => `${s.server} ${s.requests}`).join(', ')}`,
    );
  }, 900_000);
});
