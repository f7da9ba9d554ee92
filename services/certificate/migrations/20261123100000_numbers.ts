import type { Knex } from 'knex';

/** Registration numbers: one counter per (year, category letter), one allocation per filing. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').createTable('number_counters', (t) => {
    t.integer('year').notNullable();
    t.string('letter', 1).notNullable();
    t.integer('last_seq').notNullable();
    t.primary(['year', 'letter']);
  });
  await knex.schema.withSchema('certificate').createTable('registration_numbers', (t) => {
    t.uuid('filing_id').primary();
    t.string('number').notNullable().unique();
    t.integer('year').notNullable();
    t.string('letter', 1).notNullable();
    t.integer('seq').notNullable();
    t.timestamp('allocated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['year', 'letter', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').dropTable('registration_numbers');
  await knex.schema.withSchema('certificate').dropTable('number_counters');
}
