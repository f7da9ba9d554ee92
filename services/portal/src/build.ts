import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Beasties from 'beasties';

/** The portal's own folder; the browser app's sources are in web/, the built files in dist/ (gitignored). */
export const portalRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(portalRoot, 'dist');
const builtIndex = path.join(distDir, 'index.html');
/** The server's build of the landing page (web/src/ssr.tsx), under dist/. */
export const serverEntry = 'server/ssr.js';
/** The rules of the built stylesheets the landing page's first paint uses, under dist/. */
export const landingCss = 'server/landing.css';
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
    const configFile = path.join(portalRoot, 'vite.config.ts');
    await build({
      configFile,
      mode: 'production',
      logLevel: 'warn',
      ...(readable ? { build: { minify: false } } : {}),
    });
    // The landing page's server render: one file with its libraries, React's production runtime.
    await build({
      configFile,
      mode: 'production',
      logLevel: 'warn',
      ssr: { noExternal: true },
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        ssr: 'src/ssr.tsx',
        outDir: path.join(distDir, path.dirname(serverEntry)),
        emptyOutDir: false,
        rolldownOptions: { output: { codeSplitting: false } },
      },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  await writeLandingCss();
  if (readable) rmSync(productionMark, { force: true });
  else writeFileSync(productionMark, new Date().toISOString());
  log(`portal app built in ${Date.now() - started} ms`);
  return true;
}

/**
 * The landing page's own styles, inlined in its server-rendered HTML (src/landing.ts) so that it
 * paints without waiting for the whole stylesheet (~1 MB, 75 KB compressed; it loads after): the
 * built stylesheets' rules that match an element of the page in any of its states (ssr.tsx), chosen
 * by beasties. Done here once, not per request: it parses the whole stylesheet (1-2 s).
 */
async function writeLandingCss() {
  const entry = pathToFileURL(path.join(distDir, serverEntry));
  // A fresh module for each build in this process (an import is cached by its URL).
  entry.searchParams.set('built', String(Date.now()));
  const ssr = (await import(entry.href)) as {
    landingStates(): unknown[];
    render(location: string, state: unknown): { html: string };
  };
  const bodies = ssr.landingStates().map((state) => ssr.render('/', state).html);
  const stylesheets = readFileSync(builtIndex, 'utf8').match(/<link rel="stylesheet"[^>]*>/g) ?? [];
  const beasties = new Beasties({ path: distDir, publicPath: '/', logLevel: 'warn', compress: true });
  // Under html.elder, so that 长辈版's own rules are kept too.
  const page = await beasties.process(
    `<html class="elder"><head>${stylesheets.join('')}</head><body>${bodies.join('')}</body></html>`,
  );
  const css = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('');
  writeFileSync(path.join(distDir, landingCss), css);
}
