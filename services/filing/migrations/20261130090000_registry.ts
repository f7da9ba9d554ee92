import type { Knex } from 'knex';

/**
 * 登记公告 and the statistics: a registration's date (登记日期) in the read model, set once when
 * the registration is certified (a later 'delivered' keeps it), and the indexes the public search
 * needs over a million certified rows: by date (newest first, and a date range), by number
 * (exact) and by holder (any part of the name, trigrams). The title search reuses
 * filings_title_trgm / filings_title_chars.
 */
const REGISTERED = "status in ('certified', 'delivered')";

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table filing.filings add column if not exists registered_on date');
  // Earlier registrations: the certificate's 登记日期 where there is one, else the status date.
  const certificates = await knex.raw("select to_regclass('certificate.certificates') as t");
  if (certificates.rows[0]?.t) {
    await knex.raw(`
      update filing.filings f set registered_on = c.registered_on
        from (select filing_id, min(registered_on) as registered_on from certificate.certificates group by filing_id) c
       where c.filing_id = f.id and f.registered_on is null and f.${REGISTERED}`);
  }
  await knex.raw(`
    update filing.filings set registered_on = (coalesce(status_at, updated_at) at time zone 'Asia/Shanghai')::date
     where registered_on is null and ${REGISTERED}`);
  await knex.raw(
    `create index if not exists filings_registry_registered on filing.filings (registered_on desc, id desc) where ${REGISTERED}`,
  );
  await knex.raw(
    'create index if not exists filings_registration_number on filing.filings (registration_number) where registration_number is not null',
  );
  await knex.raw(
    `create index if not exists filings_registry_holders on filing.filings using gin (holders_text gin_trgm_ops) where ${REGISTERED}`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'drop index if exists filing.filings_registry_registered, filing.filings_registration_number, filing.filings_registry_holders',
  );
  await knex.raw('alter table filing.filings drop column if exists registered_on');
}
