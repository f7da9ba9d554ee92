import type { Knex } from 'knex';

/** Users, their roles, profiles (资料完善), category changes, identity proofs (身份证明). */
export async function up(knex: Knex): Promise<void> {
  // A fresh builder per table: a schema builder re-runs everything queued on it when awaited again.
  const s = () => knex.schema.withSchema('identity');
  await s().createTable('users', (t) => {
    t.uuid('id').primary();
    /** The login provider and its subject: one account per person per provider. */
    t.string('issuer', 300).notNullable();
    t.string('subject', 300).notNullable();
    /** Real name and document as the provider verified them (实名认证). */
    t.string('verified_name', 100);
    t.string('verified_id_type', 40);
    t.string('verified_id_number', 40);
    /** Region (行政区划代码) a staff member is bound to. */
    t.string('staff_region', 12);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_login_at', { useTz: true });
    t.unique(['issuer', 'subject']);
    t.index(['verified_id_type', 'verified_id_number']);
  });
  await s().createTable('user_roles', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('identity.users').onDelete('CASCADE');
    t.string('role', 40).notNullable();
    t.uuid('granted_by');
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'role']);
  });
  await s().createTable('profiles', (t) => {
    t.uuid('user_id').primary();
    t.string('category', 30).notNullable();
    t.string('name', 100).notNullable();
    t.string('id_type', 40).notNullable();
    t.string('id_number', 40).notNullable();
    t.string('pen_name', 100);
    t.string('handler', 50).notNullable();
    t.string('handler_mobile', 20).notNullable();
    t.string('region', 12);
    t.string('invoice_email', 200).notNullable();
    t.string('recipient', 50).notNullable();
    t.string('recipient_mobile', 20).notNullable();
    t.string('mailing_address', 200).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  /** Who changed a category, when, and what qualification they checked (append-only). */
  await s().createTable('category_changes', (t) => {
    t.bigIncrements('id');
    t.uuid('user_id').notNullable();
    t.string('from_category', 30);
    t.string('to_category', 30).notNullable();
    t.uuid('changed_by').notNullable();
    t.text('note').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await s().createTable('proofs', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable();
    t.string('bucket', 63).notNullable();
    t.string('object_key', 300).notNullable();
    t.string('name', 200).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true });
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['proofs', 'category_changes', 'profiles', 'user_roles', 'users']) {
    await knex.schema.withSchema('identity').dropTableIfExists(table);
  }
}
