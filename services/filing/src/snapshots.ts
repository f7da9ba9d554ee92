import { FilingSnapshot } from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * Frozen filing versions. Other services read a filing only through these functions, so the
 * filing schema stays the filing service's own.
 */
export async function saveSnapshot(db: Knex, snapshot: FilingSnapshot, operationId?: string): Promise<void> {
  const valid = FilingSnapshot.parse(snapshot);
  await db('filing.filing_versions')
    .insert({
      filing_id: valid.filingId,
      version_no: valid.versionNo,
      applicant_id: valid.applicantId,
      snapshot: JSON.stringify(valid),
      frozen_at: valid.frozenAt,
      operation_id: operationId ?? null,
    })
    .onConflict(['filing_id', 'version_no'])
    .ignore(); // a version is frozen once; saving it again changes nothing
}

/** The given version, or the latest one. */
export async function loadSnapshot(
  db: Knex,
  filingId: string,
  versionNo?: number,
): Promise<FilingSnapshot | undefined> {
  const query = db('filing.filing_versions').where({ filing_id: filingId }).first('snapshot');
  const row = await (versionNo ? query.andWhere({ version_no: versionNo }) : query.orderBy('version_no', 'desc'));
  return row ? FilingSnapshot.parse(row.snapshot) : undefined;
}
