import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `ops` schema: records of the stack probe and the official working calendar. */
export const migrationSource: MigrationSource = {
  schema: 'ops',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
