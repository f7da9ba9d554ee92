import type { Knex } from 'knex';

/** 权属变更证明 of a change of holders (upload references, as the request was made). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table filing.service_requests add column proofs jsonb');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table filing.service_requests drop column if exists proofs');
}
