import { migrationSource as ops } from '@copyreg/activities/schema';
import { migrationSource as certificate } from '@copyreg/certificate/schema';
import { migrationSource as filing } from '@copyreg/filing/schema';
import { migrationSource as identity } from '@copyreg/identity/schema';
import { createDb, idempotencyMigrations, type MigrationSource, migrate } from '@copyreg/kit';
import { migrationSource as payment } from '@copyreg/payment/schema';
import { migrationSource as signature } from '@copyreg/signature/schema';

/** Every schema's migrations. One schema per service; no migration reaches into another's. */
export const migrationSources: MigrationSource[] = [
  idempotencyMigrations,
  ops,
  identity,
  filing,
  signature,
  payment,
  certificate,
];

export async function migrateAll(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { min: 0, max: 2 });
  try {
    for (const source of migrationSources) await migrate(db, source);
  } finally {
    await db.destroy();
  }
}

/** Empties the test database: drops every schema the project made (and its data). */
export async function wipeDatabase(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { min: 0, max: 1 });
  try {
    const rows = await db('information_schema.schemata')
      .select('schema_name')
      .whereRaw("schema_owner = current_user and schema_name not in ('public') and schema_name not like 'pg_%'");
    for (const { schema_name } of rows) await db.raw('drop schema ?? cascade', [schema_name]);
  } finally {
    await db.destroy();
  }
}
