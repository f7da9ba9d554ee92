import type { Knex } from 'knex';

/**
 * 其他登记服务 (change, reissue, contract filing): the request's read model (its workflow writes
 * status, confirmations, decisions and outcome, monotonic by status_seq) with the request's own
 * record of the facts (changes, contract) — the registration's filing and snapshot are never
 * touched; the parties who confirm in order (with the ID they must log in with); the reviewers'
 * reasons; the notices; and, on the registration's read model, the facts now registered after a
 * change or transfer (current_facts), which the public registry shows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table filing.service_requests (
      id uuid primary key,
      kind varchar(10) not null,
      filing_id uuid not null,
      applicant_id uuid not null,
      registration_number varchar(40) not null,
      region varchar(12) not null default '',
      statement text not null,
      mode varchar(10),
      reason varchar(10),
      changes jsonb,
      contract jsonb,
      contract_file jsonb,
      status varchar(30) not null,
      status_seq integer not null default 0,
      status_at timestamptz not null default now(),
      waiting_on varchar(30),
      confirmed integer not null default 0,
      party_count integer not null default 0,
      review_deadline timestamptz,
      decisions jsonb not null default '[]',
      outcome jsonb,
      operation_id text unique,
      submitted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- One request in progress per registration: two could not both build on the current edition.
    create unique index service_requests_open on filing.service_requests (filing_id)
      where status in ('awaiting_confirmations', 'initial_review', 'final_review');
    create index service_requests_applicant on filing.service_requests (applicant_id, created_at desc);
    create index service_requests_queue on filing.service_requests (status, created_at);

    create table filing.service_request_parties (
      request_id uuid not null,
      seq integer not null,
      role varchar(10) not null, -- holder | assignor | assignee
      name text not null,
      id_type varchar(30) not null,
      id_number varchar(40) not null,
      confirmed_at timestamptz,
      confirmed_by uuid,
      primary key (request_id, seq)
    );

    create table filing.service_request_statements (
      id uuid primary key,
      request_id uuid not null,
      stage varchar(10) not null,
      author_id uuid not null,
      reasons jsonb not null default '[]',
      created_at timestamptz not null default now()
    );
    create index service_request_statements_request on filing.service_request_statements (request_id);

    create table filing.service_request_notices (
      notice_key text primary key,
      request_id uuid not null,
      kind varchar(40) not null,
      recipient varchar(10) not null, -- applicant | party | staff
      created_at timestamptz not null default now()
    );
    create index service_request_notices_request on filing.service_request_notices (request_id);

    alter table filing.filings add column current_facts jsonb, add column changed_at timestamptz;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.filings drop column if exists current_facts, drop column if exists changed_at;
    drop table if exists filing.service_request_notices;
    drop table if exists filing.service_request_statements;
    drop table if exists filing.service_request_parties;
    drop table if exists filing.service_requests;
  `);
}
