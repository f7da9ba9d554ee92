import type { Knex } from 'knex';

/**
 * 撤销登记 now writes the registration's read model as revoked and waiting on nothing (it kept its
 * last status and `waiting_on = delivery`, so the status filter missed it and the gauges counted it
 * in flight): existing revoked rows are mended, and the registry's partial indexes take in the
 * status 'revoked' (the registry lists revoked registrations, marked).
 */
const BEFORE = "status in ('certified', 'delivered')";
const REGISTERED = "status in ('certified', 'delivered', 'revoked')";

async function registryIndexes(knex: Knex, where: string): Promise<void> {
  await knex.raw('drop index if exists filing.filings_registry_registered, filing.filings_registry_holders');
  await knex.raw(
    `create index filings_registry_registered on filing.filings (registered_on desc, id desc) where ${where}`,
  );
  await knex.raw(
    `create index filings_registry_holders on filing.filings using gin (holders_text gin_trgm_ops) where ${where}`,
  );
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    update filing.filings
       set status = 'revoked', status_at = revoked_at, waiting_on = 'none', review_deadline = null, overdue = false
     where revoked_at is not null and status <> 'revoked'`);
  await registryIndexes(knex, REGISTERED);
}

export async function down(knex: Knex): Promise<void> {
  // The registration's last status is not kept; a revoked registration was certified before.
  await knex.raw("update filing.filings set status = 'certified' where status = 'revoked'");
  await registryIndexes(knex, BEFORE);
}
