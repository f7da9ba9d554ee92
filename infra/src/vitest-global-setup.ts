import { loadConfig } from '@copyreg/kit';
import { testEnvironment } from '@copyreg/kit/vitest';
import { migrateAll } from './migrate';
import { up } from './stack';

/**
 * Runs before any package's tests: the stack is up (reused when healthy, so `npm test` and a
 * running `npm start` share it) and the test database is migrated. A stack started here for a
 * single-package run stays up for the next run; `npm run stack:down` stops it.
 */
export default async function setup() {
  const c = loadConfig({ ...process.env, ...testEnvironment() });
  const started = await up(c, () => {});
  if (started.length) console.log(`started for this test run and left running: ${started.join(', ')}`);
  await migrateAll(c.DATABASE_URL);
}
