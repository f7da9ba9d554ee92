import { randomBytes } from 'node:crypto';
import {
  organisationSealStamp,
  personSignatureStamp,
  personSubject,
  STAMP_SIZE,
  signerCredential,
  signPdf,
} from '@copyreg/certificate';
import { loadSnapshot } from '@copyreg/filing';
import { getObject, putObject } from '@copyreg/kit';
import type { FilingSnapshot, ObjectRef, SignerRef } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { PDFDocument } from 'pdf-lib';
import { signatureSettings } from './settings';

/**
 * The signing rounds as the workflow drives them (activities), each step idempotent: a round is
 * opened once per (filing, round), a signer activated once, a signature applied once per slot.
 */
export interface SignatureDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
}

const organisationIdTypes = new Set(['uscc', 'other_org']);

export async function openSigningRound(
  deps: SignatureDeps,
  input: { filingId: string; versionNo: number; round: number; signers: SignerRef[]; form: ObjectRef },
): Promise<void> {
  const { db } = deps;
  if (await db('signature.rounds').where({ filing_id: input.filingId, round: input.round }).first('round')) return;
  const snapshot = await snapshotOf(db, input.filingId, input.versionNo);
  const pdf = await getObject(deps.store, input.form);
  const pageCount = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
  const expires = new Date(Date.now() + signatureSettings().SIGNING_LINK_TTL_DAYS * 86400_000);
  await db.transaction(async (trx) => {
    const inserted = await trx('signature.rounds')
      .insert({
        filing_id: input.filingId,
        round: input.round,
        version_no: input.versionNo,
        applicant_id: snapshot.applicantId,
        form_bucket: input.form.bucket,
        form_key: input.form.key,
        form_sha256: input.form.sha256,
        current_bucket: input.form.bucket,
        current_key: input.form.key,
        current_sha256: input.form.sha256,
        page_count: pageCount,
      })
      .onConflict(['filing_id', 'round'])
      .ignore()
      .returning('round');
    if (!inserted.length) return; // a concurrent attempt opened it
    await trx('signature.slots').insert(
      input.signers.map((ref, i) => {
        const signer = snapshot.signers.find((s) => s.signerId === ref.signerId);
        if (!signer) throw new Error(`signer ${ref.signerId} is not in filing version ${input.versionNo}`);
        return {
          filing_id: input.filingId,
          round: input.round,
          signer_index: i,
          signer_id: ref.signerId,
          kind: ref.kind,
          name: signer.name,
          id_digest: personSubject(signer),
          organisation: organisationIdTypes.has(signer.idType),
          token: randomBytes(32).toString('base64url'),
          token_expires_at: expires,
        };
      }),
    );
  });
}

/** 待签章: this signer's turn; earlier ones have signed. */
export async function activateSigner(
  deps: SignatureDeps,
  input: { filingId: string; round: number; signerIndex: number },
): Promise<void> {
  const n = await deps
    .db('signature.slots')
    .where({ filing_id: input.filingId, round: input.round, signer_index: input.signerIndex, state: 'waiting' })
    .update({ state: 'current', activated_at: new Date() });
  if (!n) {
    const slot = await deps
      .db('signature.slots')
      .where({ filing_id: input.filingId, round: input.round, signer_index: input.signerIndex })
      .first('state');
    if (!slot) throw new Error(`no signer ${input.signerIndex} in round ${input.round} of ${input.filingId}`);
  }
}

/** The filing was amended (修改): every link of the round stops working, its signatures are void. */
export async function voidSigningRound(deps: SignatureDeps, input: { filingId: string; round: number }): Promise<void> {
  await deps
    .db('signature.rounds')
    .where({ filing_id: input.filingId, round: input.round })
    .whereNull('voided_at')
    .update({ voided_at: new Date() });
}

/**
 * Signs the form with the signer's key where they placed and confirmed their signature, as an
 * incremental update of the round's latest state. The signing time is the confirmation's, so a
 * retry makes the same bytes under the same key.
 */
export async function applySignature(
  deps: SignatureDeps,
  input: { filingId: string; round: number; signerIndex: number; signerId: string; placementId: string },
): Promise<ObjectRef> {
  const { db, store, bucket } = deps;
  const where = { filing_id: input.filingId, round: input.round, signer_index: input.signerIndex };
  const slot = await db('signature.slots').where(where).first();
  if (!slot || slot.signer_id !== input.signerId) throw new Error('signer does not match the slot');
  if (slot.signed_key) return { bucket, key: slot.signed_key, sha256: slot.signed_sha256 };
  const placement = await db('signature.placements')
    .where({ ...where, placement_id: input.placementId })
    .whereNotNull('confirmed_at')
    .first();
  if (!placement) throw new Error('the placement is not confirmed');
  const round = await db('signature.rounds').where({ filing_id: input.filingId, round: input.round }).first();
  const snapshot = await snapshotOf(db, input.filingId, round.version_no);
  const signer = snapshot.signers.find((s) => s.signerId === input.signerId);
  if (!signer) throw new Error('signer is not in the filing version');

  const signingTime = new Date(placement.confirmed_at);
  const signedOn = signingTime.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const pdf = await getObject(store, { bucket: round.current_bucket, key: round.current_key });
  const signed = await signPdf(pdf, {
    // Through the signing provider, with the consent the signer gave by confirming this placement.
    identity: await signerCredential(signer, { placementId: input.placementId, confirmedAt: signingTime }),
    fieldName: `签章${input.signerIndex + 1} ${signer.name}`,
    signerName: signer.name,
    reason: slot.kind === 'writer' ? '执笔者签章' : '著作权人签章',
    location: '作品自愿登记平台',
    signingTime,
    pageIndex: placement.page,
    rect: { x: placement.x, y: placement.y, width: placement.width, height: placement.height },
    appearance: slot.organisation
      ? await organisationSealStamp(signer.name)
      : await personSignatureStamp(signer.name, signedOn),
  });
  const key = `signatures/${input.filingId}/round-${input.round}/signed-${input.signerIndex + 1}.pdf`;
  const ref = await putObject(store, key, signed, 'application/pdf', bucket);
  await db.transaction(async (trx) => {
    await trx('signature.slots')
      .where(where)
      .update({ state: 'signed', signed_at: signingTime, signed_key: ref.key, signed_sha256: ref.sha256 });
    await trx('signature.rounds')
      .where({ filing_id: input.filingId, round: input.round })
      .update({ current_bucket: ref.bucket, current_key: ref.key, current_sha256: ref.sha256 });
  });
  return ref;
}

export const markSize = (organisation: boolean) => (organisation ? STAMP_SIZE.organisation : STAMP_SIZE.person);

async function snapshotOf(db: Knex, filingId: string, versionNo: number): Promise<FilingSnapshot> {
  const snapshot = await loadSnapshot(db, filingId, versionNo);
  if (!snapshot) throw new Error(`filing ${filingId} has no version ${versionNo}`);
  return snapshot;
}
