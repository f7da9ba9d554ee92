import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { testEnvironment } from '@copyreg/kit/vitest';
import { repoRoot } from './paths';

/**
 * Runs before any package's tests: the stack is up (reused when healthy, so `npm test` and a
 * running `npm start` share it) and the test database is migrated. Done by the CLI under tsx,
 * since knex imports the TypeScript migrations itself. A stack started here for a
 * single-package run stays up for the next run; `npm run stack:down` stops it.
 */
export default function setup() {
  const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/src/cli.ts', 'up'], {
    cwd: repoRoot,
    env: { ...process.env, ...testEnvironment() },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the stack did not come up for the tests:\n${r.stdout}${r.stderr}`);
}
