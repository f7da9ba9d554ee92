import { vitestConfig } from './src/vitest';

/** The idempotency store's tests need Postgres: the stack comes up (or is reused) first. */
export default vitestConfig();
