import type { Knex } from 'knex';

/** Why a service request ended refused without a reviewer's refusal (the registration was revoked meanwhile). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table filing.service_requests add column closed_reason varchar(30)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table filing.service_requests drop column if exists closed_reason');
}
