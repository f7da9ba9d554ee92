import type { Knex } from 'knex';

/**
 * Lists over a million registrations: staff lists newest first per status, and 下级部门作品 by
 * province / city / district without sorting a whole city's works (one index per level).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.filings
      add column region_province varchar(2) generated always as (left(region, 2)) stored,
      add column region_city varchar(4) generated always as (left(region, 4)) stored
  `);
  await knex.raw('create index filings_status_created on filing.filings (status, created_at desc, id desc)');
  await knex.raw(
    "create index filings_region_city on filing.filings (region_city, created_at desc, id desc) where status <> 'draft'",
  );
  await knex.raw(
    "create index filings_region_province on filing.filings (region_province, created_at desc, id desc) where status <> 'draft'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop index if exists filing.filings_region_province, filing.filings_region_city, filing.filings_status_created',
  );
  await knex.raw('alter table filing.filings drop column region_city, drop column region_province');
}
