import type { Knex } from 'knex';

/**
 * Lists over a million registrations, part two: a title search (作品名称, any part of it) through a
 * trigram index instead of reading the whole table, and the staff list of every submitted work
 * newest first without sorting them all. pg_trgm is a trusted extension (PostgreSQL 13+): the
 * database's owner may create it, no superuser needed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw('create index filings_title_trgm on filing.filings using gin (title gin_trgm_ops)');
  await knex.raw(
    "create index filings_submitted_created on filing.filings (created_at desc, id desc) where status <> 'draft'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists filing.filings_submitted_created, filing.filings_title_trgm');
}
