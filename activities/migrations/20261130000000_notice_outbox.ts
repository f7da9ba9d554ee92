import type { Knex } from 'knex';

/**
 * The transactional outbox of the registration's notices: a transition activity inserts a row in
 * the same Postgres transaction as the status and the signing rows (keyed by the notice's
 * deterministic key, so a retried activity inserts nothing); the outbox dispatcher mails it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').createTable('notice_outbox', (t) => {
    t.text('notice_key').primary();
    t.uuid('filing_id').notNullable();
    t.text('kind').notNullable();
    /** The NoticeInput (identifiers only). */
    t.jsonb('input').notNullable();
    /** The workflow's state at the transition: what the notice is rendered from. */
    t.jsonb('state');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('sent_at', { useTz: true });
  });
  await knex.raw('create index notice_outbox_pending on ops.notice_outbox (next_attempt_at) where sent_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').dropTable('notice_outbox');
}
