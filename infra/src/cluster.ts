import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '@copyreg/kit';
import { SearchAttr, TaskQueue } from '@copyreg/proto';
import { Connection } from '@temporalio/client';
import { registerNamespace } from './namespace';
import { dataDir, repoRoot } from './paths';
import {
  httpOk,
  isAlive,
  portOpen,
  recordedPid,
  run,
  sleep,
  spawnDetached,
  stopRecorded,
  tailOf,
  waitFor,
} from './proc';
import { type StackPart, stackParts, upPart } from './stack';

/**
 * The production Temporal topology on one machine: the Temporal server built from
 * go.temporal.io/server (infra/bin/bootstrap.sh), its frontend, history, matching and worker
 * services as four processes sharing infra/temporal/config/cluster.yaml, persistence and
 * advanced visibility in two databases on the project's PostgreSQL (no Elasticsearch), mutual
 * TLS between every client and the frontend with certificates made here by openssl, and the
 * Web UI server pointed at the frontend. MinIO and Postgres are the stack's own parts
 * (stack.ts), reused when they answer. Every port derives from TEMPORAL_ADDRESS and
 * TEMPORAL_UI_PORT, so a second cluster (the test's) runs beside the first on other ports.
 */

/** The pins of infra/bin/versions.sh (bootstrap builds what they name). */
function pins(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, 'infra/bin/versions.sh'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^(\w+)=([^\s#(]+)/gm)].map((m) => [m[1], m[2]])) as Record<
    string,
    string
  >;
}

const toolsCache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'copyreg');

export function clusterTools() {
  const p = pins();
  const serverDir = path.join(toolsCache, `temporal-server-${p.TEMPORAL_SERVER_VERSION}`);
  return {
    server: path.join(serverDir, 'server'),
    sql: path.join(serverDir, 'sql'),
    /** The module's PostgreSQL schema, copied beside the binaries by bootstrap. */
    schema: path.join(serverDir, 'schema/postgresql/v12'),
    ui: path.join(toolsCache, `temporal-ui-server-${p.TEMPORAL_UI_SERVER_VERSION}`, 'server'),
  };
}

/** The server's configuration directory (config/, dynamicconfig/, ui/): infra/temporal. */
export const clusterRoot = path.join(repoRoot, 'infra/temporal');

export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
  /** Prometheus metrics of each service. */
  metrics: { frontend: number; history: number; matching: number; worker: number };
  ui: number;
}

export const clusterServices = ['frontend', 'history', 'matching', 'worker'] as const;
export type ClusterService = (typeof clusterServices)[number];

/**
 * Ports laid out as upstream's defaults around the frontend's (7233: history 7234, matching 7235,
 * worker 7239, HTTP 7243, membership 6933–6939, metrics 8000–8003), moved with it.
 */
export function clusterPorts(c: Config): ClusterPorts {
  const p = Number(c.TEMPORAL_ADDRESS.split(':')[1]);
  return {
    frontend: p,
    history: p + 1,
    matching: p + 2,
    worker: p + 6,
    frontendHttp: p + 10,
    membership: { frontend: p - 300, history: p - 299, matching: p - 298, worker: p - 294 },
    metrics: { frontend: p + 767, history: p + 768, matching: p + 769, worker: p + 770 },
    ui: c.TEMPORAL_UI_PORT,
  };
}

export const clusterHost = (c: Config) => c.TEMPORAL_ADDRESS.split(':')[0] as string;

/** Where the certificates live: the stack's data directory (gitignored), made on first start. */
export const tlsDir = (base = dataDir) => path.join(base, 'temporal-tls');

/** The cluster's own database role and databases, beside the platform's on the same server. */
export function clusterDatabase() {
  return {
    user: process.env.TEMPORAL_DB_USER ?? 'temporal',
    password: process.env.TEMPORAL_DB_PASSWORD ?? 'temporal',
    db: process.env.TEMPORAL_DB ?? 'temporal',
    visibilityDb: process.env.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility',
  };
}

