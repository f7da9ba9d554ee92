import { vitestConfig } from '../kit/src/vitest';

export default vitestConfig();
