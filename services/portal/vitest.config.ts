import { vitestConfig } from '../kit/src/vitest';

// Browser journeys run through the whole platform: minutes, not seconds.
export default vitestConfig({ testTimeout: 300_000 });
