import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { loadConfig } from './config';

const repoDataDir = fileURLToPath(new URL('../../../.data', import.meta.url));
const resultsDir = path.join(repoDataDir, 'test-results');

/**
 * Every package's vitest config. Tests run in forks (Temporal's native bridge and worker
 * threads do not mix) against the real stack, on the test database and bucket.
 */
export function vitestConfig(
  overrides: {
    testTimeout?: number;
    include?: string[];
    stack?: boolean;
    /** More global setups, run after the stack is up (e.g. the portal's whole platform). */
    globalSetup?: string[];
  } = {},
) {
  return defineConfig({
    test: {
      pool: 'forks',
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      include: overrides.include ?? ['test/**/*.test.ts', 'src/**/*.test.ts'],
      env: testEnvironment(),
      // The JSON results let `npm test` print one closing tally across every package.
      reporters: ['default', 'json'],
      outputFile: { json: path.join(resultsDir, `${path.basename(process.cwd())}.json`) },
      // Pure unit-test packages pass `stack: false` and run without the servers.
      globalSetup: [
        ...(overrides.stack === false
          ? []
          : [
              fileURLToPath(new URL('../../../infra/src/vitest-global-setup.ts', import.meta.url)),
              // Signers sign through the remote-signing interface: its development provider, for this run.
              fileURLToPath(new URL('../../certificate/src/csc-dev/vitest-setup.ts', import.meta.url)),
            ]),
        ...(overrides.globalSetup ?? []),
      ],
    },
  });
}

/** The test database (`<db>_test`) and bucket (`<bucket>-test`), unless already set for a test run. */
export function testEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // Absolute: test processes run in their package's folder, and all must find the same development keys.
  const data = { COPYREG_DATA_DIR: path.resolve(env.COPYREG_DATA_DIR ?? repoDataDir) };
  if (env.NODE_ENV === 'test' && env.DATABASE_URL) return data;
  const c = loadConfig(env);
  const db = new URL(c.DATABASE_URL);
  db.pathname = `${db.pathname}_test`;
  return { ...data, NODE_ENV: 'test', DATABASE_URL: db.toString(), S3_BUCKET: `${c.S3_BUCKET}-test` };
}