/** What every platform process needs to reach the cluster's frontend over mutual TLS. */
export function clusterClientEnv(dir = tlsDir()): Record<string, string> {
  return {
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_CERT: path.join(dir, 'client.pem'),
    TEMPORAL_TLS_KEY: path.join(dir, 'client-key.pem'),
    // The cluster's own CA as the trusted roots: the Node client (grpc-js) reads
    // GRPC_DEFAULT_SSL_ROOTS_FILE_PATH (NODE_EXTRA_CA_CERTS does not reach it); the workers'
    // native connection (the SDK's Rust core, rustls with the platform's roots) reads SSL_CERT_FILE.
    GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: path.join(dir, 'ca.pem'),
    SSL_CERT_FILE: path.join(dir, 'ca.pem'),
  };
}

/** The options of a TypeScript client connection to the cluster (health checks, set-up, tests). */
export function clusterConnectionOptions(c: Config, dir = tlsDir()) {
  return {
    address: c.TEMPORAL_ADDRESS,
    tls: {
      serverRootCACertificate: readFileSync(path.join(dir, 'ca.pem')),
      clientCertPair: {
        crt: readFileSync(path.join(dir, 'client.pem')),
        key: readFileSync(path.join(dir, 'client-key.pem')),
      },
    },
    connectTimeout: 5000,
  };
}

// --- certificates ------------------------------------------------------------------------

function openssl(args: string[], cwd: string) {
  const r = run('openssl', args, { env: { OPENSSL_CONF: '/dev/null' } });
  if (!r.ok) throw new Error(`openssl ${args[0]} failed in ${cwd}:\n${r.out}`);
}

/** Still valid for at least 30 days (and present). */
function certValid(file: string) {
  return existsSync(file) && run('openssl', ['x509', '-checkend', String(30 * 86400), '-noout', '-in', file]).ok;
}

/**
 * A CA and three certificates it signs, P-256 keys: `frontend` (server, for HOST), `internode`
 * (the services among themselves: server and client), `client` (the platform, the UI, the CLI,
 * the server's own system worker). Made once; made again when one expires within 30 days.
 */
