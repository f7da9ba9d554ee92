import type { Knex } from 'knex';

/**
 * Filings (作品填报) with their working content and the registration read model, uploads,
 * review decisions and the append-only audit log. Indexed for lists over a million rows.
 */
export async function up(knex: Knex): Promise<void> {
  const s = () => knex.schema.withSchema('filing'); // a fresh builder per statement
  await knex.raw('create sequence if not exists filing.serial_seq');
  await s().createTable('filings', (t) => {
    t.uuid('id').primary();
    t.uuid('applicant_id').notNullable();
    t.string('serial_no', 24).notNullable().unique(); // 流水号
    t.string('status', 30).notNullable().defaultTo('draft');
    /** The workflow's publish counter: a stale or retried recordStatus never overwrites a newer one. */
    t.integer('status_seq').notNullable().defaultTo(-1);
    t.string('waiting_on', 60);
    t.text('remark'); // 备注
    t.integer('version_no');
    t.jsonb('content').notNullable();
    // Denormalised for the lists (columns 作品名, 著作权人, 作者) and staff scoping.
    t.string('title', 200).notNullable().defaultTo('');
    t.string('work_type', 30);
    t.text('holders_text').notNullable().defaultTo('');
    t.text('authors_text').notNullable().defaultTo('');
    t.string('region', 12);
    t.string('registration_number', 40);
    t.timestamp('review_deadline', { useTz: true });
    t.boolean('overdue').notNullable().defaultTo(false);
    t.timestamp('applied_at', { useTz: true }); // 申请日期: the first 提交并电子签章
    t.timestamp('status_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // The applicant's lists: by status set, newest first; and 作品列表 (all).
  await knex.raw('create index filings_applicant_status on filing.filings (applicant_id, status, created_at desc, id)');
  await knex.raw('create index filings_applicant_created on filing.filings (applicant_id, created_at desc, id)');
  // Staff queues (待初审, 待终审, …): oldest application first.
  await knex.raw('create index filings_status_applied on filing.filings (status, applied_at, id)');
  // 下级部门作品: a region and its sub-regions by code prefix.
  await knex.raw(
    "create index filings_region_prefix on filing.filings (region varchar_pattern_ops, created_at desc, id) where status <> 'draft'",
  );

  await s().createTable('uploads', (t) => {
    t.uuid('id').primary();
    t.uuid('owner_id').notNullable();
    t.string('kind', 20).notNullable();
    t.string('bucket', 63).notNullable();
    t.string('object_key', 300).notNullable();
    t.string('name', 200).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['owner_id']);
  });

  await s().createTable('review_decisions', (t) => {
    t.bigIncrements('id');
    t.uuid('filing_id').notNullable().index();
    t.string('stage', 10).notNullable();
    t.string('decision', 10).notNullable();
    t.jsonb('reasons').notNullable();
    t.uuid('reviewer_id').notNullable();
    t.timestamp('decided_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await s().createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.uuid('filing_id').index();
    t.uuid('actor_id');
    t.string('actor_role', 30).notNullable();
    t.string('action', 60).notNullable();
    t.jsonb('detail');
    t.string('ip', 64);
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Append-only: the database itself refuses to change or delete an entry.
  await knex.raw(`
    create or replace function filing.audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'filing.audit_log is append-only'; end $$;
    create trigger audit_log_append_only before update or delete on filing.audit_log
      for each row execute function filing.audit_log_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists filing.audit_log, filing.review_decisions, filing.uploads, filing.filings');
  await knex.raw('drop function if exists filing.audit_log_append_only()');
  await knex.raw('drop sequence if exists filing.serial_seq');
}
