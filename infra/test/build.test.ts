import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { loadConfig } from '@copyreg/kit';
import { TaskQueue } from '@copyreg/proto';
import { Connection } from '@temporalio/client';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNamespace, killGroup, stopChild } from '../src/bench/isolated';
import { externalImports, runtimeDependencyProblems } from '../src/build-check';
import { repoRoot } from '../src/paths';
import { waitFor } from '../src/proc';

/**
 * The production build: `npm run build` bundles every Node process into dist/, and the built
 * filing API and registration worker run with plain `node` (no tsx) against the shared stack,
 * the worker polling a Temporal namespace of this test's own (no workflow of anyone else's).
 */
const dist = path.join(repoRoot, 'dist');
const namespace = 'copyreg-build';
const children: ChildProcess[] = [];
const output = new Map<ChildProcess, string>();
// Whatever happens to this test process, the processes it started do not outlive it.
process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `node dist/<name>.js` in its own process group, with none of the test runner's loaders. */
function runBuilt(name: string, env: Record<string, string>): ChildProcess {
  const { NODE_OPTIONS: _loaders, ...inherited } = process.env;
  const child = spawn(process.execPath, [path.join(dist, `${name}.js`)], {
    cwd: repoRoot,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  output.set(child, '');
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (d: Buffer) => output.set(child, output.get(child) + d.toString()));
  return child;
}

describe('production build (npm run build, then plain node)', () => {
  let buildMs = 0;
  beforeAll(() => {
    const started = Date.now();
    const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/src/build.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    buildMs = Date.now() - started;
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
    console.log(r.stdout.trim(), `(${buildMs} ms with tsx start)`);
  }, 150_000);

  afterAll(async () => {
    await Promise.all(children.map((child) => stopChild(child)));
  });

  it('bundles every process, the workflow bundle and the migrations into dist/', () => {
    for (const name of [
      'identity',
      'filing',
      'signature',
      'payment',
      'certificate',
      'worker',
      'documents-worker',
      'dev-oidc',
      'dev-gateway',
      'mail-catcher',
      'dev-csc',
      'migrate',
      'workflow-bundle',
    ])
      expect(existsSync(path.join(dist, `${name}.js`)), `${name}.js`).toBe(true);
    // Our own code is inside the bundles; none of it is loaded from the TypeScript sources.
    const meta = JSON.parse(readFileSync(path.join(dist, 'meta.json'), 'utf8')) as Record<string, Metafile>;
    for (const [name, m] of Object.entries(meta)) {
      const external = Object.values(m.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path));
      expect(
        external.filter((p) => p.startsWith('@copyreg/') || p.endsWith('.ts')),
        name,
      ).toEqual([]);
    }
    // Each compiled migration loads under plain node (CommonJS, its .ts name kept for knex's records).
    const require = createRequire(import.meta.url);
    for (const dir of ['services/identity/migrations', 'services/filing/migrations', 'activities/migrations']) {
      const files = readdirSync(path.join(dist, dir)).filter((f) => f.endsWith('.ts'));
      expect(files.length, dir).toBeGreaterThan(0);
      for (const f of files) expect(typeof require(path.join(dist, dir, f)).up, `${dir}/${f}`).toBe('function');
    }
  });

  it('every runtime import of a bundle is a dependency (npm ci --omit=dev installs it)', () => {
    const meta = JSON.parse(readFileSync(path.join(dist, 'meta.json'), 'utf8')) as Record<string, Metafile>;
    const imports = externalImports(meta);
    expect(new Set(imports.map((i) => i.pkg))).toContain('@temporalio/worker');
    expect(runtimeDependencyProblems(repoRoot, imports)).toEqual([]);
    // The check itself catches a devDependency: vitest is only a root devDependency.
    const bad = [{ bundle: 'filing', pkg: 'vitest', importer: 'services/filing/src/app.ts' }];
    expect(runtimeDependencyProblems(repoRoot, bad)).toEqual([
      'filing: services/filing/src/app.ts imports vitest, which is not in dependencies of services/filing/package.json or the root',
    ]);
  });

  it('node dist/migrate.js finds every migration already applied to the test database', () => {
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const r = spawnSync(process.execPath, [path.join(dist, 'migrate.js')], {
      cwd: repoRoot,
      env: { ...env, LOG_LEVEL: 'info' },
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('database migrated');
  }, 60_000);

  it('the built filing API answers and the built worker polls, with plain node', async () => {
    const c = loadConfig({ ...process.env, TEMPORAL_NAMESPACE: namespace });
    await ensureNamespace(c);
    const port = await freePort();
    const started = Date.now();
    const filing = runBuilt('filing', { FILING_PORT: String(port) });
    const worker = runBuilt('worker', { TEMPORAL_NAMESPACE: namespace });
    const url = `http://127.0.0.1:${port}/api/filing/openapi.json`;
    await waitFor(
      'built filing API',
      async () => {
        if (filing.exitCode !== null) throw new Error(`filing exited ${filing.exitCode}:\n${output.get(filing)}`);
        return fetch(url).then(
          (r) => r.ok,
          () => false,
        );
      },
      30_000,
    );
    const filingMs = Date.now() - started;
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { openapi: string }).openapi).toMatch(/^3\./);

    const connection = await Connection.connect({ address: c.TEMPORAL_ADDRESS });
    try {
      await waitFor(
        'built worker polling',
        async () => {
          if (worker.exitCode !== null) throw new Error(`worker exited ${worker.exitCode}:\n${output.get(worker)}`);
          const { pollers } = await connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: TaskQueue.registration },
          });
          return pollers.some((p) => p.identity?.startsWith(`${worker.pid}@`));
        },
        30_000,
      );
    } finally {
      await connection.close();
    }
    console.log(`filing API answered ${filingMs} ms after start; worker polled ${Date.now() - started} ms after start`);
    // It ran the workflow bundle the build made, without bundling it again.
    expect(output.get(worker)).toContain('prebuilt workflow bundle loaded');
    expect(filing.spawnargs.join(' ')).not.toContain('tsx');
  }, 90_000);
});
