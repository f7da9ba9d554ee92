import { type Api, config } from '@copyreg/kit';
import {
  type DraftContent,
  maskPersonName,
  Outcome,
  permissions,
  type RegistryEntry,
  RegistryPage,
  RegistryQuery,
  type StatisticsQuery,
  StatisticsQuery as StatisticsQuerySchema,
  StatisticsReport,
  WorkType,
  workTypeColumns,
  YearlyQuery,
  YearlyTable,
} from '@copyreg/proto';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { FilingDeps } from './deps';

/**
 * 登记公告 (the public registry) and the staff statistics, both read from the read model. A
 * registration is in the registry once certified (certified or delivered); its 登记日期 is
 * filings.registered_on. The predicate is written out literally so the partial indexes match it.
 */
const REGISTERED = "status in ('certified', 'delivered', 'revoked')";
/**
 * A registry entry: registered, with its number, date and work type (a row lacking one, which only a
 * test's hand-made row can, is not published, rather than failing the page with a 500).
 */
const PUBLISHED = `${REGISTERED} and registration_number is not null and registered_on is not null and work_type in (${WorkType.options.map((t) => `'${t}'`).join(', ')})`;
/** Exact totals up to this many matches, as in the lists. */
const EXACT_TOTAL_UP_TO = 10_000;

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface RegistryRow {
  id: string;
  revoked_at: Date | null;
  changed_at: Date | null;
  registration_number: string;
  title: string;
  work_type: WorkType;
  registered_on: string;
  content: DraftContent;
}

export async function searchRegistry(
  db: Knex,
  q: RegistryQuery,
  opts: { maskPersonNames: boolean },
): Promise<z.input<typeof RegistryPage>> {
  const filtered = () => {
    const b = db('filing.filings as f').whereRaw(PUBLISHED);
    if (q.number) b.where('registration_number', q.number);
    if (q.title) {
      // As the lists: trigrams from 3 characters, the character index for 1–2.
      if ([...q.title].length >= 3) b.where('title', 'ilike', likePattern(q.title));
      else
        b.whereRaw('string_to_array(lower(title), null) @> string_to_array(lower(?), null)', [q.title]).whereRaw(
          "(title || '') ilike ?",
          [likePattern(q.title)],
        );
    }
    if (q.holder) {
      b.where('holders_text', 'ilike', likePattern(q.holder));
      // Masked people are not found by their full name, or the search would reveal it: only an
      // organisation's name (shown in full) matches then.
      if (opts.maskPersonNames)
        b.whereRaw(
          "exists (select 1 from jsonb_array_elements(f.content->'holders') h where h->>'holderType' <> 'individual' and h->>'name' ilike ?)",
          [likePattern(q.holder)],
        );
    }
    if (q.registeredFrom) b.where('registered_on', '>=', q.registeredFrom);
    if (q.registeredTo) b.where('registered_on', '<=', q.registeredTo);
    return b;
  };
  const offset = (q.page - 1) * q.pageSize;
  // The certified content is the frozen version's (what was signed and certified), with the facts
  // registered since by a change or transfer (其他登记服务) over it.
  const rows = (await filtered()
    .leftJoin('filing.filing_versions as v', (j) => j.on('v.filing_id', 'f.id').andOn('v.version_no', 'f.version_no'))
    .select(
      'f.id',
      'f.registration_number',
      db.raw("coalesce(f.current_facts->>'title', f.title) as title"),
      'f.work_type',
      'f.revoked_at',
      'f.changed_at',
      db.raw("to_char(f.registered_on, 'YYYY-MM-DD') as registered_on"),
      db.raw("coalesce(v.snapshot->'content', f.content) || coalesce(f.current_facts, '{}'::jsonb) as content"),
    )
    .orderBy([
      { column: 'f.registered_on', order: 'desc' },
      { column: 'f.id', order: 'desc' },
    ])
    .limit(q.pageSize)
    .offset(offset)) as RegistryRow[];

  let total: number;
  if (rows.length < q.pageSize && (rows.length > 0 || offset === 0)) total = offset + rows.length;
  else {
    const capped = filtered()
      .select(db.raw('1'))
      .limit(Math.max(offset, EXACT_TOTAL_UP_TO) + 1);
    const [row] = await db.from(capped.as('capped')).count<{ n: string }[]>({ n: '*' });
    total = Number(row?.n ?? 0);
  }

  // 撤销登记: the revocation workflow marks the read model (revoked_at); a certificate revoked
  // before revocations were workflows is revoked too.
  const revoked = new Set<string>(
    rows.length === 0
      ? []
      : (
          await db('certificate.certificates')
            .whereIn(
              'filing_id',
              rows.map((r) => r.id),
            )
            .where('status', 'revoked')
            .distinct('filing_id')
        ).map((r: { filing_id: string }) => r.filing_id),
  );

  const items = rows.map((r): RegistryEntry => {
    const c = r.content;
    return {
      registrationNumber: r.registration_number,
      title: r.title,
      workType: r.work_type,
      // An author's 署名 is public as published; a bare name is a person's, masked like a holder's.
      authors: (c.authors ?? []).map((a) => a.signature || (opts.maskPersonNames ? maskPersonName(a.name) : a.name)),
      holders: (c.holders ?? []).map((h) =>
        h.holderType === 'individual' && opts.maskPersonNames ? maskPersonName(h.name) : h.name,
      ),
      registeredOn: r.registered_on,
      ...(c.completedOn ? { completedOn: c.completedOn } : {}),
      ...(c.firstPublishedOn ? { firstPublishedOn: c.firstPublishedOn } : {}),
      status: r.revoked_at || revoked.has(r.id) ? 'revoked' : r.changed_at ? 'changed' : 'valid',
    };
  });
  return { items, total, page: q.page, pageSize: q.pageSize };
}

