import type { Knex } from 'knex';

/**
 * Server-side sessions: the cookie carries only a session id, checked here on every request
 * (kit's auth.ts). Logout revokes the row; idle and absolute lifetimes end it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('id').inTable('identity.users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('identity').dropTableIfExists('sessions');
}
