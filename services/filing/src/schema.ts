import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '@copyreg/kit';

/** The `filing` schema: drafts, versions, the registration read model, the audit log. */
export const migrationSource: MigrationSource = {
  schema: 'filing',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};
