import type { TablePaginationConfig } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { get, type Page } from './api';
import { useFailure } from './forms';
import { localeOf, useLang, useT } from './i18n';

/** A page whose total may be the database's estimate (a large list is not counted row by row). */
type ListPage<T> = Page<T> & { totalIsEstimate?: boolean };

/** A paginated list from a service: 共 N 条 (约 N 条 when estimated), 20 条/页, 跳至. */
export function usePaged<T>(path: string | undefined, query: Record<string, string | number | undefined> = {}) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<ListPage<T>>();
  const [loading, setLoading] = useState(false);
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const key = JSON.stringify(query);
  const load = useCallback(async () => {
    if (!path) return;
    setLoading(true);
    try {
      const got = await get<ListPage<T>>(path, { ...JSON.parse(key), page, pageSize });
      // Past the end (an estimated total overshot, or the last rows left the list): go to the last page.
      const last = Math.max(1, Math.ceil(got.total / pageSize));
      if (got.items.length === 0 && page > last) setPage(last);
      setData(got);
    } catch (err) {
      fail(err);
      setData({ items: [], total: 0, page, pageSize });
    } finally {
      setLoading(false);
    }
  }, [path, key, page, pageSize, fail]);
  useEffect(() => {
    void load();
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
  return { items: data?.items ?? [], total: data?.total ?? 0, loading, pagination, reload: load, setPage };
}
