import { SingleBar } from 'cli-progress';
import type { ScenarioResult } from './report';
import { Sampler } from './sampler';
import type { ScenarioContext } from './scenarios';
import { Latencies } from './stats';

/**
 * 登记公告 over `rows` certified registrations in filing.filings (bulk-inserted with
 * generate_series): a page by number, title, holder and registration-date range, each requested
 * through the public registry API. The API is rate-limited per IP (RATE_LIMIT_REGISTRY, 120 a
 * minute by default), so each page is requested 20 times: 100 requests in all.
 */
export async function runRegistrySearch(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { db, options } = ctx;
  const platform = await ctx.platform();
  const base = `${platform.urls.filing}/api/filing/registry`;
  const batch = 100_000;
  const insertStart = performance.now();
  const bar = new SingleBar({ format: '  insert [{bar}] {value}/{total}' });
  bar.start(options.rows, 0);
  for (let lo = 1; lo <= options.rows; lo += batch) {
    const hi = Math.min(options.rows, lo + batch - 1);
    // One row in 1,000 has a rarer title and an organisation as holder; dates over about 5.5 years.
    await db.raw(
      `insert into filing.filings (id, applicant_id, serial_no, status, status_seq, content, title, work_type,
         holders_text, authors_text, region, registration_number, registered_on, applied_at, status_at,
         created_at, updated_at)
       select gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(to_hex(g % 20000), 12, '0'))::uuid,
         'REG' || lpad(g::text, 10, '0'), 'certified', 9, '{}'::jsonb,
         case when g % 1000 = 0 then '西湖晨雾 第' || g || '号' else '作品 ' || g end,
         (array['photography','fine_art','written','music'])[1 + g % 4],
         case when g % 1000 = 0 then '杭州晨雾影像有限公司' else '张三' end, '张三',
         (array['330106','330102','330105','330108','330110','330200','330300','330400'])[1 + g % 8],
         '浙作登字-2026-F-' || lpad(g::text, 8, '0'), date '2021-01-01' + (g % 2000),
         now(), now(), now(), now()
       from generate_series(?::int, ?::int) g`,
      [lo, hi],
    );
    bar.update(hi);
  }
  bar.stop();
  await db.raw('analyze filing.filings');
  const insertSeconds = (performance.now() - insertStart) / 1000;

  const middle = Math.max(1, Math.floor(options.rows / 2));
  const pages: [string, Record<string, string>][] = [
    ['registry: page 1 (newest first)', {}],
    ['registry: number (exact)', { number: `浙作登字-2026-F-${String(middle).padStart(8, '0')}` }],
    ['registry: title 西湖晨雾', { title: '西湖晨雾' }],
    ['registry: holder 晨雾影像', { holder: '晨雾影像' }],
    ['registry: date range of a month', { registeredFrom: '2023-03-01', registeredTo: '2023-03-31' }],
  ];
  const latencies = new Latencies();
  const sampler = new Sampler(() => ({ ...ctx.stackGroups(), ...platform.pids() })).start();
  const errors: string[] = [];
  for (const [name, query] of pages) {
    for (let i = 0; i < 20; i++) {
      const res = await latencies.time(name, () => fetch(`${base}?${new URLSearchParams(query)}`));
      const text = await res.text();
      if (!res.ok) {
        errors.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
        break;
      }
    }
  }
  const processes = sampler.stop();
  return {
    figures: {
      'rows in the registry': options.rows,
      'seconds to bulk insert': Math.round(insertSeconds * 10) / 10,
    },
    latencies: latencies.summary(),
    processes,
    errors,
  };
}
