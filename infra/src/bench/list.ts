import { SingleBar } from 'cli-progress';
import { party } from './flow';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies } from './stats';

/**
 * List pages over `rows` registrations in the filing service's read model (filing.filings),
 * bulk-inserted with generate_series in batches: the applicant's lists, the review queues,
 * the staff list (with its total), the regional list and a title search, each requested
 * repeatedly through the filing API.
 */
const statuses = [
  ['certified', 30],
  ['delivered', 10],
  ['initial_review', 8],
  ['final_review', 7],
  ['awaiting_payment', 15],
  ['awaiting_signatures', 10],
  ['draft', 15],
  ['refused', 5],
] as const;

export async function runListPages(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { db, options } = ctx;
  const platform = await ctx.platform();
  const base = `${platform.urls.filing}/api/filing`;
  const applicant = await party(db, { name: '大量作品申请人' });
  const initial = await party(db, { name: '初审员', roles: ['initial_reviewer'] });
  const admin = await party(db, { name: '管理员', roles: ['admin'] });
  const regional = await party(db, { name: '西湖区工作人员', roles: ['regional_staff'], region: '330106' });

  // Status by a row's number modulo 100, following the shares above.
  let from = 0;
  const cases = statuses
    .map(([status, share]) => {
      const c = `when (g % 100) between ${from} and ${from + share - 1} then '${status}'`;
      from += share;
      return c;
    })
    .join(' ');
  const batch = 100_000;
  const insertStart = performance.now();
  const bar = new SingleBar({ format: '  insert [{bar}] {value}/{total}' });
  bar.start(options.rows, 0);
  for (let lo = 1; lo <= options.rows; lo += batch) {
    const hi = Math.min(options.rows, lo + batch - 1);
    // Every 10,000th row belongs to the measured applicant (100 of a million); the rest to 20,000 others.
    await db.raw(
      `insert into filing.filings (id, applicant_id, serial_no, status, status_seq, content, title, work_type,
         holders_text, authors_text, region, applied_at, status_at, created_at, updated_at)
       select gen_random_uuid(),
         case when g % 10000 = 0 then ?::uuid
              else ('00000000-0000-4000-8000-' || lpad(to_hex(g % 20000), 12, '0'))::uuid end,
         'BENCH' || lpad(g::text, 10, '0'),
         case ${cases} end,
         1, '{}'::jsonb,
         case when g % 1000 = 0 then '西湖晨雾 第' || g || '号' else '作品 ' || g end,
         (array['photography','fine_art','written','music'])[1 + g % 4],
         '张三', '张三',
         (array['330106','330102','330105','330108','330110','330200','330300','330400'])[1 + g % 8],
         now() - (g % 1000) * interval '1 hour', now(), now() - (g % 1000) * interval '1 hour', now()
       from generate_series(?::int, ?::int) g`,
      [applicant.userId, lo, hi],
    );
    bar.update(hi);
  }
  bar.stop();
  await db.raw('update filing.filings set applied_at = null where status = ?', ['draft']);
  await db.raw('analyze filing.filings');
  const insertSeconds = (performance.now() - insertStart) / 1000;

  const latencies = new Latencies();
  const sampler = new Sampler(() => ({ ...ctx.stackGroups(), ...platform.pids() })).start();
  const pages: [string, { cookie: string }, string][] = [
    ['applicant: 作品列表 page 1', applicant, '/filings?list=all'],
    ['applicant: 已发证 page 1', applicant, '/filings?list=certified'],
    ['reviewer: 待初审 page 1', initial, '/queues/initial'],
    ['reviewer: 待初审 page 500', initial, '/queues/initial?page=500'],
    ['staff: all page 1', admin, '/staff/filings?list=all'],
    ['staff: 已发证 page 1000', admin, '/staff/filings?list=certified&page=1000'],
    ['staff: title search 西湖晨雾', admin, `/staff/filings?list=all&title=${encodeURIComponent('西湖晨雾')}`],
    // One or two characters: rare (1 row in 1,000) and in every row.
    ['staff: title search 晨雾', admin, `/staff/filings?list=all&title=${encodeURIComponent('晨雾')}`],
    ['staff: title search 雾', admin, `/staff/filings?list=all&title=${encodeURIComponent('雾')}`],
    ['staff: title search 作品', admin, `/staff/filings?list=all&title=${encodeURIComponent('作品')}`],
    ['regional: 下级部门作品 page 1', regional, '/region/filings?list=all'],
  ];
  const errors: string[] = [];
  const repeat = 30;
  for (const [name, who, path] of pages) {
    for (let i = 0; i < repeat; i++) {
      const res = await latencies.time(name, () => fetch(`${base}${path}`, { headers: { cookie: who.cookie } }));
      const text = await res.text();
      if (!res.ok) {
        errors.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
        break;
      }
    }
  }
  const processes = sampler.stop();
  const total = (await db('filing.filings').count<{ count: string }[]>({ count: '*' }))[0]?.count;
  return {
    figures: {
      'rows in filing.filings': Number(total),
      'seconds to bulk insert': Math.round(insertSeconds * 10) / 10,
    },
    latencies: latencies.summary(),
    processes,
    errors,
  };
}
