import { z } from 'zod';
import { PageQuery, pageOf } from './common';
import { UserCategory } from './identity';
import { WorkType } from './registration';

/**
 * 登记公告 (the public registry, 作品自愿登记试行办法 Art. 12) and the staff statistics. The
 * registry shows what the national announcement list shows (登记号, 登记日期, 作品名称, 作品类别,
 * 著作权人, 作品完成日期, 首次发表日期) and never an ID number, phone, address or internal id.
 */

/** A calendar day in a filter (China time), from 2000 on. */
const Day = (what: string) =>
  z.iso
    .date({ error: `${what}应为 YYYY-MM-DD` })
    .refine((d) => d >= '2000-01-01', { error: `${what}不能早于 2000-01-01` });

export const RegistryQuery = PageQuery.extend({
  /** 登记号, exact (浙作登字-2026-A-00000001). */
  number: z.string().trim().max(40, { error: '登记号最多 40 个字符' }).optional(),
  /** 作品名称, any part of it. */
  title: z.string().trim().max(100, { error: '作品名称最多 100 个字符' }).optional(),
  /** 著作权人, any part of the name as the registry shows it. */
  holder: z.string().trim().max(100, { error: '著作权人最多 100 个字符' }).optional(),
  registeredFrom: Day('登记日期').optional(),
  registeredTo: Day('登记日期').optional(),
})
  .refine((q) => !q.registeredFrom || !q.registeredTo || q.registeredFrom <= q.registeredTo, {
    message: '登记日期的结束日期不能早于开始日期',
    path: ['registeredTo'],
  })
  .meta({ id: 'RegistryQuery' });
export type RegistryQuery = z.infer<typeof RegistryQuery>;

/** valid 有效; changed 已变更 (a change registration or a transfer since, 其他登记服务); revoked 已撤销. */
export const RegistryStatus = z.enum(['valid', 'changed', 'revoked']);

export const RegistryEntry = z
  .object({
    registrationNumber: z.string(), // 登记号
    title: z.string(), // 作品名称
    workType: WorkType, // 作品类别
    authors: z.array(z.string()), // 作者 (署名)
    /** 著作权人: people's names masked (张*) where the office masks them; organisations in full. */
    holders: z.array(z.string()),
    registeredOn: z.iso.date(), // 登记日期
    completedOn: z.iso.date().optional(), // 作品完成日期
    firstPublishedOn: z.iso.date().optional(), // 首次发表日期
    status: RegistryStatus,
  })
  .meta({ id: 'RegistryEntry' });
export type RegistryEntry = z.infer<typeof RegistryEntry>;
export const RegistryPage = pageOf(RegistryEntry).meta({ id: 'RegistryPage' });

/** 张三 → 张*, 李小龙 → 李**: the surname stays, every other character is masked. */
export const maskPersonName = (name: string) => {
  const chars = [...name.trim()];
  return chars.length <= 1 ? name : chars[0] + '*'.repeat(chars.length - 1);
};

// --- Statistics ------------------------------------------------------------------------------

/** The national statistics table's categories, in its column order. */
export const workTypeColumns: { workType: WorkType; label: string }[] = [
  { workType: 'written', label: '文字' },
  { workType: 'oral', label: '口述' },
  { workType: 'music', label: '音乐' },
  { workType: 'drama', label: '戏剧' },
  { workType: 'quyi', label: '曲艺' },
  { workType: 'dance', label: '舞蹈' },
  { workType: 'acrobatics', label: '杂技' },
  { workType: 'fine_art', label: '美术' },
  { workType: 'photography', label: '摄影' },
  { workType: 'architecture', label: '建筑' },
  { workType: 'film', label: '影视' },
  { workType: 'graphic', label: '图形' },
  { workType: 'model', label: '模型' },
  { workType: 'other', label: '其他' },
];

/**
 * Where a registration ended: 已登记 (certified or delivered), 已撤销 (registered, then revoked),
 * 不予登记, 撤回 (by the applicant or deemed, 视为撤回), or still under way (办理中).
 */
export const Outcome = z.enum(['certified', 'revoked', 'refused', 'withdrawn', 'expired', 'in_progress']);
export type Outcome = z.infer<typeof Outcome>;

export const StatisticsQuery = z
  .object({ from: Day('开始日期'), to: Day('结束日期') })
  .refine((q) => q.from <= q.to, { message: '结束日期不能早于开始日期', path: ['to'] })
  .meta({ id: 'StatisticsQuery' });
export type StatisticsQuery = z.infer<typeof StatisticsQuery>;

const Count = z.number().int().nonnegative();
/**
 * Registrations (登记日期 within the range) by work type, city (行政区划代码 of the first holder's
 * city, 3301 杭州市), month and applicant category; and filings applied for within the range by
 * outcome.
 */
export const StatisticsReport = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    total: Count,
    byWorkType: z.array(z.object({ workType: WorkType, label: z.string(), count: Count })),
    byCity: z.array(z.object({ city: z.string(), count: Count })),
    byMonth: z.array(z.object({ month: z.string(), count: Count })),
    byApplicantCategory: z.array(z.object({ category: z.union([UserCategory, z.literal('unknown')]), count: Count })),
    byOutcome: z.array(z.object({ outcome: Outcome, count: Count })),
  })
  .meta({ id: 'StatisticsReport' });
export type StatisticsReport = z.infer<typeof StatisticsReport>;

/** The yearly table (作品登记统计表): one row per month, 合计 and a column per category. */
export const YearlyQuery = z
  .object({
    year: z.coerce.number({ error: '年份应为数字' }).int().min(2000, { error: '年份不能早于 2000' }).max(2100),
  })
  .meta({ id: 'YearlyQuery' });
export const YearlyRow = z.object({ month: z.string(), total: Count, counts: z.array(Count) });
export const YearlyTable = z
  .object({
    year: z.number().int(),
    columns: z.array(z.string()),
    rows: z.array(YearlyRow),
    totals: YearlyRow,
  })
  .meta({ id: 'YearlyTable' });
export type YearlyTable = z.infer<typeof YearlyTable>;