export function ensureCertificates(host: string, log: (s: string) => void = console.log) {
  const dir = tlsDir();
  const names = ['ca', 'frontend', 'internode', 'client'];
  if (names.every((n) => certValid(path.join(dir, `${n}.pem`)) && existsSync(path.join(dir, `${n}-key.pem`)))) return;
  log(`  temporal: making the cluster's CA and certificates (${path.relative(repoRoot, dir) || dir})`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string) => path.join(dir, n);
  const key = (n: string) =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(`${n}-key.pem`)], dir);
  key('ca');
  writeFileSync(
    f('ca.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
  );
  openssl(
    ['req', '-new', '-key', f('ca-key.pem'), '-subj', '/O=copyreg/CN=copyreg Temporal cluster CA', '-out', f('ca.csr')],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      f('ca.csr'),
      '-signkey',
      f('ca-key.pem'),
      '-days',
      '3650',
      '-extfile',
      f('ca.ext'),
      '-out',
      f('ca.pem'),
    ],
    dir,
  );
  const san = /^\d+(\.\d+){3}$/.test(host) ? `IP:${host}` : `DNS:${host}`;
  const leaves: Record<string, string> = {
    frontend: `subjectAltName=${san},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth`,
    internode: `subjectAltName=${san},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth`,
    client: 'subjectAltName=DNS:copyreg-platform\nextendedKeyUsage=clientAuth',
  };
  for (const [name, ext] of Object.entries(leaves)) {
    key(name);
    writeFileSync(
      f(`${name}.ext`),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${ext}\nauthorityKeyIdentifier=keyid\n`,
    );
    openssl(
      [
        'req',
        '-new',
        '-key',
        f(`${name}-key.pem`),
        '-subj',
        `/O=copyreg/CN=copyreg Temporal ${name}`,
        '-out',
        f(`${name}.csr`),
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        f(`${name}.csr`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca-key.pem'),
        '-CAcreateserial',
        '-days',
        '825',
        '-extfile',
        f(`${name}.ext`),
        '-out',
        f(`${name}.pem`),
      ],
      dir,
    );
  }
  for (const n of names) {
    rmSync(f(`${n}.csr`), { force: true });
    rmSync(f(`${n}.ext`), { force: true });
  }
}

// --- PostgreSQL --------------------------------------------------------------------------

const isRoot = process.getuid?.() === 0;

/** psql as the database superuser over the local socket (as stack.ts does for the platform's database). */
function psqlSuper(c: Config, sql: string, db = 'postgres') {
  const socketDir = isRoot ? '/var/run/postgresql' : path.join(dataDir, 'postgres');
  const args = ['-h', socketDir, '-p', String(c.PG_PORT), '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql];
  return isRoot ? run('runuser', ['-u', 'postgres', '--', 'psql', ...args]) : run('psql', ['-U', 'postgres', ...args]);
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The cluster's role and two databases (made by the superuser, owned by the role), then each
 * schema set up or brought up to the server's version with the server's own SQL tool, from the
 * schema files its module ships. Safe to repeat: a schema already current is left alone.
 */
export function setupClusterDatabase(c: Config, log: (s: string) => void = console.log) {
  const d = clusterDatabase();
  const tools = clusterTools();
  for (const [what, file] of Object.entries({ 'SQL tool': tools.sql, schema: tools.schema }))
    if (!existsSync(file))
      throw new Error(`the Temporal server's ${what} is missing (${file}): run infra/bin/bootstrap.sh`);
  const role = psqlSuper(c, `select 1 from pg_roles where rolname = ${quote(d.user)}`);
  if (!role.ok) throw new Error(`cannot reach PostgreSQL as its superuser:\n${role.out}`);
  if (role.stdout.trim() !== '1') {
    const r = psqlSuper(c, `create role "${d.user}" login password ${quote(d.password)}`);
    if (!r.ok) throw new Error(`create role ${d.user} failed:\n${r.out}`);
  }
  const pgUrl = new URL(c.DATABASE_URL);
  const common = [
    '--plugin',
    'postgres12',
    '--ep',
    pgUrl.hostname,
    '-p',
    pgUrl.port || '5432',
    '-u',
    d.user,
    '--pw',
    d.password,
  ];
  for (const [db, dir] of [
    [d.db, 'temporal'],
    [d.visibilityDb, 'visibility'],
  ] as const) {
    if (psqlSuper(c, `select 1 from pg_database where datname = ${quote(db)}`).stdout.trim() !== '1') {
      const r = psqlSuper(c, `create database "${db}" owner "${d.user}" encoding 'UTF8' template template0`);
      if (!r.ok) throw new Error(`create database ${db} failed:\n${r.out}`);
      log(`  temporal: database ${db} made`);
    }
    const hasVersionTable =
      psqlSuper(c, `select 1 from information_schema.tables where table_name = 'schema_version'`, db).stdout.trim() ===
      '1';
    if (!hasVersionTable) {
      const r = run(tools.sql, [...common, '--db', db, 'setup-schema', '-v', '0.0']);
      if (!r.ok) throw new Error(`temporal sql setup-schema (${db}) failed:\n${r.out}`);
    }
    const r = run(tools.sql, [...common, '--db', db, 'update-schema', '-d', path.join(tools.schema, dir, 'versioned')]);
    if (!r.ok) throw new Error(`temporal sql update-schema (${db}) failed:\n${r.out}`);
    const version = psqlSuper(c, 'select curr_version from schema_version', db).stdout.trim();
    log(`  temporal: ${db} schema at version ${version}`);
  }
}

// --- processes ---------------------------------------------------------------------------

/** The environment cluster.yaml is rendered with (the server renders it itself). */
export function serverEnv(c: Config, service?: ClusterService): Record<string, string> {
  const p = clusterPorts(c);
  const d = clusterDatabase();
  const pgUrl = new URL(c.DATABASE_URL);
  return {
    CLUSTER_HOST: clusterHost(c),
    CLUSTER_LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL ?? 'warn',
    CLUSTER_DB_ADDRESS: `${pgUrl.hostname}:${pgUrl.port || '5432'}`,
    CLUSTER_DB_USER: d.user,
    CLUSTER_DB_PASSWORD: d.password,
    CLUSTER_DB: d.db,
    CLUSTER_VISIBILITY_DB: d.visibilityDb,
    CLUSTER_TLS_DIR: tlsDir(),
    CLUSTER_DYNAMIC_CONFIG: path.join(clusterRoot, 'dynamicconfig/cluster.yaml'),
    CLUSTER_FRONTEND_PORT: String(p.frontend),
    CLUSTER_FRONTEND_HTTP_PORT: String(p.frontendHttp),
    CLUSTER_HISTORY_PORT: String(p.history),
    CLUSTER_MATCHING_PORT: String(p.matching),
    CLUSTER_WORKER_PORT: String(p.worker),
    CLUSTER_FRONTEND_MEMBERSHIP_PORT: String(p.membership.frontend),
    CLUSTER_HISTORY_MEMBERSHIP_PORT: String(p.membership.history),
    CLUSTER_MATCHING_MEMBERSHIP_PORT: String(p.membership.matching),
    CLUSTER_WORKER_MEMBERSHIP_PORT: String(p.membership.worker),
    ...(service ? { CLUSTER_METRICS_PORT: String(p.metrics[service]) } : {}),
    CLUSTER_UI_PORT: String(p.ui),
    CLUSTER_NAMESPACE: c.TEMPORAL_NAMESPACE,
  };
}

/** The command line of one service: what docs/deployment.md lists and a service manager runs. */
export function serviceArgs(service: ClusterService): string[] {
  return [
    '--root',
    clusterRoot,
    '--config',
    'config',
    '--env',
    'cluster',
    '--allow-no-auth',
    'start',
    '--service',
    service,
  ];
}

export const uiArgs = () => ['--root', clusterRoot, '--config', 'ui', '--env', 'cluster', 'start'];

const procName = (s: ClusterService | 'ui') => `temporal-${s}`;
const processNames = [...clusterServices.map(procName), procName('ui')];

/** Every port of the cluster (each must be free before it starts). */
export function clusterPortList(c: Config): number[] {
  const p = clusterPorts(c);
  return [
    p.frontend,
    p.frontendHttp,
    p.history,
    p.matching,
    p.worker,
    ...Object.values(p.membership),
    ...Object.values(p.metrics),
    p.ui,
  ];
}

/** The port that opens once a service is up: the worker service serves no gRPC, only its membership port. */
const readinessPort = (p: ClusterPorts, s: ClusterService | 'ui') =>
  s === 'ui' ? p.ui : s === 'worker' ? p.membership.worker : p[s];

/** Starts one service (or the UI) detached, recorded by pid, and waits for its gRPC/HTTP port; retries a start that exits. */
async function startService(c: Config, service: ClusterService | 'ui', log: (s: string) => void) {
  const tools = clusterTools();
  const p = clusterPorts(c);
  const host = clusterHost(c);
  const port = readinessPort(p, service);
  const name = procName(service);
  for (let attempt = 1; ; attempt++) {
    const pid =
      service === 'ui'
        ? spawnDetached(name, tools.ui, uiArgs(), serverEnv(c))
        : spawnDetached(name, tools.server, serviceArgs(service), serverEnv(c, service));
    try {
      await waitFor(
        `temporal ${service}`,
        async () => {
          if (!isAlive(pid)) throw new Error(`exited`);
          return portOpen(port, host);
        },
        90_000,
        name,
      );
      return;
    } catch (err) {
      // A service started while another initialises the cluster's metadata can lose that race
      // and exit: a service manager starts it again; so do we, twice.
      if (isAlive(pid) || attempt >= 3) throw new Error(`temporal ${service} did not start:\n${tailOf(name)}`);
      log(`  temporal: ${service} exited while starting (attempt ${attempt}); starting it again`);
      void err;
      await sleep(1000);
    }
  }
}

/**
 * The platform's namespace and its search attributes (proto's SearchAttr; on SQL visibility
 * each maps to one of the pre-made columns). Registered through the frontend before history
 * and matching start, so they load the namespace with its attributes; waits until the
 * frontend's own cache answers a query on them.
 */
async function ensureNamespace(c: Config, log: (s: string) => void) {
  // The frontend's port opens a moment before it answers.
  let answered: Connection | undefined;
  await waitFor(
    'the Temporal frontend',
    async () => {
      const conn = await Connection.connect(clusterConnectionOptions(c));
      try {
        await conn.workflowService.getSystemInfo({});
      } catch (err) {
        await conn.close();
        throw err;
      }
      answered = conn;
      return true;
    },
    90_000,
    procName('frontend'),
  );
  const connection = answered;
  if (!connection) throw new Error('no connection to the Temporal frontend');
  const namespace = c.TEMPORAL_NAMESPACE;
  try {
    await registerNamespace(connection, namespace, {
      retention: process.env.TEMPORAL_RETENTION ?? '30 days',
      description: 'copyreg: 作品自愿登记',
      log,
    });
    // The frontend's namespace cache refreshes every ~10 s: until then a query on a new
    // attribute is refused. Every attribute must be usable before any work starts.
    const query = Object.values(SearchAttr)
      .map((k) => `${k.name} IS NULL`)
      .join(' AND ');
    await waitFor(
      `the search attributes of ${namespace}`,
      async () => {
        await connection.workflowService.countWorkflowExecutions({ namespace, query });
        return true;
      },
      60_000,
    );
  } finally {
    await connection.close();
  }
}

/**
 * History, matching and the cluster as a whole answer: a request that must go through the
 * history service (describe an unknown workflow: NotFound, not Unavailable) and one through
 * matching (describe a task queue).
 */
export async function clusterHealthy(c: Config): Promise<boolean> {
  if (!existsSync(path.join(tlsDir(), 'client.pem'))) return false;
  if (!(await portOpen(clusterPorts(c).frontend, clusterHost(c)))) return false;
  const connection = await Connection.connect(clusterConnectionOptions(c));
  try {
    const namespace = c.TEMPORAL_NAMESPACE;
    await connection.workflowService.describeNamespace({ namespace });
    await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: 'health-check' },
      taskQueueType: 1,
    });
    try {
      await connection.workflowService.describeWorkflowExecution({
        namespace,
        execution: { workflowId: 'health-check-no-such-workflow' },
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 5) throw err; // 5: NOT_FOUND, answered by history
    }
    return true;
  } finally {
    await connection.close();
  }
}

