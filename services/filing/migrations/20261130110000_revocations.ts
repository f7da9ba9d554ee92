import type { Knex } from 'knex';

/**
 * 撤销登记 (revocation, Art. 6): the revocation's read model (its workflow writes status, deadline,
 * answer and decision, monotonic by status_seq), the statements (the request's is on the row; the
 * holder's answer and the decision's reasons are rows of their own, linked by the workflow once it
 * accepted them), the notices recorded for the holder, requester and staff, and the registration's
 * revocation mark in the read model (the registration's status stays the registration workflow's).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table filing.revocations (
      id uuid primary key,
      filing_id uuid not null,
      registration_number varchar(40),
      initiator varchar(20) not null,
      ground varchar(20) not null,
      requester_id uuid not null,
      statement text not null,
      evidence jsonb not null default '[]',
      status varchar(20) not null,
      status_seq integer not null default 0,
      status_at timestamptz not null default now(),
      waiting_on varchar(30),
      answer_deadline timestamptz,
      answer_lapsed boolean not null default false,
      answer_statement_id uuid,
      answered_at timestamptz,
      decision varchar(10),
      decided_ground varchar(20),
      decision_statement_id uuid,
      decided_by uuid,
      decided_at timestamptz,
      operation_id text unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- One open revocation per registration at a time.
    create unique index revocations_open on filing.revocations (filing_id)
      where status in ('awaiting_answer', 'under_review');
    create index revocations_filing on filing.revocations (filing_id, created_at desc);
    create index revocations_status on filing.revocations (status, created_at);
    create index revocations_requester on filing.revocations (requester_id, created_at desc);

    create table filing.revocation_statements (
      id uuid primary key,
      revocation_id uuid not null,
      kind varchar(10) not null, -- answer | decision
      author_id uuid not null,
      text text,
      reasons jsonb,
      evidence jsonb not null default '[]',
      created_at timestamptz not null default now()
    );
    create index revocation_statements_revocation on filing.revocation_statements (revocation_id);

    create table filing.revocation_notices (
      notice_key text primary key,
      revocation_id uuid not null,
      filing_id uuid not null,
      kind varchar(30) not null,
      recipient varchar(10) not null, -- holder | requester | staff
      recipient_id uuid,
      created_at timestamptz not null default now()
    );
    create index revocation_notices_revocation on filing.revocation_notices (revocation_id);
    create index revocation_notices_recipient on filing.revocation_notices (recipient_id, created_at desc);

    alter table filing.filings add column revocation_id uuid, add column revoked_at timestamptz;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table filing.filings drop column if exists revocation_id, drop column if exists revoked_at;
    drop table if exists filing.revocation_notices;
    drop table if exists filing.revocation_statements;
    drop table if exists filing.revocations;
  `);
}