const countsOf = async (query: Knex.QueryBuilder) =>
  ((await query) as { k: string | null; n: string }[]).map((r) => ({ k: r.k, n: Number(r.n) }));

/** The statistics over a range of China days (both ends included). */
export async function statistics(db: Knex, q: StatisticsQuery): Promise<z.input<typeof StatisticsReport>> {
  const registered = () =>
    db('filing.filings as f').whereRaw(REGISTERED).whereBetween('f.registered_on', [q.from, q.to]);
  const [byType, byCity, byMonth, byCategory, byOutcome] = await Promise.all([
    countsOf(registered().select('work_type as k').count({ n: '*' }).groupBy('work_type')),
    countsOf(registered().select('region_city as k').count({ n: '*' }).groupBy('region_city').orderBy('n', 'desc')),
    countsOf(
      registered()
        .select(db.raw("to_char(registered_on, 'YYYY-MM') as k"))
        .count({ n: '*' })
        .groupByRaw('1')
        .orderBy('k'),
    ),
    countsOf(
      registered()
        .leftJoin('identity.profiles as p', 'p.user_id', 'f.applicant_id')
        .select('p.category as k')
        .count({ n: '*' })
        .groupBy('p.category'),
    ),
    // Outcomes of the filings applied for (申请日期) within the range.
    countsOf(
      db('filing.filings')
        .whereRaw("applied_at >= (?::date)::timestamp at time zone 'Asia/Shanghai'", [q.from])
        .whereRaw("applied_at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'", [q.to])
        .select(
          // Revoked: status 'revoked' (and revoked_at, also on rows from before it was the status).
          db.raw(`case when revoked_at is not null then 'revoked'
                       when ${REGISTERED} then 'certified'
                       when status in ('refused', 'withdrawn', 'expired') then status
                       else 'in_progress' end as k`),
        )
        .count({ n: '*' })
        .groupByRaw('1'),
    ),
  ]);
  const typeCount = new Map(byType.map((r) => [r.k, r.n]));
  const outcomeCount = new Map(byOutcome.map((r) => [r.k, r.n]));
  const outcomes = Outcome.options;
  return {
    from: q.from,
    to: q.to,
    total: byType.reduce((s, r) => s + r.n, 0),
    byWorkType: workTypeColumns.map((c) => ({ ...c, count: typeCount.get(c.workType) ?? 0 })),
    byCity: byCity.map((r) => ({ city: r.k ? `${r.k}00` : 'unknown', count: r.n })),
    byMonth: byMonth.map((r) => ({ month: r.k ?? '', count: r.n })),
    byApplicantCategory: byCategory.map((r) => ({
      category: (r.k ?? 'unknown') as 'unknown',
      count: r.n,
    })),
    byOutcome: outcomes.map((outcome) => ({ outcome, count: outcomeCount.get(outcome) ?? 0 })),
  };
}