/** The stack's Postgres and MinIO (reused when they answer), as `up` brings them. */
async function upParts(parts: StackPart[], c: Config, log: (s: string) => void, started: string[]) {
  for (const part of parts) await upPart(part, c, log, started);
}

export const clusterStackParts = () => stackParts.filter((p) => p.name !== 'temporal');

/**
 * Postgres and MinIO (the stack's, reused), then the Temporal cluster: certificates, databases
 * and schemas, the frontend, the namespace and search attributes, history, matching, worker,
 * the Web UI. Returns the names of the stack parts it started. A cluster already healthy on
 * these ports (started by an earlier `cluster up`) is reused.
 */
export async function clusterUp(
  c: Config,
  log: (s: string) => void = console.log,
  /** Filled with the stack parts started, as they start (so a caller can stop them after a failure). */
  started: string[] = [],
): Promise<string[]> {
  const tools = clusterTools();
  for (const [what, file] of Object.entries(tools))
    if (!existsSync(file)) throw new Error(`${what} not built (${file}): run infra/bin/bootstrap.sh`);
  await upParts(clusterStackParts(), c, log, started);
  const host = clusterHost(c);
  ensureCertificates(host, log);
  if (await clusterHealthy(c).catch(() => false)) {
    log(`  temporal: reusing the cluster that answers at ${c.TEMPORAL_ADDRESS}`);
    return started;
  }
  const running = processNames.filter((n) => {
    const pid = recordedPid(n);
    return pid !== undefined && isAlive(pid);
  });
  if (running.length) throw new Error(`a cluster is half up (${running.join(', ')}): run the cluster's down first`);
  const busy: number[] = [];
  for (const port of clusterPortList(c)) if (await portOpen(port, host)) busy.push(port);
  if (busy.length)
    throw new Error(
      `ports of the Temporal cluster already taken: ${busy.join(', ')} (the development server on ${c.TEMPORAL_ADDRESS}? stop it first)`,
    );
  setupClusterDatabase(c, log);
  try {
    log('  temporal: starting frontend');
    await startService(c, 'frontend', log);
    await ensureNamespace(c, log);
    for (const s of ['history', 'matching', 'worker'] as const) {
      log(`  temporal: starting ${s}`);
      await startService(c, s, log);
    }
    await waitFor('the Temporal cluster', () => clusterHealthy(c), 120_000, procName('history'));
    log('  temporal: starting the Web UI');
    await startService(c, 'ui', log);
    await waitFor(
      'the Temporal Web UI',
      () => httpOk(`http://${host}:${clusterPorts(c).ui}/healthz`),
      60_000,
      procName('ui'),
    );
  } catch (err) {
    // Nothing half up is left behind: the next `up` starts from the databases, which are kept.
    await clusterDown(log);
    throw err;
  }
  return started;
}

