import type { z } from 'zod';
import type {
  AcquisitionMode as AcquisitionModeSchema,
  CreationNature as CreationNatureSchema,
  OwnershipMode as OwnershipModeSchema,
  Right as RightSchema,
} from './filing';

/**
 * The manual's Chinese terms for the filing's enumerations, shared by the documents (申请表,
 * 证书) and the portal. Type-only imports keep this file safe for the browser bundle.
 */
type CreationNature = z.infer<typeof CreationNatureSchema>;
type OwnershipMode = z.infer<typeof OwnershipModeSchema>;
type AcquisitionMode = z.infer<typeof AcquisitionModeSchema>;
type Right = z.infer<typeof RightSchema>;

export const creationNatureLabel: Record<CreationNature, string> = {
  original: '原创',
  adaptation: '改编',
  translation: '翻译',
  compilation: '汇编',
  annotation: '注释',
  arrangement: '整理',
  other: '其他',
};

export const ownershipModeLabel: Record<OwnershipMode, string> = {
  individual: '个人作品',
  joint: '合作作品',
  employment: '职务作品',
  corporate: '法人作品',
  commissioned: '委托作品',
  other: '其他作品',
};

export const acquisitionModeLabel: Record<AcquisitionMode, string> = {
  original: '原始',
  inherited: '继承',
  assumed: '承受',
  other: '其他',
};

export const rightLabel: Record<Right, string> = {
  publication: '发表权',
  attribution: '署名权',
  modification: '修改权',
  integrity: '保护作品完整权',
  reproduction: '复制权',
  distribution: '发行权',
  rental: '出租权',
  exhibition: '展览权',
  performance: '表演权',
  projection: '放映权',
  broadcast: '广播权',
  network: '信息网络传播权',
  filming: '摄制权',
  adaptation: '改编权',
  translation: '翻译权',
  compilation: '汇编权',
  other: '其他',
};

export const signerKindLabel = { holder: '著作权人签章', writer: '执笔者签章' } as const;
