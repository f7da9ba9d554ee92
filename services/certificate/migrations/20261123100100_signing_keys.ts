import type { Knex } from 'knex';

/** The development CA: its root, the office's key and signers' keys, issued on first use. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').createTable('signing_keys', (t) => {
    /** `root`, `office`, or `person:<digest of ID type and number>`. */
    t.string('subject').primary();
    t.text('certificate_pem').notNullable();
    /** PKCS#12 (key and chain), protected by the development passphrase. */
    t.binary('p12').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').dropTable('signing_keys');
}
