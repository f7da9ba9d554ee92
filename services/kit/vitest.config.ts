import { vitestConfig } from './src/vitest';

export default vitestConfig({ stack: false });