/** Stops the cluster's processes this project started (by recorded pid), UI and worker first. */
export async function clusterDown(log: (s: string) => void = console.log) {
  for (const name of [...processNames].reverse()) if (await stopRecorded(name)) log(`  ${name}: stopped`);
}

export function clusterAddresses(c: Config): string[] {
  const p = clusterPorts(c);
  const host = clusterHost(c);
  return [
    `temporal cluster frontend (mTLS): ${host}:${p.frontend}; history ${p.history}, matching ${p.matching}, worker ${p.worker}`,
    `temporal Web UI: http://${host}:${p.ui}`,
    `temporal client certificate: ${path.join(tlsDir(), 'client.pem')} (key client-key.pem, CA ca.pem)`,
    `temporal server logs: ${path.join(dataDir, 'logs')}/temporal-{frontend,history,matching,worker,ui}.log`,
  ];
}

/** Whether each cluster process is up. */
export async function clusterStatus(c: Config): Promise<Record<string, string>> {
  const p = clusterPorts(c);
  const host = clusterHost(c);
  const out: Record<string, string> = {};
  for (const s of [...clusterServices, 'ui'] as const) {
    const port = readinessPort(p, s);
    out[`temporal-${s}`] = (await portOpen(port, host)) ? 'up' : 'down';
  }
  out['temporal cluster'] = (await clusterHealthy(c).catch(() => false)) ? 'healthy' : 'not answering';
  return out;
}

