import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `certificate` schema, owned by the certificate service. */
export const migrationSource: MigrationSource = {
  schema: 'certificate',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
