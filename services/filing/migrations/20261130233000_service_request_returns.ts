import type { Knex } from 'knex';

/**
 * 退回修改 of a service request: its reply deadline (补正期限), and a returned request still
 * counts as the registration's one request in progress.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.service_requests add column return_deadline timestamptz;
    drop index filing.service_requests_open;
    create unique index service_requests_open on filing.service_requests (filing_id)
      where status in ('awaiting_confirmations', 'initial_review', 'final_review', 'returned');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop index filing.service_requests_open;
    create unique index service_requests_open on filing.service_requests (filing_id)
      where status in ('awaiting_confirmations', 'initial_review', 'final_review');
    alter table filing.service_requests drop column if exists return_deadline;
  `);
}
