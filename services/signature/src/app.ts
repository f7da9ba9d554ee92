import { randomUUID } from 'node:crypto';
import {
  markPlace,
  personSubject,
  SIGNATURE_PAGE_INDEX,
  signatureArea,
  signerKindLabel,
  within,
} from '@copyreg/certificate';
import {
  Api,
  ApiError,
  createApp,
  createDb,
  createObjectStore,
  getObject,
  IdempotencyStore,
  logger,
  type ObjectRef,
  RegistrationClient,
} from '@copyreg/kit';
import {
  ConfirmResult,
  FilingIdParams,
  holds,
  PageImageParams,
  Placement,
  PlacementInput,
  PlacementParams,
  type SessionUser,
  SigningList,
  SigningSession,
  signUpdate,
  stateQuery,
  TokenParams,
} from '@copyreg/proto';
import type { Response } from 'express';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { z } from 'zod';
import { signingLinkUrl } from './links';
import { PAGE_IMAGE_DPI, type PageSize, pageImage, pageSizes } from './pages';
import { markSize } from './rounds';
import { idDocumentOf } from './signer-identity';

const stateLabel = { waiting: '准备签章', current: '待签章', signing: '签章处理中', signed: '已签章' } as const;

/** The manual's hints for 您不是本份文件的签署者 (电子签章常见问题). */
const notSignerHints = [
  { field: 'link', message: '请核实签章链接是否复制有误：每条签章链接只对应相应的签章人，请勿群发签章链接' },
  { field: 'account', message: '请核实登录的账号是否有误：单位签章须登录该单位的单位账号，而非法定代表人的个人账号' },
  {
    field: 'idNumber',
    message: '请检查填报时填写的证件类型和证件号是否有错填、漏填或多余空格；证件号有误的需先修改再提交签章',
  },
];

/** The form as the round has it now (with the signatures so far). */
const currentForm = (round: { current_bucket: string; current_key: string; current_sha256: string }): ObjectRef => ({
  bucket: round.current_bucket,
  key: round.current_key,
  sha256: round.current_sha256,
});

const registration = new RegistrationClient();
/** The signing list asks the workflow in passing: it does not wait long for an answer. */
const registrationState = new RegistrationClient({ deadlineMs: 5_000 });

/**
 * Whether the registration has taken every signature of this version and waits for 提交, asked of
 * the workflow itself (the one that accepts or refuses the submission). The signer's slot turns
 * 已签章 when the signature is applied, a moment before the workflow moves on; until then 提交
 * would be refused. A workflow that does not answer in time counts as not yet.
 */
async function awaitsSubmission(filingId: string, versionNo: number): Promise<boolean> {
  try {
    const state = await registrationState.query(filingId, stateQuery);
    return state?.status === 'awaiting_submission' && state.versionNo === versionNo;
  } catch (err) {
    logger.warn({ err, filingId }, 'registration state unavailable for the signing list');
    return false;
  }
}

export interface SignatureAppDeps {
  db?: Knex;
  store?: ObjectStore;
}

