import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `signature` schema, owned by the signature service. */
export const migrationSource: MigrationSource = {
  schema: 'signature',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
