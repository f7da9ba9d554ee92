import type { TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Answer, client, link, ok, type PagedPath } from './api';
import { useFailure } from './forms';
import { localeOf, useLang, useT } from './i18n';
import { usePrerenderedAnswer } from './prerendered';

/** A page whose total may be the database's estimate (a large list is not counted row by row). */
type Item<P extends PagedPath> = Answer<P> extends { items: (infer I)[] } ? I : never;
type ListPage<P extends PagedPath> = {
  items: Item<P>[];
  total: number;
  page: number;
  pageSize: number;
  totalIsEstimate?: boolean;
};

/** Rows on a list's first page (20 条/页), until the user picks another size. */
export const firstPageSize = 20;

/** A paginated list from a service: 共 N 条 (约 N 条 when estimated), 20 条/页, 跳至. */
export function usePaged<P extends PagedPath>(
  path: P | undefined,
  query: Record<string, string | number | undefined> = {},
  /** The path's own parameters ({stage} of a queue). */
  pathParams: Record<string, string> = {},
) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(firstPageSize);
  // The first page may have come with the page (the landing page, rendered by the server).
  const first = usePrerenderedAnswer<ListPage<P>>(
    path && link(path, pathParams, { ...query, page: 1, pageSize: firstPageSize }),
  );
  const [data, setData] = useState<ListPage<P> | undefined>(first);
  const hasFirst = useRef(first !== undefined);
  const [loading, setLoading] = useState(false);
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const key = JSON.stringify([query, pathParams]);
  // The last question asked: an answer that comes after a newer question (a search while the first
  // page still loads, a slow page 2 after a click on page 3) is not shown over the newer one's.
  const asked = useRef(0);
  const load = useCallback(async () => {
    if (!path) return;
    const question = ++asked.current;
    const latest = () => question === asked.current;
    setLoading(true);
    try {
      // The lists differ in their filters; the path is checked, the query is each page's own.
      const [q, p] = JSON.parse(key);
      const params = { query: { ...q, page, pageSize }, path: p };
      const got = (await ok(client.GET(path as '/api/filing/filings', { params } as never))) as ListPage<P>;
      if (!latest()) return;
      // Past the end (an estimated total overshot, or the last rows left the list): go to the last page.
      const last = Math.max(1, Math.ceil(got.total / pageSize));
      if (got.items.length === 0 && page > last) setPage(last);
      setData(got);
    } catch (err) {
      if (!latest()) return;
      fail(err);
      setData({ items: [] as Item<P>[], total: 0, page, pageSize });
    } finally {
      if (latest()) setLoading(false);
    }
  }, [path, key, page, pageSize, fail]);
  useEffect(() => {
    if (hasFirst.current) hasFirst.current = false;
    else void load();
  }, [load]);
  const pagination: TablePaginationConfig = {
    current: page,
    pageSize,
    total: data?.total ?? 0,
    showSizeChanger: true,
    showQuickJumper: true,
    showTotal: (total) =>
      data?.totalIsEstimate
        ? t('约 {n} 条', { n: total.toLocaleString(localeOf(lang)) })
        : t('共 {n} 条', { n: total }),
    onChange: (p, s) => {
      setPage(p);
      setPageSize(s);
    },
  };
  return {
    items: data?.items ?? ([] as Item<P>[]),
    total: data?.total ?? 0,
    loading,
    // Shown once the page has come: while the first one loads, its controls are only more to draw.
    pagination: data ? pagination : (false as const),
    reload: load,
    setPage,
  };
}
