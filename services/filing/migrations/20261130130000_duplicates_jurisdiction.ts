import type { Knex } from 'knex';

/**
 * 疑似重复登记 and 管辖, checked at 提交并电子签章 and before certification:
 * - filing.sample_hashes: every sample file's SHA-256 per filing (the first version holding it),
 *   filled by a trigger whenever a version is frozen (whoever freezes it) and backfilled from the
 *   versions frozen so far; its primary key (sha256, filing_id) finds the other filings holding a
 *   hash through the index, one row per filing.
 * - filings_author_names: the authors' names of each submitted filing as a jsonb array (GIN), so
 *   "same author" and the trigram title index (filings_title_trgm) narrow the fuzzy match together.
 * - filing.possible_duplicates: what a check found, one row each way (the later filing flags the
 *   earlier one and the earlier one shows the later), with the reason; never a refusal.
 * - filing.jurisdiction_checks: how the applicant fell within Zhejiang when a version was frozen.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table filing.sample_hashes (
      sha256 char(64) not null,
      filing_id uuid not null,
      version_no integer not null,
      primary key (sha256, filing_id)
    );
    create index sample_hashes_filing on filing.sample_hashes (filing_id);

    create or replace function filing.sample_hashes_of_version() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        delete from filing.sample_hashes where filing_id = old.filing_id and version_no = old.version_no;
        return old;
      end if;
      insert into filing.sample_hashes (sha256, filing_id, version_no)
      select distinct s->>'sha256', new.filing_id, new.version_no
        from jsonb_array_elements(
               case jsonb_typeof(new.snapshot->'content'->'samples')
                 when 'array' then new.snapshot->'content'->'samples' else '[]'::jsonb end) s
       where s->>'sha256' ~ '^[0-9a-f]{64}$'
      on conflict do nothing;
      return new;
    end $$;
    create trigger filing_versions_sample_hashes after insert or delete on filing.filing_versions
      for each row execute function filing.sample_hashes_of_version();

    insert into filing.sample_hashes (sha256, filing_id, version_no)
    select s->>'sha256', v.filing_id, min(v.version_no)
      from filing.filing_versions v,
           jsonb_array_elements(
             case jsonb_typeof(v.snapshot->'content'->'samples')
               when 'array' then v.snapshot->'content'->'samples' else '[]'::jsonb end) s
     where s->>'sha256' ~ '^[0-9a-f]{64}$'
     group by 1, 2
    on conflict do nothing;

    create index filings_author_names on filing.filings
      using gin ((jsonb_path_query_array(content, '$.authors[*].name')))
      where status <> 'draft';

    create table filing.possible_duplicates (
      id bigserial primary key,
      filing_id uuid not null,
      other_filing_id uuid not null,
      reason varchar(30) not null,
      sample_sha256 char(64),
      similarity real,
      common_authors jsonb,
      stage varchar(20) not null,
      found_at timestamptz not null default now(),
      unique (filing_id, other_filing_id, reason)
    );

    create table filing.jurisdiction_checks (
      filing_id uuid not null,
      version_no integer not null,
      basis varchar(20) not null,
      document_region varchar(12),
      residence_proof_ids jsonb not null default '[]',
      checked_at timestamptz not null default now(),
      primary key (filing_id, version_no)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table if exists filing.jurisdiction_checks, filing.possible_duplicates, filing.sample_hashes;
    drop trigger if exists filing_versions_sample_hashes on filing.filing_versions;
    drop function if exists filing.sample_hashes_of_version();
    drop index if exists filing.filings_author_names;
  `);
}
