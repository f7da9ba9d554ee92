import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The portal's own folder; the browser app's sources are in web/, the built files in dist/ (gitignored). */
export const portalRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(portalRoot, 'dist');
const builtIndex = path.join(distDir, 'index.html');
/** Written last by a production build: a dist/ without it is a development build or a broken one. */
const productionMark = path.join(distDir, '.production');

/** Newest modification time under the given paths (files or folders). */
function newest(paths: string[]): number {
  let latest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    if (s.isDirectory()) {
      latest = Math.max(latest, newest(readdirSync(p).map((name) => path.join(p, name))));
    } else {
      latest = Math.max(latest, s.mtimeMs);
    }
  }
  return latest;
}

/** The build is stale when any source (the app, its config, the contracts it imports) is newer than it. */
export function buildIsStale(): boolean {
  if (!existsSync(builtIndex) || !existsSync(productionMark)) return true;
  const sources = [
    path.join(portalRoot, 'web'),
    path.join(portalRoot, 'vite.config.ts'),
    path.join(portalRoot, '../../proto/src'),
  ];
  return newest(sources) > statSync(builtIndex).mtimeMs;
}

/**
 * Builds the browser app with vite into dist/ when it is missing or stale; a fresh build is left alone.
 * Always a production build (React's production runtime, minified), whatever NODE_ENV the caller has:
 * vite makes a development build when NODE_ENV is `development` or `test`, as under `npm test`.
 * `readable` (bench/page-change-profile.ts) builds it unminified, with rolldown's `// <source>`
 * comments that name each module in a profile; left unmarked, so the next start builds the real one.
 */
export async function buildIfStale(
  log: (s: string) => void = () => {},
  { readable = false }: { readable?: boolean } = {},
): Promise<boolean> {
  if (!readable && !buildIsStale()) return false;
  const started = Date.now();
  const { build } = await import('vite');
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(portalRoot, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      ...(readable ? { build: { minify: false } } : {}),
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (readable) rmSync(productionMark, { force: true });
  else writeFileSync(productionMark, new Date().toISOString());
  log(`portal app built in ${Date.now() - started} ms`);
  return true;
}
