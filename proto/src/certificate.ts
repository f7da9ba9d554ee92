import { z } from 'zod';
import { Id } from './common';
import { WorkType } from './registration';

// Contracts of the certificate service: HTTP bodies and the rows' public shapes.

/** 有效 / 已被补发证书取代 / 已撤销 */
export const CertificateStatus = z.enum(['valid', 'superseded', 'revoked']);
export type CertificateStatus = z.infer<typeof CertificateStatus>;

/** A certificate edition as its owner and staff see it. */
export const CertificateSummary = z
  .object({
    certificateId: Id,
    filingId: Id,
    registrationNumber: z.string(),
    edition: z.number().int().positive(),
    status: CertificateStatus,
    title: z.string(),
    workType: WorkType,
    registeredOn: z.iso.date(),
    issuedAt: z.iso.datetime(),
    sha256: z.string().optional(),
    /** The public verification page this edition's QR code points to. */
    verifyUrl: z.string(),
  })
  .meta({ id: 'CertificateSummary' });
export type CertificateSummary = z.infer<typeof CertificateSummary>;

export const CertificateList = z.object({ items: z.array(CertificateSummary) });

export const FilingIdParams = z.object({ filingId: Id });

/** 证书查验: the number plus one more field (the holder's name or the check code printed in the QR link). */
export const VerifyQuery = z
  .object({
    number: z.string().trim().min(8).max(60).describe('登记号，如 浙作登字-2026-F-00000001'),
    c: z
      .string()
      .trim()
      .regex(/^[0-9A-Z]{8}$/, '校验码为8位数字或大写字母')
      .optional()
      .describe('校验码（证书二维码链接中的 c）'),
    holder: z.string().trim().min(1).max(100).optional().describe('著作权人姓名或名称'),
  })
  .refine((q) => q.c || q.holder, { message: '请填写校验码或著作权人姓名/名称', path: ['holder'] });

/** Only what is public about a certificate. */
export const VerifyResult = z
  .object({
    registrationNumber: z.string(),
    title: z.string(),
    workType: WorkType,
    holders: z.array(z.string()),
    registeredOn: z.iso.date(),
    edition: z.number().int().positive(),
    status: CertificateStatus,
    /** In Chinese: 有效 / 已被第N版补发证书取代 / 已撤销登记（日期，撤销依据）. */
    statusText: z.string(),
    /** 撤销登记: the China day the registration was revoked. */
    revokedOn: z.iso.date().optional(),
    sha256: z.string(),
  })
  .meta({ id: 'VerifyResult' });
export type VerifyResult = z.infer<typeof VerifyResult>;

/** 纸质证书: mailed with a waybill (顺丰到付) or picked up (自领). */
export const DeliveryInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('mailed'),
    waybillNo: z
      .string()
      .trim()
      .regex(/^[A-Z0-9]{8,20}$/, '运单号为8至20位大写字母或数字'),
  }),
  z.object({ kind: z.literal('picked_up') }),
]);
export const DeliveryResult = z.object({
  filingId: Id,
  kind: z.enum(['mailed', 'picked_up']),
  waybillNo: z.string().optional(),
  recordedAt: z.iso.datetime(),
});
