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
 * The browser app: sources in web/, built into dist/ and served by src/main.ts (`npm start`), or
 * served from its sources with hot reload by the same server (`npm run dev`). Each page is a chunk
 * of its own (React.lazy in web/src/routes.tsx).
 */
export default defineConfig({
  root: web,
  plugins: [react(), stylesheetAfterShell],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { output: { codeSplitting: { groups: firstPageChunks } } },
  },
});
