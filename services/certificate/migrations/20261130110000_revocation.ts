import type { Knex } from 'knex';

/**
 * 撤销登记: a revoked certificate records the revocation (filing.revocations holds its operator,
 * ground and reasons) and its ground, which public verification states.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table certificate.certificates
      add column revocation_id uuid,
      add column revocation_ground varchar(20);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table certificate.certificates drop column if exists revocation_id, drop column if exists revocation_ground;
  `);
}
