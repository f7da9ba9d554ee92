import { vitestConfig } from '../../services/kit/src/vitest';

export default vitestConfig();
