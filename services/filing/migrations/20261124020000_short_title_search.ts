import type { Knex } from 'knex';

/**
 * Lists over a million registrations, part three: title searches of one or two characters (a
 * Chinese title is often searched by two). Trigrams cannot find them, so each title's characters
 * are also indexed as an array: the rows holding every character of the search are found through
 * it, and the ILIKE then checks their order. pg_bigm would do this directly but is not among
 * Debian's packages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index filings_title_chars on filing.filings using gin (string_to_array(lower(title), null))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists filing.filings_title_chars');
}
