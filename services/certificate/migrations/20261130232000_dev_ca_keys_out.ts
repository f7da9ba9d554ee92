import type { Knex } from 'knex';

/**
 * The last private keys leave the certificate schema: the development CA's root and office key
 * now live in key files of their own (src/pki/key-files.ts), so no private key is at rest in
 * Postgres. Nothing else reads the table, so it goes. A development database keeps its
 * certificates; those signed by its old root stay signed, under a root no longer kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').dropTableIfExists('signing_keys');
}

export async function down(knex: Knex): Promise<void> {
  // The table comes back empty: a deleted key is not brought back.
  await knex.schema.withSchema('certificate').createTable('signing_keys', (t) => {
    t.string('subject').primary();
    t.text('certificate_pem').notNullable();
    t.binary('p12').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}
