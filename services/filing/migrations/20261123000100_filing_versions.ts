import type { Knex } from 'knex';

/** Frozen filing versions: what was signed, and what the form and certificate are made from. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('filing').createTable('filing_versions', (t) => {
    t.uuid('filing_id').notNullable();
    t.integer('version_no').notNullable();
    t.uuid('applicant_id').notNullable();
    t.jsonb('snapshot').notNullable();
    t.timestamp('frozen_at', { useTz: true }).notNullable();
    t.primary(['filing_id', 'version_no']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('filing').dropTable('filing_versions');
}
