import type { IdType, WorkType } from '@copyreg/proto';

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

// Shared with the portal: one table each, in proto.
export {
  acquisitionModeLabel,
  creationNatureLabel,
  ownershipModeLabel,
  rightLabel,
  signerKindLabel,
} from '@copyreg/proto/src/labels';

/** 2026-03-05 → 2026年03月05日 */
export const chineseDate = (iso: string) => {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${y}年${m}月${d}日`;
};
