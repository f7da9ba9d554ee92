import type { FilingContent, IdType, WorkType } from '@copyreg/proto';

/** The form's Chinese terms for the filing's enumerations, as the manual writes them. */
export const workTypeLabel: Record<WorkType, string> = {
  written: '文字作品',
  oral: '口述作品',
  music: '音乐作品',
  drama: '戏剧作品',
  quyi: '曲艺作品',
  dance: '舞蹈作品',
  acrobatics: '杂技艺术作品',
  fine_art: '美术作品',
  photography: '摄影作品',
  architecture: '建筑作品',
  film: '视听作品',
  graphic: '图形作品',
  model: '模型作品',
  other: '其他作品',
};

export const idTypeLabel: Record<IdType, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_pass: '港澳居民来往内地通行证',
  taiwan_pass: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  uscc: '统一社会信用代码证书',
  other_org: '其他组织证件',
};

export const creationNatureLabel: Record<FilingContent['creationNature'], string> = {
  original: '原创',
  adaptation: '改编',
  translation: '翻译',
  compilation: '汇编',
  annotation: '注释',
  arrangement: '整理',
  other: '其他',
};

export const ownershipModeLabel: Record<FilingContent['ownershipMode'], string> = {
  individual: '个人作品',
  joint: '合作作品',
  employment: '职务作品',
  corporate: '法人作品',
  commissioned: '委托作品',
  other: '其他作品',
};

export const acquisitionModeLabel: Record<FilingContent['acquisitionMode'], string> = {
  original: '原始',
  inherited: '继承',
  assumed: '承受',
  other: '其他',
};

export const rightLabel: Record<FilingContent['rights'][number], string> = {
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

/** 2026-03-05 → 2026年03月05日 */
export const chineseDate = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${y}年${m}月${d}日`;
};
