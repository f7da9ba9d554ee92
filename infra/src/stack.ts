import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Config, createObjectStore, ensureBucket } from '@copyreg/kit';
import { searchAttributeFlags } from '@copyreg/proto';
import { Connection } from '@temporalio/client';
import { dataDir, postgresBinDir, tools } from './paths';
import { httpOk, portOpen, recordedPid, run, spawnDetached, stopRecorded, waitFor } from './proc';

/**
 * The development stack: the real servers, as plain processes on loopback.
 * Each part is reused when something healthy already answers on its port (a running
 * `npm start`, or an external server), and otherwise started and recorded by pid.
 */
export interface StackPart {
  name: string;
  healthy(c: Config): Promise<boolean>;
  /** Whether something already listens on the part's port. */
  busy(c: Config): Promise<boolean>;
  start(c: Config): Promise<void>;
  stop(): Promise<boolean>;
  /** Runs after the part answers, whether started or reused: databases, buckets. */
  prepare?(c: Config): Promise<void>;
  address(c: Config): string;
}

const isRoot = process.getuid?.() === 0;
/** Debian cluster name; a second stack (e.g. the fault tests') sets its own. */
const PG_CLUSTER = process.env.PG_CLUSTER ?? 'copyreg';

function pgVersion(): string {
  return path.basename(path.dirname(postgresBinDir()));
}

/** psql as the database superuser, over the local socket. */
function psqlSuper(c: Config, sql: string, db = 'postgres') {
  const socketDir = isRoot ? '/var/run/postgresql' : path.join(dataDir, 'postgres');
  const args = ['-h', socketDir, '-p', String(c.PG_PORT), '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql];
  return isRoot ? run('runuser', ['-u', 'postgres', '--', 'psql', ...args]) : run('psql', ['-U', 'postgres', ...args]);
}

const postgres: StackPart = {
  name: 'postgres',
  busy: (c) => portOpen(c.PG_PORT),
  healthy: async (c) => {
    const url = new URL(c.DATABASE_URL);
    return run(path.join(postgresBinDir(), 'pg_isready'), ['-q', '-h', url.hostname, '-p', url.port || '5432']).ok;
  },
  async start(c) {
    if (isRoot) {
      // initdb refuses to run as root: Debian's cluster tools run the server as `postgres`.
      const v = pgVersion();
      if (
        !run('pg_lsclusters', ['-h'])
          .out.split('\n')
          .some((l) => l.split(/\s+/)[1] === PG_CLUSTER)
      ) {
        const r = run('pg_createcluster', [
          v,
          PG_CLUSTER,
          '-p',
          String(c.PG_PORT),
          '--',
          '--auth-local=peer',
          '--auth-host=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
        ]);
        if (!r.ok) throw new Error(`pg_createcluster failed:\n${r.out}`);
      }
      const r = run('pg_ctlcluster', [v, PG_CLUSTER, 'start']);
      if (!r.ok && !/already running/.test(r.out)) throw new Error(`pg_ctlcluster start failed:\n${r.out}`);
      mkdirSync(path.join(dataDir, 'pids'), { recursive: true });
      spawnMarker();
    } else {
      const dir = path.join(dataDir, 'postgres');
      const bin = postgresBinDir();
      if (!existsSync(path.join(dir, 'PG_VERSION'))) {
        const r = run(path.join(bin, 'initdb'), [
          '-D',
          dir,
          '-U',
          'postgres',
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E',
          'UTF8',
        ]);
        if (!r.ok) throw new Error(`initdb failed:\n${r.out}`);
      }
      const r = run(path.join(bin, 'pg_ctl'), [
        '-D',
        dir,
        '-l',
        path.join(dataDir, 'logs/postgres.log'),
        '-o',
        `-p ${c.PG_PORT} -k ${dir} -c listen_addresses=127.0.0.1`,
        'start',
      ]);
      if (!r.ok) throw new Error(`pg_ctl start failed:\n${r.out}`);
      spawnMarker();
    }
  },
  async stop() {
    if (!recordedPid('postgres-marker')) return false;
    await stopRecorded('postgres-marker');
    if (isRoot) run('pg_ctlcluster', [pgVersion(), PG_CLUSTER, 'stop', '-m', 'fast']);
    else run(path.join(postgresBinDir(), 'pg_ctl'), ['-D', path.join(dataDir, 'postgres'), 'stop', '-m', 'fast']);
    return true;
  },
  async prepare(c) {
    const url = new URL(c.DATABASE_URL);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const db = url.pathname.slice(1);
    const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
    const roleExists = psqlSuper(c, `select 1 from pg_roles where rolname = ${q(user)}`);
    if (!roleExists.ok) return; // not our server (an external one): the URL's role and database are its business
    if (roleExists.stdout.trim() !== '1') psqlSuper(c, `create role "${user}" login password ${q(password)}`);
    for (const name of [db]) {
      if (psqlSuper(c, `select 1 from pg_database where datname = ${q(name)}`).stdout.trim() !== '1') {
        const r = psqlSuper(c, `create database "${name}" owner "${user}" encoding 'UTF8' template template0`);
        if (!r.ok) throw new Error(`create database ${name} failed:\n${r.out}`);
      }
    }
  },
  address: (c) => `postgres://127.0.0.1:${c.PG_PORT}`,
};

/**
 * Debian's cluster tools daemonise the server themselves, so we record a marker pid of our own
 * (a sleeping shell) to know that this project started the cluster and may stop it.
 */
function spawnMarker() {
  spawnDetached('postgres-marker', 'sleep', ['infinity']);
}

/**
 * `temporal server start-dev` on the config's address, namespace and search attributes, with
 * its SQLite file. `pragmas: false` only for the benchmark that measures what they buy.
 */
export function temporalDevServerArgs(c: Config, dbFile: string, pragmas = true): string[] {
  const [ip, port] = c.TEMPORAL_ADDRESS.split(':') as [string, string];
  const args = ['server', 'start-dev', '--ip', ip, '--port', port, '--ui-port', String(c.TEMPORAL_UI_PORT)];
  args.push('--db-filename', dbFile);
  // The pragmas Temporal's own stress CI uses: WAL, and no fsync per write (a dev server).
  if (pragmas) args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  args.push('--namespace', c.TEMPORAL_NAMESPACE, '--log-level', 'warn');
  for (const flag of searchAttributeFlags()) args.push('--search-attribute', flag);
  return args;
}

const temporal: StackPart = {
  name: 'temporal',
  busy: (c) => portOpen(Number(c.TEMPORAL_ADDRESS.split(':')[1]), c.TEMPORAL_ADDRESS.split(':')[0]),
  async healthy(c) {
    const [host, port] = c.TEMPORAL_ADDRESS.split(':');
    if (!(await portOpen(Number(port), host))) return false;
    const connection = await Connection.connect({ address: c.TEMPORAL_ADDRESS, connectTimeout: 2000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: c.TEMPORAL_NAMESPACE });
      return true;
    } finally {
      await connection.close();
    }
  },
  async start(c) {
    if (!existsSync(tools.temporal)) throw new Error('Temporal CLI not built: run infra/bin/bootstrap.sh');
    spawnDetached('temporal', tools.temporal, temporalDevServerArgs(c, path.join(dataDir, 'temporal.sqlite')));
  },
  stop: () => stopRecorded('temporal'),
  address: (c) => `${c.TEMPORAL_ADDRESS} (Web UI ${c.TEMPORAL_UI_URL})`,
};

