import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Metafile } from 'esbuild';

/** One package a bundle imports at run time, and the source file that imports it. */
export interface ExternalImport {
  bundle: string;
  pkg: string;
  importer: string;
}

/** The package name of a bare import: `pg`, `@temporalio/worker`, `knex/lib/x` → `knex`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Every third-party package each bundle loads from node_modules at run time (builtins left out). */
export function externalImports(metafiles: Record<string, Metafile>): ExternalImport[] {
  const out: ExternalImport[] = [];
  const builtins = new Set(builtinModules);
  for (const [bundle, meta] of Object.entries(metafiles)) {
    for (const [importer, input] of Object.entries(meta.inputs)) {
      for (const i of input.imports) {
        if (!i.external || i.path.startsWith('node:') || builtins.has(i.path)) continue;
        out.push({ bundle, pkg: packageName(i.path), importer });
      }
    }
  }
  return out;
}

/** The package.json nearest above a file (the workspace that owns it). */
function owningManifest(root: string, file: string): string {
  let dir = path.dirname(path.resolve(root, file));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'package.json');
}

/**
 * What `npm ci --omit=dev` would break: an external import that is not in `dependencies` of the
 * importing file's workspace or of the root, or that is not installed where dist/ resolves it.
 */
export function runtimeDependencyProblems(root: string, imports: ExternalImport[]): string[] {
  const deps = (manifest: string): Record<string, string> =>
    (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  const rootDeps = deps(path.join(root, 'package.json'));
  const problems = new Set<string>();
  for (const { bundle, pkg, importer } of imports) {
    const manifest = owningManifest(root, importer);
    if (!(pkg in deps(manifest)) && !(pkg in rootDeps))
      problems.add(
        `${bundle}: ${importer} imports ${pkg}, which is not in dependencies of ${path.relative(root, manifest)} or the root`,
      );
    if (!existsSync(path.join(root, 'node_modules', pkg, 'package.json')))
      problems.add(`${bundle}: ${pkg} is not installed in node_modules, where dist/ resolves it`);
  }
  return [...problems];
}
