import type { Knex } from 'knex';

/**
 * Retry-safe commands: a frozen version, a review decision and an audit entry carry the id of the command that made
 * them (the request's idempotency key), so a retried command whose first answer was lost records
 * them once. Older rows have none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.review_decisions add column operation_id text;
    create unique index review_decisions_operation on filing.review_decisions (operation_id);
    alter table filing.audit_log add column operation_id text;
    create unique index audit_log_operation on filing.audit_log (operation_id, action);
    alter table filing.filing_versions add column operation_id text;
    create unique index filing_versions_operation on filing.filing_versions (filing_id, operation_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.review_decisions drop column operation_id;
    alter table filing.audit_log drop column operation_id;
    alter table filing.filing_versions drop column operation_id;
  `);
}
