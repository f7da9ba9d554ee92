import { performance } from 'node:perf_hooks';
import { createDb } from '@copyreg/kit';
import { listFilings } from '../src/filings';

/**
 * List latency over a read model of N registrations (default 1,000,000): fills a copy of
 * filing.filings (same columns and indexes) in the schema `filing_bench`, times the lists the
 * portal and staff use (each with its total count), prints median and p95, then drops the copy.
 *   npx tsx scripts/list-latency.ts [rows]   (uses DATABASE_URL)
 */
const rows = Number(process.argv[2] ?? 1_000_000);
const db = createDb(undefined, { min: 1, max: 2 });
const table = 'filing_bench.filings';

await db.raw('drop schema if exists filing_bench cascade');
await db.raw('create schema filing_bench');
await db.raw(`create table ${table} (like filing.filings including all)`);
const t0 = performance.now();
// 10,000 applicants with 100 filings each; statuses spread like a busy office; 100 districts in 10 cities.
await db.raw(
  `
  insert into ${table} (id, applicant_id, serial_no, status, status_seq, content, title, work_type, holders_text,
                        authors_text, region, applied_at, review_deadline, created_at, updated_at)
  select gen_random_uuid(),
         ('00000000-0000-4000-8000-' || lpad((i % 10000)::text, 12, '0'))::uuid,
         'ZJ' || lpad(i::text, 16, '0'),
         (array['draft','awaiting_signatures','awaiting_payment','initial_review','final_review','certified','certified','certified','delivered','returned','withdrawn'])[1 + (i % 11)],
         3, '{"title":"作品"}'::jsonb, '作品' || i, 'fine_art', '著作权人' || (i % 997), '作者' || (i % 991),
         '33' || lpad(((i / 7) % 10)::text, 2, '0') || lpad(((i / 3) % 10)::text, 2, '0'),
         now() - (i || ' seconds')::interval,
         -- in review (待初审, 待终审): 办结期限 ahead, one in seven past it
         case when i % 11 in (3, 4) then now() + (case when i % 7 = 0 then -1 else 40 end) * interval '1 day' end,
         now() - (i || ' seconds')::interval, now()
  from generate_series(1, ?) as i`,
  [rows],
);
// Steady state: autovacuum has set the visibility map, so counts are index-only.
await db.raw(`vacuum analyze ${table}`);
console.log(`filled ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const applicant = '00000000-0000-4000-8000-000000004242';
const cases: [string, () => Promise<unknown>][] = [
  [
    '作品列表 (applicant, all, page 1)',
    () => listFilings(db, { applicantId: applicant }, { list: 'all', page: 1, pageSize: 20 }, 'newest', table),
  ],
  [
    '待提交作品 (applicant, to_submit)',
    () => listFilings(db, { applicantId: applicant }, { list: 'to_submit', page: 1, pageSize: 20 }, 'newest', table),
  ],
  [
    '作品列表 title search (applicant)',
    () =>
      listFilings(db, { applicantId: applicant }, { list: 'all', page: 1, pageSize: 20, title: '42' }, 'newest', table),
  ],
  [
    '待初审 queue page 1',
    () =>
      listFilings(
        db,
        { excludeDrafts: true },
        { list: 'initial_review', page: 1, pageSize: 20 },
        'oldest_applied',
        table,
      ),
  ],
  [
    '待初审 queue page 100',
    () =>
      listFilings(
        db,
        { excludeDrafts: true },
        { list: 'initial_review', page: 100, pageSize: 20 },
        'oldest_applied',
        table,
      ),
  ],
  [
    'staff: all page 1',
    () => listFilings(db, { excludeDrafts: true }, { list: 'all', page: 1, pageSize: 20 }, 'newest', table),
  ],
  [
    'staff: title search 作品4242',
    () =>
      listFilings(
        db,
        { excludeDrafts: true },
        { list: 'all', page: 1, pageSize: 20, title: '作品4242' },
        'newest',
        table,
      ),
  ],
  [
    '待初审 queue, overdue only',
    () =>
      listFilings(
        db,
        { excludeDrafts: true },
        { list: 'initial_review', page: 1, pageSize: 20, overdue: true },
        'oldest_applied',
        table,
      ),
  ],
  [
    '已发证 (staff) page 1',
    () => listFilings(db, { excludeDrafts: true }, { list: 'certified', page: 1, pageSize: 20 }, 'newest', table),
  ],
  [
    '下级部门 city 330100, page 1',
    () => listFilings(db, { regionCode: '330100' }, { list: 'all', page: 1, pageSize: 20 }, 'newest', table),
  ],
  [
    '下级部门 district 330106, page 1',
    () => listFilings(db, { regionCode: '330106' }, { list: 'all', page: 1, pageSize: 20 }, 'newest', table),
  ],
];
for (const [name, run] of cases) {
  await run(); // warm
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await run();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const { total, totalIsEstimate } = (await run()) as { total: number; totalIsEstimate: boolean };
  console.log(
    `${name}: median ${times[10]?.toFixed(1)} ms, p95 ${times[18]?.toFixed(1)} ms (total ${totalIsEstimate ? '≈' : ''}${total})`,
  );
}
if (!process.argv.includes('--keep')) await db.raw('drop schema filing_bench cascade');
await db.destroy();
