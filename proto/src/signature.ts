import { z } from 'zod';
import { Id } from './common';
import { SignerKind } from './registration';

// Contracts of the signature service (电子签章): the signing list, links, placements.

/** 准备签章 (waiting) / 待签章 (current) / 签章处理中 (signing: confirmed, being applied) / 已签章 (signed). */
export const SigningSlotState = z.enum(['waiting', 'current', 'signing', 'signed']);

/** A row of the signing list (签章列表). */
export const SigningListItem = z.object({
  seq: z.number().int().positive().describe('序号'),
  signerId: Id,
  name: z.string().describe('签章人/单位'),
  kind: SignerKind,
  kindLabel: z.enum(['著作权人签章', '执笔者签章']).describe('类型'),
  state: SigningSlotState,
  stateLabel: z.enum(['准备签章', '待签章', '签章处理中', '已签章']).describe('状态'),
  signedAt: z.iso.datetime().optional(),
  /** 签章 / 复制签章链接: only the current signer has a link. */
  signingLink: z.string().optional(),
});

export const SigningList = z
  .object({
    filingId: Id,
    round: z.number().int().positive(),
    versionNo: z.number().int().positive(),
    /** 查看表单: the form as filled in (and as signed so far). */
    formUrl: z.string(),
    /**
     * Every signature of the round is in and the registration has taken the last one (已完成签章，
     * 待提交): 提交 is accepted now. False while the last signature is still on its way in.
     */
    complete: z.boolean(),
    items: z.array(SigningListItem),
  })
  .meta({ id: 'SigningList' });
export type SigningList = z.infer<typeof SigningList>;

export const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/) });
export const PlacementParams = TokenParams.extend({ placementId: Id });
/** A page of the form as an image: the page number from 1 (第二页 is 2), as pdftoppm counts. */
export const PageImageParams = TokenParams.extend({
  pageNo: z.coerce.number().int().min(0).max(9999).describe('页码（从1起）'),
});

/**
 * A placed signature (开始签署): page index from 0, PDF points from the page's bottom-left of the
 * mark's bottom-left corner. Without a position it goes to the signer's own 签章 box; it must lie
 * within the signature area of the signature page.
 */
export const PlacementInput = z.object({
  page: z.number().int().min(0).optional().describe('页序号（从0起）；缺省为签章页（第二页），签章只能在签章页'),
  x: z.number().min(0).optional().describe('缺省为本人的签章处；须在签章区域内'),
  y: z.number().min(0).optional().describe('缺省为本人的签章处；须在签章区域内'),
});
export type PlacementInput = z.infer<typeof PlacementInput>;

export const Placement = z
  .object({
    placementId: Id,
    page: z.number().int(),
    x: z.number(),
    y: z.number(),
    width: z.number(),
    height: z.number(),
    confirmed: z.boolean(),
  })
  .meta({ id: 'Placement' });
export type Placement = z.infer<typeof Placement>;

/** What a signer sees on opening their link. */
export const SigningSession = z
  .object({
    filingId: Id,
    round: z.number().int().positive(),
    versionNo: z.number().int().positive(),
    seq: z.number().int().positive(),
    signerName: z.string(),
    kind: SignerKind,
    kindLabel: z.string(),
    /** 签名 (a person) or 印章 (an organisation). */
    mark: z.enum(['signature', 'seal']),
    formUrl: z.string(),
    pageCount: z.number().int().positive(),
    /** The signature page's size in PDF points, as the form has it. */
    pageSize: z.object({ width: z.number(), height: z.number() }),
    /** Index from 0 of the page the mark goes on (1: 第二页). */
    signaturePage: z.number().int(),
    /**
     * The signature page rendered as a PNG at `dpi`: image pixel (px, py) from the top-left is
     * PDF point (px × 72 / dpi, height − py × 72 / dpi) from the bottom-left.
     */
    pageImage: z.object({ url: z.string(), dpi: z.number().int().positive() }),
    /** Where the mark goes in this signer's own box (the default); it may move within the signature area. */
    suggested: z.object({ page: z.number().int(), x: z.number(), y: z.number() }),
    markSize: z.object({ width: z.number(), height: z.number() }),
    placement: Placement.optional(),
  })
  .meta({ id: 'SigningSession' });
export type SigningSession = z.infer<typeof SigningSession>;

export const ConfirmResult = z.object({
  signed: z.literal(true),
  seq: z.number().int().positive(),
  /**
   * Every signature is in and the registration has taken it. 确认 is answered before the PDF
   * signature is applied (签章处理中), so this is false then: the signing list says when it is.
   */
  complete: z.boolean(),
});
