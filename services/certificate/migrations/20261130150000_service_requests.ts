import type { Knex } from 'knex';

/**
 * 其他登记服务: an edition issued for a request (变更 or 补证/换证) names the request, its operator
 * and reason (one edition per request: a retried issue finds it); filing records of transfer and
 * exclusive-licence contracts (合同备案) with their own numbers and 备案证明 PDFs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table certificate.certificates
      add column service_request_id uuid unique,
      add column operator_id uuid,
      add column reason varchar(20);

    create table certificate.record_counters (
      year integer primary key,
      last_seq integer not null
    );

    create table certificate.filing_records (
      request_id uuid primary key,
      record_number varchar(40) not null unique,
      kind varchar(10) not null, -- transfer | licence
      filing_id uuid not null,
      registration_number varchar(40) not null,
      facts jsonb not null,
      operator_id uuid not null,
      signed_at timestamptz not null,
      bucket text,
      object_key text,
      sha256 varchar(64),
      issued_at timestamptz not null default now()
    );
    create index filing_records_filing on certificate.filing_records (filing_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table if exists certificate.filing_records;
    drop table if exists certificate.record_counters;
    alter table certificate.certificates
      drop column if exists service_request_id, drop column if exists operator_id, drop column if exists reason;
  `);
}
