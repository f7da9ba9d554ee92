import { createHmac, randomUUID } from 'node:crypto';
import { ApiError, config, putObject } from '@copyreg/kit';
import type { FilingSnapshot, ObjectRef } from '@copyreg/proto';
import {
  CertificateStatus,
  type CertificateSummary,
  type RevocationGround,
  revocationGroundLabel,
  type VerifyResult,
} from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { type CertificateFacts, renderCertificate } from './pdf/certificate-document';
import { signPdf } from './pdf/sign';
import { officeKeyProvider } from './pki/office-key';
import { documentSettings } from './settings';

/**
 * Certificates (作品登记证书): one row per edition. Issuing fixes the row first (its check code
 * and the office's signing time), then renders, signs and stores the PDF under a deterministic
 * key: a retried issue makes the same bytes. Reissue (补证) keeps the number, supersedes the
 * current edition and issues the next.
 */
export interface CertificateDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
}

type StoredFacts = Omit<CertificateFacts, 'edition' | 'verifyUrl' | 'officeName'>;

interface Row {
  certificate_id: string;
  filing_id: string;
  applicant_id: string;
  registration_number: string;
  edition: number;
  status: CertificateStatus;
  check_code: string;
  facts: StoredFacts;
  registered_on: string | Date;
  signed_at: Date;
  bucket: string | null;
  object_key: string | null;
  sha256: string | null;
  issued_at: Date;
  revoked_at: Date | null;
  revocation_ground: RevocationGround | null;
}

const table = 'certificate.certificates';

/** The short code printed in the QR link: keyed on the server secret, so it cannot be guessed. */
export function checkCode(registrationNumber: string, edition: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
  const digest = createHmac('sha256', config().SESSION_SECRET).update(`${registrationNumber}:${edition}`).digest();
  return Array.from(digest.subarray(0, 8), (b) => alphabet[b % 32]).join('');
}

/** The public verification page (the portal serves it); the QR code points here. */
export function verifyUrl(registrationNumber: string, check: string): string {
  const base = config().PUBLIC_URL.replace(/\/$/, '');
  return `${base}${documentSettings().VERIFY_PATH}/${encodeURIComponent(registrationNumber)}?c=${check}`;
}

export function factsOf(snapshot: FilingSnapshot, registrationNumber: string, registeredOn: string): StoredFacts {
  const c = snapshot.content;
  return {
    registrationNumber,
    title: c.title,
    workType: c.workType,
    authors: c.authors.map((a) =>
      a.signature && a.signature !== a.name ? `${a.name}（署名：${a.signature}）` : a.name,
    ),
    holders: c.holders.map((h) => h.name),
    completedOn: c.completedOn,
    firstPublishedOn: c.published ? c.firstPublishedOn : undefined,
    registeredOn,
  };
}

/** Issues edition 1 of a filing's certificate; idempotent. */
export async function issueCertificate(
  deps: CertificateDeps,
  input: { snapshot: FilingSnapshot; registrationNumber: string; registeredOn: string },
): Promise<ObjectRef> {
  const { snapshot, registrationNumber, registeredOn } = input;
  await deps
    .db(table)
    .insert({
      certificate_id: randomUUID(),
      filing_id: snapshot.filingId,
      applicant_id: snapshot.applicantId,
      registration_number: registrationNumber,
      edition: 1,
      status: 'valid',
      check_code: checkCode(registrationNumber, 1),
      facts: JSON.stringify(factsOf(snapshot, registrationNumber, registeredOn)),
      registered_on: registeredOn,
      signed_at: new Date(),
    })
    .onConflict(['filing_id', 'edition'])
    .ignore();
  const row: Row = await deps.db(table).where({ filing_id: snapshot.filingId, edition: 1 }).first();
  return produce(deps, row);
}

/** 补证: the same number, the next edition; the current one becomes superseded. */
export async function reissueCertificate(deps: CertificateDeps, filingId: string): Promise<CertificateSummary> {
  const row = await deps.db.transaction(async (trx) => {
    const rows: Row[] = await trx(table).where({ filing_id: filingId }).orderBy('edition', 'desc').forUpdate();
    const current = rows[0];
    if (!current) throw new ApiError('NOT_FOUND', '该作品尚未发证');
    if (current.status !== 'valid') throw new ApiError('INVALID_STATE', '该证书已撤销，不能补发');
    const edition = current.edition + 1;
    await trx(table)
      .where({ certificate_id: current.certificate_id })
      .update({ status: 'superseded', superseded_at: new Date() });
    const next = {
      certificate_id: randomUUID(),
      filing_id: filingId,
      applicant_id: current.applicant_id,
      registration_number: current.registration_number,
      edition,
      status: 'valid',
      check_code: checkCode(current.registration_number, edition),
      facts: JSON.stringify(current.facts),
      registered_on: current.registered_on,
      signed_at: new Date(),
    };
    await trx(table).insert(next);
    return (await trx(table).where({ certificate_id: next.certificate_id }).first()) as Row;
  });
  await produce(deps, row);
  return summaryOf((await deps.db(table).where({ certificate_id: row.certificate_id }).first()) as Row);
}

/**
 * 撤销登记 (the revocation workflow's activity): every valid edition of the filing's certificate
 * becomes revoked, recording the revocation (its operator, ground and reasons are the filing
 * service's record) and the ground public verification states. Idempotent: a retry, or a filing
 * without a certificate, changes nothing.
 */
