import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const web = fileURLToPath(new URL('./web', import.meta.url));

/**
 * The first page's code in three chunks that download at once, not ~20 small ones (a browser opens
 * 6 connections to a host, so 20 took 3-4 round trips in a row): React, the other libraries it uses
 * (antd...) and the portal's own code. The first two change only with a dependency, so a returning
 * browser keeps them through a release of the portal. Other pages are split by rolldown as usual.
 */
const firstPageChunks = [
  {
    name: 'react',
    test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
    priority: 2,
  },
  { name: 'libraries', test: /node_modules/, tags: ['$initial' as const], priority: 1 },
];

/**
 * The app's stylesheet (antd's styles, main.tsx) moved from <head> to the end of <body>, after the
 * loading shell: in <head> it would hold back the first paint of the shell (index.html) until it
 * has downloaded, seconds on a slow network. The scripts still wait for it (a stylesheet the parser
 * met blocks scripts), so the app never renders unstyled.
 */
const stylesheetAfterShell: Plugin = {
  name: 'copyreg:stylesheet-after-shell',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html) {
      const links = html.match(/<link rel="stylesheet"[^>]*>/g) ?? [];
      const rest = links.reduce((out, link) => out.replace(link, ''), html);
      return rest.replace('</body>', `${links.join('')}</body>`);
    },
  },
};

/**
 * V8's explicit compile hint at the top of every chunk of the browser app: all its functions are
 * compiled as the script streams in, on a background thread, not one by one on the main thread the
 * first time each runs. A page change runs much code for the first time (antd's Table, its
 * pagination...): compiling it there was ~100 ms of a ~320 ms click under CPU 4×
 * (docs/benchmarks.md). Added last, after vite's own lines at the top of the entry; the build makes
 * no source maps for it to shift. Browsers without the hint (before Chromium 136, Firefox, Safari)
 * read a comment.
 */
const compileOnLoad: Plugin = {
  name: 'copyreg:compile-on-load',
  apply: (_config, { command, isSsrBuild }) => command === 'build' && !isSsrBuild,
  generateBundle: {
    order: 'post',
    handler(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
      }
    },
  },
};

/**
 * The browser app: sources in web/, built into dist/ and served by src/main.ts (`npm start`), or
 * served from its sources with hot reload by the same server (`npm run dev`). Each page is a chunk
 * of its own (React.lazy in web/src/routes.tsx).
 */
export default defineConfig({
  root: web,
  plugins: [react(), stylesheetAfterShell, compileOnLoad],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { output: { codeSplitting: { groups: firstPageChunks } } },
  },
});
