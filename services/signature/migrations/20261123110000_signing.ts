import type { Knex } from 'knex';

/**
 * Signing rounds (one per frozen form version), their signer slots in order, the signing links
 * (one per slot) and the placed signatures. The workflow decides; these tables mirror it for the
 * signing list and hold what the signature service needs to check a link.
 */
export async function up(knex: Knex): Promise<void> {
  // A fresh builder per statement: a knex schema builder replays everything queued on it.
  const s = () => knex.schema.withSchema('signature');
  await s().createTable('rounds', (t) => {
    t.uuid('filing_id').notNullable();
    t.integer('round').notNullable();
    t.integer('version_no').notNullable();
    t.uuid('applicant_id').notNullable();
    /** The unsigned form, then the latest signed state (each signature an incremental update). */
    t.string('form_bucket').notNullable();
    t.string('form_key').notNullable();
    t.string('form_sha256', 64).notNullable();
    t.string('current_bucket').notNullable();
    t.string('current_key').notNullable();
    t.string('current_sha256', 64).notNullable();
    t.integer('page_count').notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('voided_at', { useTz: true });
    t.primary(['filing_id', 'round']);
  });
  await s().createTable('slots', (t) => {
    t.uuid('filing_id').notNullable();
    t.integer('round').notNullable();
    t.integer('signer_index').notNullable();
    t.uuid('signer_id').notNullable();
    t.string('kind').notNullable(); // holder | writer
    t.string('name').notNullable();
    /** Digest of ID type and number: the logged-in user must match it (no ID number stored here). */
    t.string('id_digest').notNullable();
    t.boolean('organisation').notNullable();
    t.string('state').notNullable().defaultTo('waiting'); // waiting | current | signed
    /** The signing link (复制签章链接): unguessable, bound to this slot of this round. */
    t.string('token', 64).notNullable().unique();
    t.timestamp('token_expires_at', { useTz: true }).notNullable();
    t.timestamp('activated_at', { useTz: true });
    t.timestamp('signed_at', { useTz: true });
    t.string('signed_key');
    t.string('signed_sha256', 64);
    t.primary(['filing_id', 'round', 'signer_index']);
    t.foreign(['filing_id', 'round']).references(['filing_id', 'round']).inTable('signature.rounds');
  });
  await s().createTable('placements', (t) => {
    t.uuid('placement_id').primary();
    t.uuid('filing_id').notNullable();
    t.integer('round').notNullable();
    t.integer('signer_index').notNullable();
    t.uuid('user_id').notNullable();
    t.integer('page').notNullable();
    t.float('x').notNullable();
    t.float('y').notNullable();
    t.float('width').notNullable();
    t.float('height').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('confirmed_at', { useTz: true });
    t.index(['filing_id', 'round', 'signer_index']);
  });
}

export async function down(knex: Knex): Promise<void> {
  const s = () => knex.schema.withSchema('signature');
  await s().dropTable('placements');
  await s().dropTable('slots');
  await s().dropTable('rounds');
}
