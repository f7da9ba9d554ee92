import { logger } from '@copyreg/kit';
import type { DuplicateReason, FilingContent, PossibleDuplicate, SessionUser } from '@copyreg/proto';
import type { Knex } from 'knex';
import { canSee } from './filings';
import { loadSnapshot } from './snapshots';

/**
 * 疑似重复登记: at 提交并电子签章 (a version frozen) and before certification (终审), a filing's
 * sample files and its title with its authors are compared with every other submitted filing and
 * registration: the same sample file (SHA-256, through filing.sample_hashes), or a similar title
 * (pg_trgm similarity ≥ TITLE_SIMILARITY, through filings_title_trgm) naming an author of the same
 * name (filings_author_names). What is found is recorded both ways (filing.possible_duplicates)
 * and shown to staff in the review view only; nothing is refused.
 *
 * Compared with: every filing that left the draft (submitted, in review, registered, and also
 * returned, refused, withdrawn or expired: the status is shown, the reviewer judges). Not drafts:
 * a draft is its applicant's alone, signed by nobody and perhaps never filed; it is checked when
 * it is submitted. Not the filing's own versions.
 */

/** Titles at least this similar (pg_trgm similarity, 0–1) count when an author's name is shared too. */
export const TITLE_SIMILARITY = 0.4;
/** At most this many other filings per reason and check (a sample shared by many is flagged by the first few). */
export const MAX_MATCHES = 20;

type Stage = PossibleDuplicate['stage'];

interface Found {
  otherId: string;
  reason: DuplicateReason;
  sha256?: string;
  similarity?: number;
  commonAuthors?: string[];
}

const authorNames = (content: Pick<FilingContent, 'authors'>) => [
  ...new Set((content.authors ?? []).map((a) => a.name.trim()).filter(Boolean)),
];

/** The other filings holding one of these sample hashes (index: sample_hashes' primary key). */
async function sameSamples(db: Knex, filingId: string, hashes: string[]): Promise<Found[]> {
  if (hashes.length === 0) return [];
  const rows = await db('filing.sample_hashes as h')
    .join('filing.filings as f', 'f.id', 'h.filing_id')
    .whereIn('h.sha256', hashes)
    .whereNot('h.filing_id', filingId)
    .whereNot('f.status', 'draft')
    .select('h.filing_id', 'h.sha256')
    .limit(MAX_MATCHES * 2);
  const byFiling = new Map<string, string>();
  for (const r of rows) if (!byFiling.has(r.filing_id)) byFiling.set(r.filing_id, String(r.sha256).trim());
  return [...byFiling].slice(0, MAX_MATCHES).map(([otherId, sha256]) => ({ otherId, reason: 'same_sample', sha256 }));
}

/** Other filings with a similar title naming an author of the same name (trigram and author indexes). */
async function similarTitles(db: Knex, filingId: string, title: string, authors: string[]): Promise<Found[]> {
  if (!title.trim() || authors.length === 0) return [];
  // The planner prices pg_trgm's `%` at almost nothing and reads the whole table (1 s at 100k
  // filings); the GIN indexes on the title's trigrams and the authors' names answer in milliseconds.
  const rows = await db.transaction(async (tx) => {
    await tx.raw('set local enable_seqscan = off');
    return tx('filing.filings')
      .whereRaw('title % ?', [title])
      .whereRaw(`jsonb_path_query_array(content, '$.authors[*].name') \\?| ?::text[]`, [authors])
      .whereNot('status', 'draft')
      .whereNot('id', filingId)
      .whereRaw('similarity(title, ?) >= ?', [title, TITLE_SIMILARITY])
      .select('id', db.raw('similarity(title, ?) as similarity', [title]), db.raw("content->'authors' as authors"))
      .limit(MAX_MATCHES);
  });
  return rows.map((r) => {
    const theirs = new Set(((r.authors ?? []) as { name?: string }[]).map((a) => String(a?.name ?? '').trim()));
    return {
      otherId: r.id as string,
      reason: 'similar_title_authors' as const,
      similarity: Math.round(Number(r.similarity) * 1000) / 1000,
      commonAuthors: authors.filter((a) => theirs.has(a)),
    };
  });
}

/**
 * Runs the check for the filing's latest frozen version and records what it finds, both ways.
 * Returns how many other filings were flagged by this check. Repeating it records nothing twice.
 */
export async function checkDuplicates(db: Knex, filingId: string, stage: Stage): Promise<number> {
  const snapshot = await loadSnapshot(db, filingId);
  if (!snapshot) return 0;
  const { content } = snapshot;
  const hashes = [...new Set((content.samples ?? []).map((s) => s.sha256))];
  const found = [
    ...(await sameSamples(db, filingId, hashes)),
    ...(await similarTitles(db, filingId, content.title, authorNames(content))),
  ];
  if (found.length === 0) return 0;
  const rows = found.flatMap((f) => {
    const detail = {
      reason: f.reason,
      sample_sha256: f.sha256 ?? null,
      similarity: f.similarity ?? null,
      common_authors: f.commonAuthors ? JSON.stringify(f.commonAuthors) : null,
      stage,
    };
    return [
      { filing_id: filingId, other_filing_id: f.otherId, ...detail },
      { filing_id: f.otherId, other_filing_id: filingId, ...detail },
    ];
  });
  await db('filing.possible_duplicates').insert(rows).onConflict(['filing_id', 'other_filing_id', 'reason']).ignore();
  return found.length;
}

/** The check where it must never stop the command it accompanies: a failure is logged, and checked again later. */
export async function checkDuplicatesQuietly(db: Knex, filingId: string, stage: Stage): Promise<void> {
  try {
    await checkDuplicates(db, filingId, stage);
  } catch (err) {
    logger.error({ err, filingId, stage }, 'duplicate check failed (checked again before certification)');
  }
}

/** What staff see: the other filings recorded as possible duplicates, those the caller may open. */
export async function possibleDuplicatesOf(
  db: Knex,
  user: SessionUser,
  filingId: string,
): Promise<PossibleDuplicate[]> {
  const rows = await db('filing.possible_duplicates as d')
    .join('filing.filings as f', 'f.id', 'd.other_filing_id')
    .where('d.filing_id', filingId)
    .orderBy([{ column: 'd.found_at' }, { column: 'd.id' }])
    .limit(100)
    .select('d.*', 'f.serial_no', 'f.title', 'f.status', 'f.registration_number', 'f.applicant_id', 'f.region');
  return rows
    .filter((r) => canSee(user, { applicant_id: r.applicant_id, status: r.status, region: r.region }))
    .map((r) => ({
      filingId: r.other_filing_id,
      serialNo: r.serial_no,
      title: r.title,
      status: r.status,
      ...(r.registration_number ? { registrationNumber: r.registration_number } : {}),
      reason: r.reason,
      ...(r.sample_sha256 ? { sampleSha256: String(r.sample_sha256).trim() } : {}),
      ...(r.similarity !== null && r.similarity !== undefined ? { similarity: Number(r.similarity) } : {}),
      ...(r.common_authors ? { commonAuthors: r.common_authors as string[] } : {}),
      stage: r.stage,
      foundAt: new Date(r.found_at).toISOString(),
    }));
}