// --- a private cluster stack (the cluster test, the bench) ---------------------------------

/**
 * The project's CLI (`cluster up`, `reset`…) with a private cluster's environment; `reset` only
 * for a private one (it drops the Postgres cluster and deletes the data directory).
 */
export function privateClusterCli(env: Record<string, string>, args: string[], timeout = 300_000) {
  const dir = env.COPYREG_DATA_DIR ?? '';
  if (args[0] === 'reset' && (path.dirname(dir) !== dataDir || !env.PG_CLUSTER?.startsWith('copyreg-')))
    throw new Error(`refusing to reset anything but a private cluster stack (${dir})`);
  const started = Date.now();
  const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/src/cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
  });
  if (r.status !== 0)
    throw new Error(`cli ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return { out: r.stdout, seconds: Math.round((Date.now() - started) / 1000) };
}

/** Waits until N registration workers and N documents workers poll the cluster (over mutual TLS). */
export async function waitForPollers(c: Config, connection: Connection, n: number, timeoutMs = 180_000) {
  const pollers = async (name: string, taskQueueType: 1 | 2) =>
    (
      await connection.workflowService.describeTaskQueue({
        namespace: c.TEMPORAL_NAMESPACE,
        taskQueue: { name },
        taskQueueType,
      })
    ).pollers ?? [];
  // 1: workflow tasks, 2: activity tasks.
  await waitFor(
    `${n} registration workers and ${n} documents workers polling the cluster`,
    async () =>
      (await pollers(TaskQueue.registration, 1)).length >= n && (await pollers(TaskQueue.documents, 2)).length >= n,
    timeoutMs,
  );
}
