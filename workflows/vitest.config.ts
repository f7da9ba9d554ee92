import { defineConfig } from 'vitest/config';

// The workflow package's own tests are pure (working-day arithmetic, state rules): no stack needed.
// The workflow itself is tested against the real Temporal server in activities/test/.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
