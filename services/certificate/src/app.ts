import {
  Api,
  ApiError,
  config,
  createApp,
  createDb,
  createObjectStore,
  getObject,
  IdempotencyStore,
} from '@copyreg/kit';
import {
  CertificateList,
  CertificateSummary,
  DeliveryInput,
  DeliveryResult,
  FilingIdParams,
  holds,
  type SessionUser,
  VerifyQuery,
  VerifyResult,
} from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { z } from 'zod';
import { certificatesOf, currentCertificate, isRevoked, reissueCertificate, verifyCertificate } from './certificates';
import { deliveryRefused, recordDelivery } from './workflow-update';

/** Staff who may read any certificate (reviewers and office staff). */
const isStaff = (user: SessionUser | undefined) => !!user && holds(user.roles, 'readSigningAndCertificates');

export interface CertificateAppDeps {
  db?: Knex;
  store?: ObjectStore;
  bucket?: string;
}

/** The certificate service: the owner's download, 补证, public verification (证书查验), paper delivery. */
export function createCertificateApp(deps: CertificateAppDeps = {}) {
  const db = deps.db ?? createDb();
  const store = deps.store ?? createObjectStore();
  const bucket = deps.bucket ?? config().S3_BUCKET;
  const api = new Api('certificate — 证书', '/api/certificate', new IdempotencyStore(db));

  const ownerOrStaff = async (user: SessionUser | undefined, filingId: string) => {
    const { applicantId, items } = await certificatesOf(db, filingId);
    // The same answer for someone else's work as for none: no probing which filings exist.
    if (!items.length || !(isStaff(user) || applicantId === user?.userId)) {
      throw new ApiError('NOT_FOUND', '未找到该作品的证书');
    }
    return items;
  };

  api.route({
    method: 'get',
    path: '/certificates/:filingId',
    summary: '作品的电子证书（各版本，最新在前）',
    tags: ['certificates'],
    access: 'user',
    params: FilingIdParams,
    response: CertificateList,
    handler: async ({ params, user }) => ({ items: await ownerOrStaff(user, params.filingId) }),
  });

  api.route({
    method: 'get',
    path: '/certificates/:filingId/pdf',
    summary: '下载电子证书（当前有效版本的 PDF）',
    tags: ['certificates'],
    access: 'user',
    params: FilingIdParams,
    response: z.unknown().describe('application/pdf'),
    handler: async ({ params, user, res }) => {
      await ownerOrStaff(user, params.filingId);
      const current = await currentCertificate(db, params.filingId);
      if (!current) throw new ApiError('NOT_FOUND', '电子证书尚未生成');
      const bytes = await getObject(store, current);
      const name = `作品登记证书-${current.number}${current.edition > 1 ? `-第${current.edition}版` : ''}.pdf`;
      res
        .status(200)
        .type('application/pdf')
        .set(
          'Content-Disposition',
          `attachment; filename="certificate.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .set('X-Content-SHA256', current.sha256)
        .send(bytes);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/verify',
    rateLimit: 'verify',
    summary: '证书查验：登记号加校验码（二维码链接中的 c）或著作权人姓名/名称',
    tags: ['public'],
    access: 'public',
    query: VerifyQuery,
    response: VerifyResult,
    handler: ({ query }) => verifyCertificate(db, query),
  });

  api.route({
    method: 'post',
    path: '/admin/certificates/:filingId/reissue',
    summary: '补证：同一登记号发放新版本证书，原证书标记为已被取代',
    tags: ['admin'],
    access: ['admin'],
    params: FilingIdParams,
    response: CertificateSummary,
    handler: ({ params }) => reissueCertificate({ db, store, bucket }, params.filingId),
  });

  api.route({
    method: 'post',
    path: '/admin/deliveries/:filingId',
    summary: '登记纸质证书发放：邮寄（顺丰到付，运单号）或自领',
    tags: ['admin'],
    access: ['admin'],
    params: FilingIdParams,
    body: DeliveryInput,
    response: DeliveryResult,
    handler: async ({ params, body, user, operationId }) => {
      const filingId = params.filingId;
      const actorId = user.userId;
      const waybillNo = body.kind === 'mailed' ? body.waybillNo : null;
      // 撤销登记 (the revocation workflow, filing service): no paper certificate for a revoked registration.
      if (await isRevoked(db, filingId)) {
        throw new ApiError('INVALID_STATE', '该作品的登记已撤销，不能发放纸质证书');
      }
      // Retry-safe: the row goes in first and is committed only once the workflow holds the same
      // delivery. A crash after the update leaves no row; the retry finds the workflow already
      // holding this delivery (a no-op) and stores it. Another delivery is refused either way.
      const row = await db.transaction(async (tx) => {
        await tx('certificate.deliveries')
          .insert({ filing_id: filingId, kind: body.kind, waybill_no: waybillNo, actor_id: actorId })
          .onConflict('filing_id')
          .ignore();
        const kept = await tx('certificate.deliveries').where({ filing_id: filingId }).forUpdate().first();
        if (kept.kind !== body.kind || kept.waybill_no !== waybillNo) throw deliveryRefused();
        const state = await recordDelivery(
          filingId,
          body.kind === 'mailed'
            ? { kind: 'mailed', waybillNo: body.waybillNo, actorId }
            : { kind: 'picked_up', actorId },
          operationId,
        );
        const d = state.delivery;
        if (d?.kind !== body.kind || (d.waybillNo ?? null) !== waybillNo) throw deliveryRefused();
        // The time the workflow recorded, which the read model shows too.
        const [saved] = await tx('certificate.deliveries')
          .where({ filing_id: filingId })
          .update({ recorded_at: d.at })
          .returning('*');
        return saved;
      });
      return {
        filingId: row.filing_id,
        kind: row.kind,
        ...(row.waybill_no ? { waybillNo: row.waybill_no } : {}),
        recordedAt: new Date(row.recorded_at).toISOString(),
      };
    },
  });

  return createApp(api);
}
