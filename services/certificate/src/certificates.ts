import { createHmac, randomUUID } from 'node:crypto';
import { ApiError, config, putObject } from '@copyreg/kit';
import type { ChangedFacts, FilingSnapshot, ObjectRef } from '@copyreg/proto';
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

type StoredFacts = Omit<CertificateFacts, 'edition' | 'editionLabel' | 'verifyUrl' | 'officeName'>;

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
  service_request_id: string | null;
  reason: EditionReason | null;
}

/** Why an edition after the first was issued: 变更 (a change registration), 补证 (lost), 换证 (damaged), or staff's 补发. */
export type EditionReason = 'change' | 'lost' | 'damaged' | 'staff';

/** The request (其他登记服务) an edition is issued for: its id, the approving operator, the reason, the changed facts. */
export interface EditionRequest {
  requestId: string;
  operatorId: string;
  reason: EditionReason;
  changes?: ChangedFacts | undefined;
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
    authors: c.authors.map(authorLine),
    holders: c.holders.map((h) => h.name),
    completedOn: c.completedOn,
    firstPublishedOn: c.published ? c.firstPublishedOn : undefined,
    registeredOn,
  };
}

/** An author as the certificate names them: the name, with the 署名 where it differs. */
const authorLine = (a: { name: string; signature?: string | undefined }) =>
  a.signature && a.signature !== a.name ? `${a.name}（署名：${a.signature}）` : a.name;

/** The facts of the current edition with a change registration's changed facts over them. */
function changedFacts(facts: StoredFacts, changes: ChangedFacts | undefined): StoredFacts {
  if (!changes) return facts;
  const published = changes.published ?? facts.firstPublishedOn !== undefined;
  return {
    ...facts,
    ...(changes.title ? { title: changes.title } : {}),
    ...(changes.authors ? { authors: changes.authors.map(authorLine) } : {}),
    ...(changes.holders ? { holders: changes.holders.map((h) => h.name) } : {}),
    ...(changes.completedOn ? { completedOn: changes.completedOn } : {}),
    firstPublishedOn: published ? (changes.firstPublishedOn ?? facts.firstPublishedOn) : undefined,
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

/**
 * 补证 / 换证 / 变更: the same number, the next edition; the current one becomes superseded. For a
 * request (其他登记服务) the edition records the request, operator and reason and carries the
 * changed facts; it is issued once per request (a retried activity finds it).
 */
export async function reissueCertificate(
  deps: CertificateDeps,
  filingId: string,
  by?: EditionRequest,
): Promise<CertificateSummary> {
  const issued = async () =>
    by ? ((await deps.db(table).where({ service_request_id: by.requestId }).first()) as Row | undefined) : undefined;
  const row =
    (await issued()) ??
    (await nextEdition(deps, filingId, by).catch(async (err) => {
      // A concurrent attempt for the same request committed first: its edition is this one.
      const again = await issued();
      if (again) return again;
      throw err;
    }));
  await produce(deps, row);
  return summaryOf((await deps.db(table).where({ certificate_id: row.certificate_id }).first()) as Row);
}

async function nextEdition(deps: CertificateDeps, filingId: string, by: EditionRequest | undefined): Promise<Row> {
  return deps.db.transaction(async (trx) => {
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
      facts: JSON.stringify(changedFacts(current.facts, by?.changes)),
      registered_on: current.registered_on,
      signed_at: new Date(),
      service_request_id: by?.requestId ?? null,
      operator_id: by?.operatorId ?? null,
      reason: by?.reason ?? 'staff',
    };
    await trx(table).insert(next);
    return (await trx(table).where({ certificate_id: next.certificate_id }).first()) as Row;
  });
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
    editionLabel: row.reason === 'change' ? `变更（第 ${row.edition} 版）` : `补发（第 ${row.edition} 版）`,
    officeName: settings.OFFICE_NAME,
    verifyUrl: verifyUrl(row.registration_number, row.check_code),
  });
  const key = `certificates/${row.filing_id}/${row.registration_number}-${row.edition}.pdf`;
  const ref = await signAndStore(deps, pdf, { what: '登记证书', signedAt: new Date(row.signed_at), key });
  await deps
    .db(table)
    .where({ certificate_id: row.certificate_id })
    .update({ bucket: ref.bucket, object_key: ref.key, sha256: ref.sha256 });
  return ref;
}

/** Signs a document as the office (signing time fixed by its row, so a retry makes the same bytes) and stores it. */
export async function signAndStore(
  deps: CertificateDeps,
  pdf: Uint8Array,
  doc: { what: string; signedAt: Date; key: string },
): Promise<ObjectRef> {
  const office = documentSettings().OFFICE_NAME;
  const signed = await signPdf(pdf, {
    identity: await officeKeyProvider(),
    fieldName: `${office} ${doc.what}签章`,
    signerName: office,
    reason: doc.what === '登记证书' ? '作品登记证书' : doc.what,
    location: office,
    signingTime: doc.signedAt,
    pageIndex: 0,
    rect: { x: 0, y: 0, width: 0, height: 0 },
  });
  return putObject(deps.store, doc.key, signed, 'application/pdf', deps.bucket);
}

/** The China calendar day of an instant. */
export const chinaDay = (d: Date) => new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

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
  const replacedBy = rows[0]?.reason === 'change' ? '变更登记后的证书' : '补发证书';
  const revokedOn = row.status === 'revoked' && row.revoked_at ? chinaDay(row.revoked_at) : undefined;
  const statusText =
    row.status === 'valid'
      ? '有效'
      : row.status === 'revoked'
        ? `已撤销登记${revokedOn ? `（${revokedOn}${row.revocation_ground ? `，${revocationGroundLabel[row.revocation_ground]}` : ''}）` : ''}`
        : `已被${replacedBy}取代（最新为第 ${latest} 版）`;
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
