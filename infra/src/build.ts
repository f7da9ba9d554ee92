import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { workflowInterceptorModules } from '@copyreg/kit';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import * as esbuild from 'esbuild';
import { externalImports, runtimeDependencyProblems } from './build-check';
import { repoRoot } from './paths';
import { platformProcesses } from './platform';

/**
 * `npm run build`: each Node process of the platform bundled once with esbuild into dist/<name>.js
 * (run with plain `node`), the workflow bundle prebuilt into dist/workflow-bundle.js, and every
 * knex migration compiled into dist/ under the path its source has, so the built processes and
 * `node dist/migrate.js` find them. The portal's browser app is built by the portal itself.
 */
export const distDir = path.join(repoRoot, 'dist');

/** name → entry script; the portal is served from its own Vite build and is not bundled here. */
export const entries: Record<string, string> = {
  ...Object.fromEntries(platformProcesses.filter((p) => p.name !== 'portal').map((p) => [p.name, p.script])),
  migrate: 'infra/src/migrate-main.ts',
};

const mainCheck = /import\.meta\.url === `file:\/\/\$\{process\.argv\[1\]\}`/g;
const migrationsUrl = /new URL\('\.\.\/migrations', import\.meta\.url\)/g;

/** Our own modules are bundled; every third-party package stays external and resolves from node_modules at run time. */
function workspacePlugin(entry: string, migrationDirs: Set<string>): esbuild.Plugin {
  return {
    name: 'copyreg-workspace',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith('@copyreg/') ? undefined : { path: args.path, external: true },
      );
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = (await readFile(args.path, 'utf8'))
          // "Am I the entry point?" is known when bundling: only the entry's own main runs.
          .replace(mainCheck, args.path === entry ? 'true' : 'false')
          // A schema's migrations folder, relative to its source, is mirrored under dist/.
          .replace(migrationsUrl, () => {
            const dir = path.resolve(path.dirname(args.path), '../migrations');
            migrationDirs.add(dir);
            return `new URL('./${path.relative(repoRoot, dir).split(path.sep).join('/')}/', import.meta.url)`;
          });
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/**
 * Knex records each migration by file name, so a compiled migration keeps its `.ts` name (the rows
 * already in knex_migrations stay valid); its content is CommonJS, which knex `require`s.
 */
async function buildMigrations(dir: string): Promise<string[]> {
  const outDir = path.join(distDir, path.relative(repoRoot, dir));
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts'));
  await Promise.all(
    files.map(async (f) => {
      const source = path.join(dir, f);
      await esbuild.build({
        entryPoints: [source],
        outfile: path.join(outDir, f),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        define: { 'import.meta.url': '__importMetaUrl' },
        banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
        logLevel: 'warning',
      });
      // Files a migration reads beside its source (e.g. the working calendar) keep their relative place.
      for (const m of (await readFile(source, 'utf8')).matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)) {
        const from = path.resolve(dir, m[1] as string);
        const to = path.join(distDir, path.relative(repoRoot, from));
        await mkdir(path.dirname(to), { recursive: true });
        await copyFile(from, to);
      }
    }),
  );
  return files;
}

export async function build(): Promise<void> {
  const started = Date.now();
  await rm(distDir, { recursive: true, force: true });
  await mkdir(distDir, { recursive: true });
  await writeFile(path.join(distDir, 'package.json'), '{ "type": "module" }\n');
  const migrationDirs = new Set<string>();
  const metafiles: Record<string, esbuild.Metafile> = {};
  await Promise.all(
    Object.entries(entries).map(async ([name, script]) => {
      const entry = path.join(repoRoot, script);
      const result = await esbuild.build({
        entryPoints: [entry],
        absWorkingDir: repoRoot,
        outfile: path.join(distDir, `${name}.js`),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        sourcemap: true,
        metafile: true,
        // ESM output: CommonJS code bundled from our modules may still call require.
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
        plugins: [workspacePlugin(entry, migrationDirs)],
        logLevel: 'warning',
      });
      metafiles[name] = result.metafile;
    }),
  );
  for (const dir of migrationDirs) await buildMigrations(dir);
  await writeFile(path.join(distDir, 'meta.json'), JSON.stringify(metafiles));
  // Production installs only `dependencies` (npm ci --omit=dev): each external must be one.
  // knex loads its dialect's driver by name (client 'pg' in services/kit/src/db.ts), unseen by esbuild.
  const knexDriver = { bundle: 'every bundle with knex', pkg: 'pg', importer: 'services/kit/src/db.ts' };
  const problems = runtimeDependencyProblems(repoRoot, [...externalImports(metafiles), knexDriver]);
  if (problems.length)
    throw new Error(`runtime imports that npm ci --omit=dev would not install:\n${problems.join('\n')}`);
  const bundled = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: createRequire(import.meta.url).resolve('@copyreg/workflows'),
    logger: new DefaultLogger('WARN'),
    // The same OpenTelemetry workflow interceptors as the worker's own bundle (kit tracing.ts).
    workflowInterceptorModules: workflowInterceptorModules(true),
  });
  await writeFile(path.join(distDir, 'workflow-bundle.js'), code);
  const sizes = await Promise.all(
    [...Object.keys(entries), 'workflow-bundle'].map(
      async (n) => `${n} ${Math.round((await stat(path.join(distDir, `${n}.js`))).size / 1024)} KB`,
    ),
  );
  console.log(
    `built dist/ in ${Date.now() - started} ms (processes ${bundled - started} ms, workflow bundle ${Date.now() - bundled} ms): ${sizes.join(', ')}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
