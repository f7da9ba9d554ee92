import knexFactory, { type Knex } from 'knex';
import { config } from './config';

/** Each service owns one Postgres schema and its own knex migrations inside it. */
export function createDb(url = config().DATABASE_URL, pool = { min: 0, max: 10 }): Knex {
  return knexFactory({ client: 'pg', connection: url, pool });
}

export interface MigrationSource {
  /** The Postgres schema the service owns, e.g. `filing`. */
  schema: string;
  /** Folder holding this service's knex migrations. */
  directory: string;
}

/** Runs a service's migrations inside its schema; safe to run on every start. */
export async function migrate(db: Knex, source: MigrationSource): Promise<void> {
  await db.raw('create schema if not exists ??', [source.schema]);
  await db.migrate.latest({
    directory: source.directory,
    schemaName: source.schema,
    tableName: 'knex_migrations',
    loadExtensions: ['.ts'],
  });
}
