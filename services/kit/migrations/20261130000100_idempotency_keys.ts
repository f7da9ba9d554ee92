import type { Knex } from 'knex';

/**
 * The first answer to each state-changing request, by the caller's idempotency key, so a retried
 * request gets that answer again instead of acting twice. `scope` is who sent it to which route
 * (the same key may be reused by another user or on another route); `fingerprint` is the request
 * body's hash, so a key reused with another body is refused. A row without `status` is a request
 * still being handled.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('idempotency').createTable('responses', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('fingerprint').notNullable();
    t.integer('status');
    t.text('body'); // the JSON exactly as first sent (jsonb would reorder its keys)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.primary(['scope', 'key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('idempotency').dropTable('responses');
}
