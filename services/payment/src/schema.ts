import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `payment` schema, owned by the payment service. */
export const migrationSource: MigrationSource = {
  schema: 'payment',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
