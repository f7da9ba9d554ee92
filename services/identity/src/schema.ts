import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `identity` schema, owned by the identity service. */
export const migrationSource: MigrationSource = {
  schema: 'identity',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
