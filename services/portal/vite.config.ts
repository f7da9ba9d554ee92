import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The browser app: sources in web/, built into dist/ and served by src/main.ts (`npm start`), or
 * served from its sources with hot reload by the same server (`npm run dev`). Each page is a chunk
 * of its own (React.lazy in web/src/routes.tsx).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
});
