import type { Knex } from 'knex';

/**
 * The development gateway's key pairs leave the payment schema for key files of their own
 * (src/gateway-keys.ts): no private key at rest in Postgres. Nothing else reads the table, so it
 * goes; the stand-in makes new pairs on first use, and every process reads the same files.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('payment').dropTableIfExists('gateway_keys');
}

export async function down(knex: Knex): Promise<void> {
  // The table comes back empty: a deleted key is not brought back.
  await knex.schema.withSchema('payment').createTable('gateway_keys', (t) => {
    t.string('name', 32).primary();
    t.text('private_pem').notNullable();
    t.text('public_pem').notNullable();
  });
}