/** 作品登记统计表: the year's registrations by month (rows) and category (columns), with 合计. */
export async function yearlyTable(db: Knex, year: number): Promise<YearlyTable> {
  const found = (await db('filing.filings')
    .whereRaw(REGISTERED)
    .whereBetween('registered_on', [`${year}-01-01`, `${year}-12-31`])
    .select(db.raw('extract(month from registered_on)::int as month'), 'work_type')
    .count({ n: '*' })
    .groupByRaw('1, 2')) as { month: number; work_type: WorkType; n: string }[];
  const rows = Array.from({ length: 12 }, (_, i) => {
    const counts = workTypeColumns.map((c) =>
      Number(found.find((f) => f.month === i + 1 && f.work_type === c.workType)?.n ?? 0),
    );
    return { month: `${i + 1}月`, total: counts.reduce((a, b) => a + b, 0), counts };
  });
  const counts = workTypeColumns.map((_, j) => rows.reduce((s, r) => s + (r.counts[j] ?? 0), 0));
  return {
    year,
    columns: workTypeColumns.map((c) => c.label),
    rows,
    totals: { month: '合计', total: counts.reduce((a, b) => a + b, 0), counts },
  };
}

const tableLines = (t: YearlyTable) => [
  ['月份', '合计', ...t.columns],
  ...[...t.rows, t.totals].map((r) => [r.month, r.total, ...r.counts]),
];

export async function yearlyWorkbook(t: YearlyTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(`${t.year}年作品登记统计表`);
  ws.addRows(tableLines(t));
  ws.getRow(1).font = { bold: true };
  ws.getRow(ws.rowCount).font = { bold: true };
  ws.columns.forEach((c) => {
    c.width = 8;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** CSV with a byte-order mark, so Excel opens the Chinese headings as UTF-8. */
export const yearlyCsv = (t: YearlyTable) =>
  `\uFEFF${tableLines(t)
    .map((l) => l.join(','))
    .join('\r\n')}\r\n`;

export function registerRegistryRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'get',
    path: '/registry',
    summary:
      '登记公告：已登记作品的公开查询（登记号精确、作品名称、著作权人、登记日期范围），每页 20 条；不含证件号、电话、地址',
    tags: ['registry'],
    access: 'public',
    rateLimit: 'registry',
    query: RegistryQuery,
    response: RegistryPage,
    async handler({ query }) {
      return searchRegistry(db, query, {
        maskPersonNames: (deps.registryPersonNames ?? config().REGISTRY_PERSON_NAMES) === 'masked',
      });
    },
  });

  api.route({
    method: 'get',
    path: '/statistics',
    summary: '统计：登记日期范围内按作品类别、地区（市）、月份、申请人类别的登记量，及该期间申请的办理结果',
    tags: ['statistics'],
    access: permissions.statistics,
    query: StatisticsQuerySchema,
    response: StatisticsReport,
    handler: async ({ query }) => statistics(db, query),
  });

  api.route({
    method: 'get',
    path: '/statistics/yearly',
    summary: '作品登记统计表（年度）：按月份与作品类别',
    tags: ['statistics'],
    access: permissions.statistics,
    query: YearlyQuery,
    response: YearlyTable,
    handler: async ({ query }) => yearlyTable(db, query.year),
  });

  api.route({
    method: 'get',
    path: '/statistics/yearly.xlsx',
    summary: '作品登记统计表（年度）导出 Excel',
    tags: ['statistics'],
    access: permissions.statistics,
    query: YearlyQuery,
    response: z.unknown().describe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    async handler({ query, res }) {
      const body = await yearlyWorkbook(await yearlyTable(db, query.year));
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`作品登记统计表-${query.year}.xlsx`)
        .send(body);
    },
  });

  api.route({
    method: 'get',
    path: '/statistics/yearly.csv',
    summary: '作品登记统计表（年度）导出 CSV',
    tags: ['statistics'],
    access: permissions.statistics,
    query: YearlyQuery,
    response: z.unknown().describe('text/csv'),
    async handler({ query, res }) {
      const body = yearlyCsv(await yearlyTable(db, query.year));
      res.type('text/csv; charset=utf-8').attachment(`作品登记统计表-${query.year}.csv`).send(body);
    },
  });
}
