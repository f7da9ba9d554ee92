import type { Knex } from 'knex';

/**
 * Every time staff open an applicant's identity proofs: who, whose, which files, and why (the
 * filing under review, or an administrator's stated reason). The office answers "who has seen my
 * ID card?" from this table, not from service logs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').createTable('proof_access', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('staff_id').notNullable();
    t.jsonb('staff_roles').notNullable();
    t.uuid('user_id').notNullable();
    t.uuid('filing_id');
    t.string('reason', 200).notNullable();
    t.jsonb('proof_ids').notNullable();
    t.string('ip', 64);
    t.index(['user_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').dropTableIfExists('proof_access');
}
