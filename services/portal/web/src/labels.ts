import type { FilingStatus, IdType, UserCategory, WorkType } from './proto';

/** The manual's Chinese names for the contracts' enum values. */
export const workTypeLabel: Record<WorkType, string> = {
  written: '文字',
  oral: '口述',
  music: '音乐',
  drama: '戏剧',
  quyi: '曲艺',
  dance: '舞蹈',
  acrobatics: '杂技',
  fine_art: '美术',
  photography: '摄影',
  architecture: '建筑',
  film: '影视（视听作品）',
  graphic: '图形',
  model: '模型',
  other: '其他',
};

export const statusLabel: Record<FilingStatus, string> = {
  draft: '暂存',
  awaiting_signatures: '等待签章',
  awaiting_submission: '已完成签章，待提交',
  awaiting_payment: '待缴费',
  payment_verifying: '线下付款，待财务核对',
  initial_review: '待初审',
  final_review: '待终审',
  returned: '退回修改',
  certified: '已发证',
  delivered: '纸质证书已寄出/已领取',
  refused: '不予登记并退费',
  withdrawn: '申请人撤回',
  expired: '逾期未补正，视为撤回',
};

export const statusColor: Partial<Record<FilingStatus, string>> = {
  draft: 'default',
  awaiting_signatures: 'orange',
  awaiting_submission: 'gold',
  awaiting_payment: 'volcano',
  payment_verifying: 'purple',
  initial_review: 'blue',
  final_review: 'geekblue',
  returned: 'red',
  certified: 'green',
  delivered: 'green',
  refused: 'magenta',
};

export const idTypeLabel: Record<IdType, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_pass: '港澳居民来往内地通行证',
  taiwan_pass: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  uscc: '统一社会信用代码',
  other_org: '其他组织证件',
};

export const categoryLabel: Record<UserCategory, string> = {
  individual: '个人',
  organisation: '法人或非法人组织',
  agency_company: '代理公司',
  agency_lawyer: '代理律师',
};

export {
  acquisitionModeLabel,
  creationNatureLabel,
  ownershipModeLabel,
  rightLabel,
  signerKindLabel,
} from '@copyreg/proto/src/labels';

export const roleLabel = {
  applicant: '申请人',
  initial_reviewer: '初审员',
  final_reviewer: '终审员',
  finance: '缴费核对',
  admin: '管理员',
  regional_staff: '下级部门',
} as const;

export const signerStateLabel = { waiting: '准备签章', current: '待签章', signed: '已签章' } as const;

/** A few region codes for the pickers (行政区划代码); any 6-digit code is accepted. */
export const regions: { value: string; label: string }[] = [
  { value: '330000', label: '浙江省' },
  { value: '330100', label: '浙江省杭州市' },
  { value: '330102', label: '浙江省杭州市上城区' },
  { value: '330105', label: '浙江省杭州市拱墅区' },
  { value: '330106', label: '浙江省杭州市西湖区' },
  { value: '330108', label: '浙江省杭州市滨江区' },
  { value: '330110', label: '浙江省杭州市余杭区' },
  { value: '330200', label: '浙江省宁波市' },
  { value: '330300', label: '浙江省温州市' },
  { value: '330400', label: '浙江省嘉兴市' },
  { value: '330500', label: '浙江省湖州市' },
  { value: '330600', label: '浙江省绍兴市' },
  { value: '330700', label: '浙江省金华市' },
  { value: '330800', label: '浙江省衢州市' },
  { value: '330900', label: '浙江省舟山市' },
  { value: '331000', label: '浙江省台州市' },
  { value: '331100', label: '浙江省丽水市' },
];
export const regionLabel = (code?: string) => regions.find((r) => r.value === code)?.label ?? code ?? '';

export const fen = (amountFen: number) => `¥ ${(amountFen / 100).toFixed(amountFen % 100 ? 2 : 0)}`;

export const decisionLabel = { approve: '通过', return: '退回修改', refuse: '不予登记' } as const;
export const stageLabel = { initial: '初审', final: '终审' } as const;
