import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `ops` schema: records of the stack probe. */
export const migrationSource: MigrationSource = {
  schema: 'ops',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
