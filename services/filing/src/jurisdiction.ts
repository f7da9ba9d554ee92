import { jurisdictionOf } from '@copyreg/identity';
import { ApiError } from '@copyreg/kit';
import { type Jurisdiction, type JurisdictionResult, residenceProofMissingMessage } from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * 管辖 (Art. 7; the manual's 资料完善 note): the applicant falls within Zhejiang by their resident
 * ID's or USCC's region, or else by a proof of working, studying or living in Zhejiang uploaded in
 * 资料完善 (identity's proofs of purpose `residence`). A submission without it is refused naming
 * the field; the basis is recorded with the frozen version and shown to reviewers.
 */

/** The applicant's basis, or the refusal (409 PROFILE_INCOMPLETE, field residenceProofs). */
export async function requireJurisdiction(db: Knex, userId: string): Promise<Jurisdiction> {
  const found = await jurisdictionOf(db, userId);
  if (!found) {
    throw new ApiError(
      'PROFILE_INCOMPLETE',
      '请先在“用户信息 > 资料完善”中完善资料并上传身份证明，再提交作品',
      'profile',
    );
  }
  if (found.basis === 'missing') {
    throw new ApiError(
      'PROFILE_INCOMPLETE',
      residenceProofMissingMessage(found.documentRegion, found.idType),
      'residenceProofs',
    );
  }
  return found;
}

export async function recordJurisdiction(db: Knex, filingId: string, versionNo: number, j: Jurisdiction) {
  await db('filing.jurisdiction_checks')
    .insert({
      filing_id: filingId,
      version_no: versionNo,
      basis: j.basis,
      document_region: j.documentRegion ?? null,
      residence_proof_ids: JSON.stringify(j.residenceProofIds),
    })
    .onConflict(['filing_id', 'version_no'])
    .merge();
}

/** As recorded when the version was frozen; for a filing frozen before the rule, as it stands now. */
export async function jurisdictionResultOf(
  db: Knex,
  filing: { id: string; applicant_id: string; version_no: number | null },
): Promise<JurisdictionResult | undefined> {
  const recorded = filing.version_no
    ? await db('filing.jurisdiction_checks').where({ filing_id: filing.id, version_no: filing.version_no }).first()
    : undefined;
  if (recorded) {
    const ids = (recorded.residence_proof_ids ?? []) as string[];
    return {
      basis: recorded.basis,
      ...(recorded.document_region ? { documentRegion: recorded.document_region } : {}),
      ...(ids.length ? { residenceProofIds: ids } : {}),
      checkedAt: new Date(recorded.checked_at).toISOString(),
    };
  }
  const now = await jurisdictionOf(db, filing.applicant_id);
  if (!now) return undefined;
  return {
    basis: now.basis,
    ...(now.documentRegion ? { documentRegion: now.documentRegion } : {}),
    ...(now.residenceProofIds.length ? { residenceProofIds: now.residenceProofIds } : {}),
    checkedAt: new Date().toISOString(),
  };
}
