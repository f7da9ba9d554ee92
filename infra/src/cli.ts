import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from '@copyreg/kit';
import { testEnvironment } from '@copyreg/kit/vitest';
import { clusterAddresses, clusterClientEnv, clusterDown, clusterStatus, clusterUp } from './cluster';
import { migrateAll, wipeDatabase } from './migrate';
import { dataDir, repoRoot } from './paths';
import { platformProcesses, startPlatform } from './platform';
import { startReplicated } from './replicas';
import { down, reset, stackParts, up } from './stack';

/**
 * The project's entry points: `npm start`, `npm test`, `npm run bench` and the stack commands.
 * infra/bin/bootstrap.sh has already installed what was missing.
 */
const log = (s: string) => console.log(s);
const head = (s: string) => console.log(`\n\x1b[1m${s}\x1b[0m`);

/** The test run's own database and bucket, so tests never touch a developer's data. */
export function testEnv(c: Config): NodeJS.ProcessEnv {
  const db = new URL(c.DATABASE_URL);
  db.pathname = `${db.pathname}_test`;
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.toString(),
    S3_BUCKET: `${c.S3_BUCKET}-test`,
    TURBO_TELEMETRY_DISABLED: '1',
  };
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function printAddresses(c: Config) {
  head('作品自愿登记平台 is running:');
  for (const p of platformProcesses) if (p.address) log(`  ${p.address(c)}`);
  for (const part of stackParts) log(`  ${part.name}: ${part.address(c)}`);
  log('\nCtrl-C stops everything this command started.');
}

/** `npm start`; `npm run dev` is the same with the portal serving the app from its sources with hot reload. */
async function start(c: Config, dev = false) {
  head('Starting the stack');
  const started = await up(c, log);
  head('Migrating the database');
  await migrateAll(c.DATABASE_URL);
  head('Starting the platform');
  const platform = await startPlatform(c, dev ? { PORTAL_DEV: '1' } : {}, true, 180_000).catch(async (err) => {
    console.error(err instanceof Error ? err.message : err);
    await down(started, log);
    process.exit(1);
  });
  printAddresses(c);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    head('Stopping');
    await platform.stop();
    await down(started, log);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const child of platform.children)
    child.on('exit', () => !stopping && log('a platform process exited: see .data/logs'));
}

/**
 * `npm run stack:cluster`: the platform on the production Temporal topology (cluster.ts): the
 * Temporal server's four services on the project's Postgres with mutual TLS and its Web UI,
 * MinIO, two replicas of each API behind HAProxy (replicas.ts), two registration and two
 * documents workers, the portal. Ctrl-C stops what it started. `cluster up|down|status` manage
 * the servers alone.
 */
async function clusterCommand(c: Config, sub: string | undefined) {
  switch (sub) {
    case 'up':
      await clusterUp(c, log);
      await migrateAll(c.DATABASE_URL);
      for (const a of clusterAddresses(c)) log(`  ${a}`);
      return;
    case 'down':
      return clusterDown(log);
    case 'status':
      for (const [k, v] of Object.entries(await clusterStatus(c))) log(`  ${k}: ${v}`);
      return;
    case undefined:
    case 'start':
      break;
    default:
      console.error('usage: cli.ts cluster [start|up|down|status]');
      process.exit(2);
  }
  head('Starting Postgres, MinIO and the Temporal cluster');
  const started: string[] = [];
  try {
    await clusterUp(c, log, started);
    head('Migrating the database');
    await migrateAll(c.DATABASE_URL);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await clusterDown(log);
    await down(started, log);
    process.exit(1);
  }
  head('Starting the platform on the cluster');
  const platform = await startReplicated(c, clusterClientEnv(), {
    logPrefix: 'cluster',
    portal: true,
    readyTimeoutMs: 180_000,
  }).catch(async (err) => {
    console.error(err instanceof Error ? err.message : err);
    await clusterDown(log);
    await down(started, log);
    process.exit(1);
  });
  head('作品自愿登记平台 is running on the Temporal cluster:');
  for (const p of platformProcesses) if (p.address) log(`  ${p.address(c)}`);
  for (const a of clusterAddresses(c)) log(`  ${a}`);
  log('  APIs: 2 replicas each behind HAProxy on the ports above; workers: 2 registration, 2 documents');
  log('\nCtrl-C stops everything this command started.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    head('Stopping');
    await platform.stop();
    await clusterDown(log);
    await down(started, log);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const [name, child] of platform.children)
    child.on('exit', () => !stopping && log(`${name} exited: see .data/logs`));
}

