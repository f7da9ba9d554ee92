import type { Knex } from 'knex';
import type { Client as Minio } from 'minio';

/**
 * What a request may have written: for every table of every schema in the database, its row
 * count and a sum of its rows' hashes (so an update shows too), and the bucket's object count
 * and total size. Cheap on a test database of a few hundred rows: one query, one listing.
 */
export type Snapshot = Map<string, string>;

export interface WriteProbe {
  snapshot(): Promise<Snapshot>;
  /** Waits until nothing changes for `quietMs` (work a request started in the background is done), up to `maxMs`. */
  settle(quietMs?: number, maxMs?: number): Promise<Snapshot>;
}

export async function writeProbe(
  db: Knex,
  store?: { client: Minio; bucket: string },
  schemas?: string[],
): Promise<WriteProbe> {
  const tables: { s: string; t: string }[] = (
    await db.raw(
      `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        and table_schema not like 'pg\\_%' and table_name not like 'knex\\_migrations%'
        ${schemas ? 'and table_schema = any(?)' : ''}
      order by 1, 2`,
      schemas ? [schemas] : [],
    )
  ).rows;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const sql = tables
    .map(
      ({ s, t }) =>
        `select '${s}.${t}' as name, count(*) || ' rows #' || coalesce(sum(hashtext(x::text)::bigint), 0) as state from ${q(s)}.${q(t)} x`,
    )
    .join(' union all ');
  const objects = async (): Promise<string> => {
    if (!store) return '';
    let n = 0;
    let size = 0;
    for await (const o of store.client.listObjectsV2(store.bucket, '', true) as AsyncIterable<{ size?: number }>) {
      n++;
      size += o.size ?? 0;
    }
    return `${n} objects, ${size} bytes`;
  };
  const snapshot = async (): Promise<Snapshot> => {
    const [rows, bucket] = await Promise.all([
      sql ? db.raw(sql).then((r) => r.rows as { name: string; state: string }[]) : [],
      objects(),
    ]);
    const m: Snapshot = new Map(rows.map((r) => [r.name, r.state]));
    if (store) m.set(`bucket ${store.bucket}`, bucket);
    return m;
  };
  return {
    snapshot,
    async settle(quietMs = 800, maxMs = 20_000) {
      const deadline = Date.now() + maxMs;
      let last = await snapshot();
      let since = Date.now();
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        const now = await snapshot();
        if (changes(last, now).length) {
          last = now;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) break;
      }
      return last;
    },
  };
}

/** What differs between two snapshots, one line per table or bucket. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .filter((n) => before.get(n) !== after.get(n))
    .map((n) => `${n} ${before.get(n) ?? '-'} → ${after.get(n) ?? '-'}`);
}
