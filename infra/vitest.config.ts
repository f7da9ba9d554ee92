import { vitestConfig } from '../services/kit/src/vitest';

const base = vitestConfig();
// The fault test and the fuzz test each start a whole platform: on 2 cores they run one after the other.
export default { ...base, test: { ...base.test, fileParallelism: false } };