const resultsDir = path.join(dataDir, 'test-results');

type VitestReport = {
  testResults?: {
    name: string;
    message?: string;
    assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[];
  }[];
};

/** Each failed test (or file that failed to load), with the head of its message. */
function failuresOf(r: VitestReport) {
  const head = (m: string) => m.split('\n').slice(0, 12).join('\n');
  return (r.testResults ?? []).flatMap((f) => {
    const file = path.relative(process.cwd(), f.name);
    const tests = (f.assertionResults ?? [])
      .filter((a) => a.status === 'failed')
      .map((a) => ({ file, name: a.fullName, message: head((a.failureMessages ?? []).join('\n')) }));
    return tests.length || !f.message ? tests : [{ file, name: '(file)', message: head(f.message) }];
  });
}

/** One closing line over every package's vitest JSON results, after the failures themselves. */
function printTally() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: { file: string; name: string; message: string }[] = [];
  for (const file of existsSync(resultsDir) ? readdirSync(resultsDir) : []) {
    const r = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    failures.push(...failuresOf(r));
  }
  // Failures again at the very end, where a CI log's tail is all a reader may get.
  for (const f of failures) console.log(`\nFAILED ${f.file} › ${f.name}\n${f.message}`);
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

async function test() {
  // The test run's own database and bucket, so tests never touch a developer's data.
  const env: NodeJS.ProcessEnv = {
    ...testEnvironment(),
    TURBO_TELEMETRY_DISABLED: '1',
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  };
  const c = loadConfig({ ...process.env, ...env });
  head('Starting the stack');
  const started = await up(c, log);
  let code = 1;
  try {
    head('Preparing the test database');
    await wipeDatabase(c.DATABASE_URL);
    await migrateAll(c.DATABASE_URL);
    head('Lint');
    code = await exec('npx', ['biome', 'check', '.'], env);
    if (code === 0) {
      head('Typecheck and tests');
      rmSync(resultsDir, { recursive: true, force: true });
      code = await exec(
        'npx',
        ['turbo', 'run', 'typecheck', 'test', '--concurrency=1', '--continue', '--output-logs=full'],
        env,
      );
      printTally();
    }
  } finally {
    if (started.length) head('Stopping what this run started');
    await down(started, log);
  }
  process.exit(code);
}

async function main() {
  const command = process.argv[2];
  let c: Config;
  try {
    c = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  switch (command) {
    case 'up':
      await up(c, log);
      await migrateAll(c.DATABASE_URL);
      for (const part of stackParts) log(`  ${part.name}: ${part.address(c)}`);
      return;
    case 'down':
      await clusterDown(log); // a Temporal cluster's processes, when `cluster up` started them
      return down(undefined, log);
    case 'status':
      for (const part of stackParts)
        log(`  ${part.name}: ${(await part.healthy(c).catch(() => false)) ? 'up' : 'down'}`);
      return;
    case 'reset':
      await clusterDown(log);
      return reset(c, log);
    case 'cluster':
      return clusterCommand(c, process.argv[3]);
    case 'start':
      return start(c);
    case 'dev':
      return start(c, true);
    case 'test':
      return test();
    case 'bench':
      return exec('tsx', ['infra/src/bench/main.ts', ...process.argv.slice(3)]).then((code) => process.exit(code));
    default:
      console.error('usage: cli.ts up|down|status|reset|start|dev|test|bench|cluster');
      process.exit(2);
  }
}

await main();
