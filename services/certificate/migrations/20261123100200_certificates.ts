import type { Knex } from 'knex';

/** Issued certificates: one row per edition (补证 issues a new edition and supersedes the old). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').createTable('certificates', (t) => {
    t.uuid('certificate_id').primary();
    t.uuid('filing_id').notNullable();
    t.uuid('applicant_id').notNullable();
    t.string('registration_number').notNullable();
    t.integer('edition').notNullable();
    t.string('status').notNullable(); // valid | superseded | revoked
    /** The short code printed in the QR link, for public verification. */
    t.string('check_code').notNullable().unique();
    /** What the certificate states, as issued (the facts of CertificateFacts). */
    t.jsonb('facts').notNullable();
    t.date('registered_on').notNullable();
    /** The office's signing time, fixed when the row is made, so a retried issue makes the same bytes. */
    t.timestamp('signed_at', { useTz: true }).notNullable();
    /** Set once the signed PDF is stored. */
    t.string('bucket');
    t.string('object_key');
    t.string('sha256', 64);
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('superseded_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.unique(['filing_id', 'edition']);
    t.unique(['registration_number', 'edition']);
  });
  await knex.schema.withSchema('certificate').createTable('deliveries', (t) => {
    t.uuid('filing_id').primary();
    t.string('kind').notNullable(); // mailed | picked_up
    t.string('waybill_no');
    t.uuid('actor_id').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('certificate').dropTable('deliveries');
  await knex.schema.withSchema('certificate').dropTable('certificates');
}
