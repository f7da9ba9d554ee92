import { testEnvironment } from '@copyreg/kit/vitest';
import { startTestPlatform } from './platform';

/** vitest globalSetup: the whole platform, once for every browser test file of the run. */
export default async function setup() {
  const running = await startTestPlatform({ ...process.env, ...testEnvironment() });
  return () => running.stop();
}
