import type { Knex } from 'knex';

/** Staff corrections of the ID document a profile is tied to: from, to, who, why (append-only). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').createTable('identity_corrections', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').notNullable();
    t.string('from_id_type', 40).notNullable();
    t.string('from_id_number', 40).notNullable();
    t.string('to_id_type', 40).notNullable();
    t.string('to_id_number', 40).notNullable();
    t.uuid('corrected_by').notNullable();
    t.text('note').notNullable();
    t.timestamp('corrected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').dropTableIfExists('identity_corrections');
}