/** The signature service (电子签章): the signing list, signing links, placing and confirming signatures. */
export function createSignatureApp(deps: SignatureAppDeps = {}) {
  const db = deps.db ?? createDb();
  const store = deps.store ?? createObjectStore();
  const api = new Api('signature — 电子签章', '/api/signature', new IdempotencyStore(db));
  const base = '/api/signature';
  const linkUrl = signingLinkUrl;

  /** The filing's latest round, for its applicant (or staff). */
  async function latestRound(user: SessionUser | undefined, filingId: string) {
    const round = await db('signature.rounds').where({ filing_id: filingId }).orderBy('round', 'desc').first();
    const staff = !!user && holds(user.roles, 'readSigningAndCertificates');
    if (!round || !(staff || round.applicant_id === user?.userId))
      throw new ApiError('NOT_FOUND', '未找到该作品的签章列表');
    return round;
  }

  /**
   * A link's slot, checked: the link exists and has not expired, its round is not voided, it is
   * this signer's turn, and the caller is the signer (ID type and number match the signer entry).
   */
  /**
   * The link's slot for its signer, while it is their turn. `confirming` a placement this signer
   * already confirmed is a retry whose answer was lost: the signed slot is handed back for it.
   */
  async function slotOfLink(token: string, user: SessionUser, confirming?: string) {
    const slot = await db('signature.slots').where({ token }).first();
    if (!slot) throw new ApiError('NOT_FOUND', '签章链接无效，请核实链接是否复制完整');
    const round = await db('signature.rounds').where({ filing_id: slot.filing_id, round: slot.round }).first();
    if (round.voided_at) {
      throw new ApiError('INVALID_STATE', '申请表已修改，原签章链接已失效，请向申请人索取新的签章链接');
    }
    if (new Date(slot.token_expires_at) < new Date())
      throw new ApiError('INVALID_STATE', '签章链接已过期，请联系申请人');
    const document = await idDocumentOf(db, user.userId);
    if (!document || personSubject(document) !== slot.id_digest) {
      throw new ApiError('NOT_CURRENT_SIGNER', '您不是本份文件的签署者', undefined, notSignerHints);
    }
    if (slot.state === 'signed') {
      const retried =
        confirming &&
        (await db('signature.placements')
          .where({
            placement_id: confirming,
            filing_id: slot.filing_id,
            round: slot.round,
            signer_index: slot.signer_index,
          })
          .whereNotNull('confirmed_at')
          .first());
      if (retried) return { slot, round };
      throw new ApiError('CONFLICT', '您已完成签章，无需重复签署');
    }
    if (slot.state !== 'current') {
      throw new ApiError('INVALID_STATE', '尚未轮到您签章：请待前一位签章人完成签章后再打开链接');
    }
    return { slot, round };
  }

  const sendPdf = async (res: Response, ref: { bucket: string; key: string; sha256: string }, name: string) => {
    const bytes = await getObject(store, ref);
    res
      .status(200)
      .type('application/pdf')
      .set('Content-Disposition', `inline; filename="form.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .set('X-Content-SHA256', ref.sha256)
      .send(bytes);
    return undefined;
  };

  const placementOf = (row: Record<string, unknown>) =>
    Placement.parse({
      placementId: row.placement_id,
      page: row.page,
      x: row.x,
      y: row.y,
      width: row.width,
      height: row.height,
      confirmed: !!row.confirmed_at,
    });

  api.route({
    method: 'get',
    path: '/filings/:filingId/signing-list',
    summary: '签章列表：序号、签章人/单位、类型、状态，当前签章人的签章链接',
    tags: ['applicant'],
    access: 'user',
    params: FilingIdParams,
    response: SigningList,
    handler: async ({ params, user }) => {
      const round = await latestRound(user, params.filingId);
      const slots = await db('signature.slots')
        .where({ filing_id: round.filing_id, round: round.round })
        .orderBy('signer_index');
      const voided = !!round.voided_at;
      const allSigned = !voided && slots.every((s) => s.state === 'signed');
      // Confirmed, not yet applied (签章处理中): the workflow answers 确认 before the PDF signature.
      const confirmed = new Set(
        (
          await db('signature.placements')
            .where({ filing_id: round.filing_id, round: round.round })
            .whereNotNull('confirmed_at')
            .select('signer_index')
        ).map((p) => p.signer_index as number),
      );
      const stateOf = (s: { state: keyof typeof stateLabel; signer_index: number }) =>
        s.state === 'current' && confirmed.has(s.signer_index) ? 'signing' : s.state;
      return {
        filingId: round.filing_id,
        round: round.round,
        versionNo: round.version_no,
        formUrl: `${base}/filings/${round.filing_id}/form`,
        complete: allSigned && (await awaitsSubmission(round.filing_id, round.version_no)),
        items: slots.map((s) => {
          const state = stateOf(s);
          return {
            seq: s.signer_index + 1,
            signerId: s.signer_id,
            name: s.name,
            kind: s.kind,
            kindLabel: signerKindLabel[s.kind as 'holder' | 'writer'],
            state,
            stateLabel: stateLabel[state],
            ...(s.signed_at ? { signedAt: new Date(s.signed_at).toISOString() } : {}),
            // Only the current signer's link is handed out (需当前签章人完成电子签章后才会生成相应签章链接).
            ...(state === 'current' && !voided ? { signingLink: linkUrl(s.token) } : {}),
          };
        }),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/filings/:filingId/form',
    summary: '查看表单：申请表 PDF（含已完成的签章）',
    tags: ['applicant'],
    access: 'user',
    params: FilingIdParams,
    response: z.unknown().describe('application/pdf'),
    handler: async ({ params, user, res }) => {
      const round = await latestRound(user, params.filingId);
      return sendPdf(res, currentForm(round), `作品登记申请表-第${round.version_no}版.pdf`);
    },
  });

  api.route({
    method: 'get',
    path: '/links/:token',
    summary: '打开签章链接：须以签章人本人（单位须以单位账号）登录',
    tags: ['signer'],
    access: 'user',
    params: TokenParams,
    response: SigningSession,
    handler: async ({ params, user }) => {
      const { slot, round } = await slotOfLink(params.token, user);
      const own = markPlace(await signerCount(slot), slot.signer_index, markSize(slot.organisation));
      const sizes = await pageSizes(store, currentForm(round));
      const placement = await db('signature.placements')
        .where({ filing_id: slot.filing_id, round: slot.round, signer_index: slot.signer_index })
        .orderBy('created_at', 'desc')
        .first();
      return {
        filingId: slot.filing_id,
        round: slot.round,
        versionNo: round.version_no,
        seq: slot.signer_index + 1,
        signerName: slot.name,
        kind: slot.kind,
        kindLabel: signerKindLabel[slot.kind as 'holder' | 'writer'],
        mark: slot.organisation ? ('seal' as const) : ('signature' as const),
        formUrl: `${base}/links/${params.token}/form`,
        pageCount: round.page_count,
        pageSize: sizeOf(sizes, SIGNATURE_PAGE_INDEX),
        signaturePage: SIGNATURE_PAGE_INDEX,
        pageImage: { url: `${base}/links/${params.token}/pages/${SIGNATURE_PAGE_INDEX + 1}.png`, dpi: PAGE_IMAGE_DPI },
        suggested: { page: SIGNATURE_PAGE_INDEX, x: own.x, y: own.y },
        markSize: markSize(slot.organisation),
        ...(placement ? { placement: placementOf(placement) } : {}),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/links/:token/form',
    summary: '签章人查看申请表 PDF',
    tags: ['signer'],
    access: 'user',
    params: TokenParams,
    response: z.unknown().describe('application/pdf'),
    handler: async ({ params, user, res }) => {
      const { round } = await slotOfLink(params.token, user);
      return sendPdf(res, currentForm(round), `作品登记申请表-第${round.version_no}版.pdf`);
    },
  });

  api.route({
    method: 'get',
    path: '/links/:token/pages/:pageNo.png',
    summary: '签章人查看申请表的一页（PNG 图像，分辨率见签章链接的 pageImage.dpi），在其上放置签章',
    tags: ['signer'],
    access: 'user',
    params: PageImageParams,
    response: z.unknown().describe('image/png'),
    handler: async ({ params, user, res }) => {
      const { round } = await slotOfLink(params.token, user);
      if (params.pageNo < 1 || params.pageNo > round.page_count) {
        throw new ApiError('NOT_FOUND', `申请表没有第${params.pageNo}页（共${round.page_count}页）`, 'pageNo');
      }
      const form = currentForm(round);
      const png = await pageImage(store, form, params.pageNo);
      // The link's form does not change while the link works (a new signature or an amendment ends it).
      res.status(200).type('image/png').set('Cache-Control', 'private, max-age=3600').send(png);
      return undefined;
    },
  });

  const signerCount = async (slot: { filing_id: string; round: number }) =>
    Number(
      (
        await db('signature.slots')
          .where({ filing_id: slot.filing_id, round: slot.round })
          .count<{ n: string }[]>({ n: '*' })
      )[0]?.n ?? 1,
    );

  /**
   * Refuses a mark outside the signature area of the signature page (over the declaration, say),
   * naming the coordinate that is off.
   */
  async function assertInArea(
    slot: { filing_id: string; round: number; organisation: boolean },
    mark: { page: number; x: number; y: number; width: number; height: number },
  ) {
    const message = '签章位置不在签章区域内，请将签章拖到您的签章处';
    if (mark.page !== SIGNATURE_PAGE_INDEX) throw new ApiError('VALIDATION_FAILED', message, 'page');
    const area = signatureArea(await signerCount(slot), markSize(slot.organisation));
    if (within(mark, area)) return;
    const xInside = within({ ...mark, y: area.y, height: 0 }, area);
    throw new ApiError('VALIDATION_FAILED', message, xInside ? 'y' : 'x');
  }

  /** Where a mark goes: the signer's own box unless placed elsewhere, inside the signature area. */
  async function place(
    input: PlacementInput,
    round: Parameters<typeof currentForm>[0],
    slot: { filing_id: string; round: number; signer_index: number; organisation: boolean },
  ): Promise<{ page: number; x: number; y: number }> {
    const size = markSize(slot.organisation);
    const page = input.page ?? SIGNATURE_PAGE_INDEX;
    const sizes = await pageSizes(store, currentForm(round));
    if (page >= sizes.length) throw new ApiError('VALIDATION_FAILED', `申请表共 ${sizes.length} 页`, 'page');
    const own = markPlace(await signerCount(slot), slot.signer_index, size);
    const at = { page, x: input.x ?? own.x, y: input.y ?? own.y };
    await assertInArea(slot, { ...at, ...size });
    return at;
  }

  api.route({
    method: 'post',
    path: '/links/:token/placements',
    summary: '开始签署：放置签名或印章（缺省在本人的签章处，可在签章区域内移动）；重新开始会替换未确认的签章',
    tags: ['signer'],
    access: 'user',
    params: TokenParams,
    body: PlacementInput,
    response: Placement,
    status: 201,
    handler: async ({ params, body, user }) => {
      const { slot, round } = await slotOfLink(params.token, user);
      const size = markSize(slot.organisation);
      const at = await place(body, round, slot);
      const where = { filing_id: slot.filing_id, round: slot.round, signer_index: slot.signer_index };
      const row = await db.transaction(async (trx) => {
        await trx('signature.placements').where(where).whereNull('confirmed_at').delete();
        const [inserted] = await trx('signature.placements')
          .insert({ placement_id: randomUUID(), ...where, user_id: user.userId, ...at, ...size })
          .returning('*');
        return inserted;
      });
      return placementOf(row);
    },
  });

  api.route({
    method: 'put',
    path: '/links/:token/placements/:placementId',
    summary: '移动已放置（未确认）的签章',
    tags: ['signer'],
    access: 'user',
    params: PlacementParams,
    body: PlacementInput,
    response: Placement,
    handler: async ({ params, body, user }) => {
      const { slot, round } = await slotOfLink(params.token, user);
      const at = await place(body, round, slot);
      const [row] = await db('signature.placements')
        .where({
          placement_id: params.placementId,
          filing_id: slot.filing_id,
          round: slot.round,
          signer_index: slot.signer_index,
        })
        .whereNull('confirmed_at')
        .update(at)
        .returning('*');
      if (!row) throw new ApiError('SIGNATURE_NOT_PLACED', '未找到该签章，请重新点击“开始签署”');
      return placementOf(row);
    },
  });

  api.route({
    method: 'post',
    path: '/links/:token/placements/:placementId/confirm',
    rateLimit: 'sign',
    summary: '确认签署：对申请表施加数字签名；未确认的签章无效',
    tags: ['signer'],
    access: 'user',
    params: PlacementParams,
    response: ConfirmResult,
    handler: async ({ params, user }) => {
      const { slot, round } = await slotOfLink(params.token, user, params.placementId);
      const where = {
        placement_id: params.placementId,
        filing_id: slot.filing_id,
        round: slot.round,
        signer_index: slot.signer_index,
      };
      // Confirmed before the update: the workflow's applySignature signs only a confirmed placement.
      // A placement already confirmed is a retry whose answer was lost: the update goes again under
      // the same id, and Temporal answers with its first outcome.
      const placement = await db('signature.placements').where(where).first();
      if (!placement) throw new ApiError('SIGNATURE_NOT_PLACED', '请先点击“开始签署”放置签章，再确认');
      if (!placement.confirmed_at) {
        // A placement kept from before the signature area was enforced is checked again.
        await assertInArea(slot, placement);
        await db('signature.placements').where(where).whereNull('confirmed_at').update({ confirmed_at: new Date() });
      }
      try {
        const state = await registration.update(
          slot.filing_id,
          signUpdate,
          {
            signerId: slot.signer_id,
            placementId: params.placementId,
            versionNo: round.version_no,
            actorId: user.userId,
          },
          { updateId: `sign-${params.placementId}` },
        );
        const current = state.signingRounds[state.signingRounds.length - 1];
        return {
          signed: true as const,
          seq: slot.signer_index + 1,
          complete: !!current && current.signers.every((s) => s.state === 'signed'),
        };
      } catch (err) {
        // Refused: the placement does not count; the signer may start over. (On a timeout the
        // workflow may still accept the update, so the confirmation stays.)
        if (err instanceof ApiError && err.code !== 'UPSTREAM_UNAVAILABLE') {
          await db('signature.placements').where(where).update({ confirmed_at: null });
        }
        throw err;
      }
    },
  });

  return createApp(api);
}

const sizeOf = (sizes: PageSize[], page: number): PageSize => {
  const size = sizes[page];
  if (!size) throw new ApiError('NOT_FOUND', `申请表没有第${page + 1}页`);
  return size;
};