export async function revokeCertificate(
  db: Knex,
  input: { filingId: string; revocationId: string; ground: string; decidedAt: string },
): Promise<void> {
  await db(table)
    .where({ filing_id: input.filingId, status: 'valid' })
    .update({
      status: 'revoked',
      revoked_at: new Date(input.decidedAt),
      revocation_id: input.revocationId,
      revocation_ground: input.ground,
    });
}

/** Whether the filing's certificate was revoked (no paper certificate, no reissue then). */
export async function isRevoked(db: Knex, filingId: string): Promise<boolean> {
  const row = await db(table).where({ filing_id: filingId, status: 'revoked' }).first('certificate_id');
  return row !== undefined;
}

async function produce(deps: CertificateDeps, row: Row): Promise<ObjectRef> {
  if (row.bucket && row.object_key && row.sha256)
    return { bucket: row.bucket, key: row.object_key, sha256: row.sha256 };
  const settings = documentSettings();
  const pdf = await renderCertificate({
    ...row.facts,
    registeredOn: isoDate(row.registered_on),
    edition: row.edition,
    officeName: settings.OFFICE_NAME,
    verifyUrl: verifyUrl(row.registration_number, row.check_code),
  });
  const signed = await signPdf(pdf, {
    identity: await officeKeyProvider(deps.db),
    fieldName: `${settings.OFFICE_NAME} 登记证书签章`,
    signerName: settings.OFFICE_NAME,
    reason: '作品登记证书',
    location: settings.OFFICE_NAME,
    signingTime: new Date(row.signed_at),
    pageIndex: 0,
    rect: { x: 0, y: 0, width: 0, height: 0 },
  });
  const key = `certificates/${row.filing_id}/${row.registration_number}-${row.edition}.pdf`;
  const ref = await putObject(deps.store, key, signed, 'application/pdf', deps.bucket);
  await deps
    .db(table)
    .where({ certificate_id: row.certificate_id })
    .update({ bucket: ref.bucket, object_key: ref.key, sha256: ref.sha256 });
  return ref;
}

/** The China calendar day of an instant. */
const chinaDay = (d: Date) => new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

const isoDate = (d: string | Date) =>
  typeof d === 'string'
    ? d.slice(0, 10)
    : new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);

function summaryOf(row: Row): CertificateSummary {
  return {
    certificateId: row.certificate_id,
    filingId: row.filing_id,
    registrationNumber: row.registration_number,
    edition: row.edition,
    status: row.status,
    title: row.facts.title,
    workType: row.facts.workType,
    registeredOn: isoDate(row.registered_on),
    issuedAt: new Date(row.issued_at).toISOString(),
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    verifyUrl: verifyUrl(row.registration_number, row.check_code),
  };
}

export async function certificatesOf(
  db: Knex,
  filingId: string,
): Promise<{ applicantId?: string; items: CertificateSummary[] }> {
  const rows: Row[] = await db(table).where({ filing_id: filingId }).orderBy('edition', 'desc');
  return { applicantId: rows[0]?.applicant_id, items: rows.map(summaryOf) };
}

/** The current edition's stored PDF, with its owner for the access check. */
export async function currentCertificate(
  db: Knex,
  filingId: string,
): Promise<(ObjectRef & { applicantId: string; number: string; edition: number }) | undefined> {
  const row: Row | undefined = await db(table)
    .where({ filing_id: filingId })
    .whereNotNull('sha256')
    .orderBy('edition', 'desc')
    .first();
  if (!row?.bucket || !row.object_key || !row.sha256) return undefined;
  return {
    bucket: row.bucket,
    key: row.object_key,
    sha256: row.sha256,
    applicantId: row.applicant_id,
    number: row.registration_number,
    edition: row.edition,
  };
}

/** 证书查验: by number plus the check code (any edition) or the holder's name (the latest edition). */
export async function verifyCertificate(
  db: Knex,
  q: { number: string; c?: string | undefined; holder?: string | undefined },
): Promise<VerifyResult> {
  const rows: Row[] = await db(table)
    .where({ registration_number: q.number })
    .whereNotNull('sha256')
    .orderBy('edition', 'desc');
  const row = q.c
    ? rows.find((r) => r.check_code === q.c)
    : rows[0]?.facts.holders.includes(q.holder ?? '')
      ? rows[0]
      : undefined;
  // The same answer whether the number or the second field is wrong: nothing to probe with.
  if (!row?.sha256) throw new ApiError('NOT_FOUND', '未查到与登记号及所填信息相符的证书');
  const latest = rows[0]?.edition ?? row.edition;
  const revokedOn = row.status === 'revoked' && row.revoked_at ? chinaDay(row.revoked_at) : undefined;
  const statusText =
    row.status === 'valid'
      ? '有效'
      : row.status === 'revoked'
        ? `已撤销登记${revokedOn ? `（${revokedOn}${row.revocation_ground ? `，${revocationGroundLabel[row.revocation_ground]}` : ''}）` : ''}`
        : `已被补发证书取代（最新为第 ${latest} 版）`;
  return {
    registrationNumber: row.registration_number,
    title: row.facts.title,
    workType: row.facts.workType,
    holders: row.facts.holders,
    registeredOn: isoDate(row.registered_on),
    edition: row.edition,
    status: CertificateStatus.parse(row.status),
    statusText,
    ...(revokedOn ? { revokedOn } : {}),
    sha256: row.sha256,
  };
}
