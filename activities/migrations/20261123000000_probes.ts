import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').createTable('probes', (t) => {
    t.uuid('probe_id').primary();
    t.text('object_key').notNullable();
    t.text('sha256').notNullable();
    t.timestamp('written_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').dropTable('probes');
}
