import { vitestConfig } from '../kit/src/vitest';

// Browser journeys run through the whole platform: minutes, not seconds.
// The platform is started once per run, for every test file, and stopped at the end.
export default vitestConfig({ testTimeout: 300_000, globalSetup: ['test/global-platform.ts'] });