const minio: StackPart = {
  name: 'minio',
  busy: (c) => portOpen(Number(new URL(c.S3_ENDPOINT).port), new URL(c.S3_ENDPOINT).hostname),
  healthy: (c) => httpOk(`${c.S3_ENDPOINT}/minio/health/live`),
  async start(c) {
    if (!existsSync(tools.minio)) throw new Error('MinIO not built: run infra/bin/bootstrap.sh');
    const url = new URL(c.S3_ENDPOINT);
    spawnDetached(
      'minio',
      tools.minio,
      [
        'server',
        path.join(dataDir, 'minio'),
        '--address',
        `${url.hostname}:${url.port}`,
        '--console-address',
        `127.0.0.1:${c.MINIO_CONSOLE_PORT}`,
        '--quiet',
      ],
      {
        MINIO_ROOT_USER: c.S3_ACCESS_KEY,
        MINIO_ROOT_PASSWORD: c.S3_SECRET_KEY,
        MINIO_BROWSER: 'on',
        MINIO_UPDATE: 'off',
      },
    );
  },
  stop: () => stopRecorded('minio'),
  async prepare(c) {
    const store = createObjectStore();
    await ensureBucket(store, c.S3_BUCKET);
  },
  address: (c) => `${c.S3_ENDPOINT} (console http://127.0.0.1:${c.MINIO_CONSOLE_PORT}, user ${c.S3_ACCESS_KEY})`,
};

export const stackParts: StackPart[] = [postgres, temporal, minio];

/** Brings every part up; returns the names of the parts this call started (not reused). */
/**
 * One part up: reused when it answers, waited for when something already listens on its port (a
 * loaded machine answers health checks slowly; a second server would die on the busy port),
 * started otherwise (its name then goes into `started`).
 */
export async function upPart(part: StackPart, c: Config, log: (s: string) => void, started: string[]) {
  if (await part.healthy(c).catch(() => false)) {
    log(`  ${part.name}: reusing the server that answers at ${part.address(c)}`);
  } else if (await part.busy(c)) {
    log(`  ${part.name}: waiting for the server already listening at ${part.address(c)}`);
    await waitFor(part.name, () => part.healthy(c), 90_000);
  } else {
    log(`  ${part.name}: starting`);
    await part.start(c);
    started.push(part.name);
    await waitFor(part.name, () => part.healthy(c), 90_000, part.name);
  }
  await part.prepare?.(c);
}

export async function up(c: Config, log: (s: string) => void = console.log): Promise<string[]> {
  const started: string[] = [];
  await Promise.all(stackParts.map((part) => upPart(part, c, log, started)));
  return started;
}

export async function down(names = stackParts.map((p) => p.name), log: (s: string) => void = console.log) {
  for (const part of [...stackParts].reverse()) {
    if (names.includes(part.name) && (await part.stop())) log(`  ${part.name}: stopped`);
  }
}

export async function reset(c: Config, log: (s: string) => void = console.log) {
  await down(undefined, log);
  if (isRoot && run('pg_lsclusters', ['-h']).out.includes(PG_CLUSTER))
    run('pg_dropcluster', [pgVersion(), PG_CLUSTER, '--stop']);
  rmSync(dataDir, { recursive: true, force: true });
  log(
    `  removed ${path.relative(process.cwd(), dataDir) || dataDir}${isRoot ? ` and the ${PG_CLUSTER} Postgres cluster` : ''}`,
  );
  void c;
}
