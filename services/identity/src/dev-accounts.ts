import { createHash } from 'node:crypto';
import { type IdType, type Role, residentIdCheckChar, usccCheckChar } from '@copyreg/proto';

/**
 * The development accounts of the development login (浙江政务服务网 stand-in): one per role,
 * applicants of both categories, a second applicant for authorisation demos, a signer, and
 * regional staff bound to a city and a district. Their ID numbers are valid but made up.
 */
export interface DevAccountSeed {
  accountId: string;
  label: string;
  name: string;
  idType: IdType;
  idNumber: string;
  roles: Role[];
  region?: string;
}

const rid = (first17: string) => first17 + residentIdCheckChar(first17);
const uscc = (first17: string) => first17 + usccCheckChar(first17);

export const devAccounts: DevAccountSeed[] = [
  {
    accountId: 'applicant-zhang',
    label: '申请人（个人）',
    name: '张三',
    idType: 'resident_id',
    idNumber: rid('33010619900307123'),
    roles: ['applicant'],
  },
  {
    accountId: 'applicant-li',
    label: '申请人（个人，另一人）',
    name: '李四',
    idType: 'resident_id',
    idNumber: rid('33010219851112204'),
    roles: ['applicant'],
  },
  {
    accountId: 'applicant-org',
    label: '申请人（法人或非法人组织）',
    name: '杭州示例文化传媒有限公司',
    idType: 'uscc',
    idNumber: uscc('91330106MA27XY01B'),
    roles: ['applicant'],
  },
  {
    accountId: 'signer-wang',
    label: '签章人（执笔者）',
    name: '王五',
    idType: 'resident_id',
    idNumber: rid('33010519950620301'),
    roles: ['applicant'],
  },
  {
    accountId: 'initial-reviewer',
    label: '初审员',
    name: '赵初审',
    idType: 'resident_id',
    idNumber: rid('33010319800101401'),
    roles: ['initial_reviewer'],
  },
  {
    accountId: 'final-reviewer',
    label: '终审员',
    name: '钱终审',
    idType: 'resident_id',
    idNumber: rid('33010419780202502'),
    roles: ['final_reviewer'],
  },
  {
    accountId: 'finance',
    label: '财务（缴费核对）',
    name: '孙财务',
    idType: 'resident_id',
    idNumber: rid('33010819820303603'),
    roles: ['finance'],
  },
  {
    accountId: 'admin',
    label: '管理员',
    name: '周管理',
    idType: 'resident_id',
    idNumber: rid('33010919750404704'),
    roles: ['admin'],
  },
  {
    accountId: 'regional-hangzhou',
    label: '下级部门（杭州市）',
    name: '吴杭州',
    idType: 'resident_id',
    idNumber: rid('33011019880505805'),
    roles: ['regional_staff'],
    region: '330100',
  },
  {
    accountId: 'regional-xihu',
    label: '下级部门（西湖区）',
    name: '郑西湖',
    idType: 'resident_id',
    idNumber: rid('33010619890606906'),
    roles: ['regional_staff'],
    region: '330106',
  },
];

/** A stable user id per provider subject, so seeded users keep their ids across resets. */
export function devUserId(accountId: string): string {
  const h = createHash('sha256').update(`copyreg-dev:${accountId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * "Log in as a new person" (for signers in tests and demos): the subject carries the name and
 * resident ID, so the stateless development provider can answer for any of them.
 */
export function newPersonAccountId(name: string, idNumber: string): string {
  return `person.${Buffer.from(JSON.stringify({ name, idNumber })).toString('base64url')}`;
}

export function devAccountClaims(accountId: string): { name: string; idType: IdType; idNumber: string } | undefined {
  const seeded = devAccounts.find((a) => a.accountId === accountId);
  if (seeded) return { name: seeded.name, idType: seeded.idType, idNumber: seeded.idNumber };
  if (!accountId.startsWith('person.')) return undefined;
  try {
    const { name, idNumber } = JSON.parse(Buffer.from(accountId.slice(7), 'base64url').toString());
    return typeof name === 'string' && typeof idNumber === 'string'
      ? { name, idType: 'resident_id', idNumber }
      : undefined;
  } catch {
    return undefined;
  }
}
